import Foundation
import TacitPolicy

/// A failure the user should read: a sentence for a person and the exit status the CLI contract
/// gives it (1 error, 2 usage, 3 denied).
struct CLIError: Error, CustomStringConvertible {
    /// The exit statuses of DESIGN.md's CLI contract.
    enum Status: Int32 {
        case error = 1
        case usage = 2
        case denied = 3
    }

    /// What went wrong and, where possible, what to do.
    let message: String
    /// The exit status.
    let status: Status

    /// Creates an error; `.error` (exit 1) unless said otherwise.
    init(_ message: String, status: Status = .error) {
        self.message = message
        self.status = status
    }

    var description: String { message }
}

/// An error answer of the daemon: its HTTP status and JSON error body.
struct DaemonFailure: Error, CustomStringConvertible {
    /// The HTTP status.
    let status: Int
    /// The stable code (`denied`, `not-found`, `session-expired`, …).
    let code: String
    /// The daemon's sentence.
    let message: String
    /// For a denial, the policies that decided it.
    let policies: [String]
    /// For a backoff, seconds to wait.
    let retryAfter: Int?

    /// Whether a fresh session would help (the token is missing, expired or unknown).
    var needsLogin: Bool { status == 401 && (code == "unauthorized" || code == "session-expired") }

    var description: String { message }

    /// The message and exit status a person sees.
    var cliError: CLIError {
        switch status {
        case 401 where code == "session-expired":
            return CLIError("your session expired — log in again with `tacit login --name NAME`")
        case 401 where code == "unauthorized":
            return CLIError("not logged in — run `tacit login --name NAME` first")
        case 401 where code == "invalid-credentials":
            return CLIError("wrong name or passphrase")
        case 403:
            if code == "denied" { return CLIError(Self.denial(policies), status: .denied) }
            let why = policies.isEmpty ? "" : " (policy: \(policies.joined(separator: ", ")))"
            return CLIError("denied: \(message)\(why)", status: .denied)
        case 404:
            return CLIError("not found: \(message.hasPrefix("no such") ? String(message.dropFirst(8)) : message)")
        case 429:
            let wait = retryAfter.map { " — wait \($0) s and try again" } ?? ""
            return CLIError("too many failed attempts\(wait)")
        case 503 where code == "busy":
            return CLIError("the daemon is busy unlocking other sessions — try again in a moment")
        default:
            return CLIError(message)
        }
    }

    /// What a denial by `policies` means, from the daemon's determining policies: the forbids that
    /// matched, or `default-deny` when none did and no permit did either. Only the second is "no
    /// policy allows this"; a forbid the base policy explains is said in its words, and any other
    /// forbid — the operator's own (`tacit serve --policy`) — by name.
    static func denial(_ policies: [String]) -> String {
        let why = policies.isEmpty ? "" : " (policy: \(policies.joined(separator: ", ")))"
        if let reason = explain(policies) { return "denied\(why): \(reason)" }
        let forbids = policies.filter { $0 != "default-deny" }
        guard !forbids.isEmpty else { return "denied\(why): no policy allows this for your role" }
        let base = Set(PolicySet.base.policies.map(\.id))
        let operators = forbids.filter { !base.contains($0) }
        let named = operators.isEmpty ? forbids : operators
        return "denied by the \(operators.isEmpty ? "base" : "operator's") \(named.count == 1 ? "policy" : "policies") "
            + named.joined(separator: ", ")
    }

    /// A plain-language reason for the base policy's common denials, when one of them decided.
    static func explain(_ policies: [String]) -> String? {
        // Who the caller is comes before what the resource is: a member refused an export hears
        // that exports are compliance's, not that this month's cohort is small.
        let reasons: KeyValuePairs<String, String> = [
            "disabled-principal": "this principal is disabled",
            "staff-and-content": "operators and compliance staff never read or write journal content",
            "export-by-non-compliance": "only compliance staff export metrics",
            "self-enrollment": "nobody adds themselves to a group or appoints themselves its facilitator",
            "staff-in-group": "operators and compliance staff are never members of a group",
            "resharing": "only an entry's author can share it",
            "share-outside-group": "you can share only with members of the entry's group",
            "facilitator-outside-group": "a facilitator must be a member of the group",
            "closed-cycle": "the cycle is closed — nothing can be written into it or changed in it (deleting stays possible)",
            "closed-cycle-schedule": "a closed cycle's dates are history (it stays as it ran) — a new cycle is scheduled on days still ahead",
            "export-below-thresholds": "the cohort is below the minimum sizes (by default 3 groups with a cycle that month, "
                + "each of 5 members or more, and 15 members in all; docs/metrics-schema.md), so nothing can be released",
            "export-over-budget": "this period's privacy budget is spent",
        ]
        return reasons.first { policies.contains($0.key) }?.value
    }
}
