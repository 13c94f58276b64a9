import Foundation
import TacitAPI

/// Turns what a person typed into ids: a full id, or a unique prefix of one (tables show the
/// first 8 characters).
enum Resolve {
    /// Every own entry summary, page by page.
    static func allEntries(_ account: Authenticated, query: [(String, String)] = []) async throws -> [EntrySummary] {
        try await newestEntries(account, query: query, limit: nil).entries
    }

    /// The newest `limit` own entries (all with `nil`), newest first, in pages of at most 1,000; the
    /// answer's `next` says whether more match, and `total` how many (from a daemon that says).
    static func newestEntries(_ account: Authenticated, query: [(String, String)] = [], limit: Int?,
                              path: String = "/v1/entries") async throws -> EntryList {
        var entries: [EntrySummary] = []
        var cursor: String?
        var total: Int?
        repeat {
            let pageSize = min(1000, (limit ?? Int.max) - entries.count)
            var parameters = query + [("limit", String(pageSize))]
            if let cursor { parameters.append(("cursor", cursor)) }
            let page: EntryList = try await account.call(.GET, path, query: parameters)
            entries += page.entries
            cursor = page.next
            total = page.total
        } while cursor != nil && entries.count < (limit ?? Int.max)
        return EntryList(entries: entries, next: cursor, total: total)
    }

    /// One of the caller's own entries by id or unique prefix.
    ///
    /// - Throws: `CLIError` when nothing or more than one entry matches.
    static func entry(_ text: String, _ account: Authenticated) async throws -> UUID {
        if let id = UUID(uuidString: text) { return id }
        try checkPrefix(text)
        // The daemon picks the matches by id, so only they are decrypted (two say it is ambiguous;
        // the answer's total says how many there are).
        let list = try await newestEntries(account, query: [("idPrefix", text.lowercased())], limit: 2)
        let matches = list.entries.filter { $0.id.lower.hasPrefix(text.lowercased()) }
        if let total = list.total, total > 1 { throw CLIError("'\(text)' matches \(total) entries — give more characters") }
        return try single(matches.map(\.id), text, what: "entry")
    }

    /// A group as the daemon takes it — in `/v1/groups/{group}`, `?group=` and a request's `group`:
    /// its name or its full id as given, or a unique prefix of 4 or more characters of its id (tables
    /// show the first 8) as the full id. A group named like the prefix wins: the name is the one
    /// people chose. `name` is the group's name when it was looked up, else what was typed.
    ///
    /// - Throws: `CLIError` when a prefix matches more than one group.
    static func group(_ text: String, _ account: Authenticated) async throws -> (reference: String, name: String) {
        guard UUID(uuidString: text) == nil, isPrefix(text) else { return (text, text) }
        let groups: [GroupSummary] = try await account.call(.GET, "/v1/groups")
        if groups.contains(where: { $0.name == text }) { return (text, text) }
        let matches = groups.filter { $0.id.lower.hasPrefix(text.lowercased()) }
        guard matches.count <= 1 else {
            throw CLIError("'\(text)' matches \(matches.count) groups (\(matches.map(\.name).joined(separator: ", "))) — give more characters")
        }
        // No match: the daemon says there is no such group.
        return matches.first.map { ($0.id.lower, $0.name) } ?? (text, text)
    }

    /// A cycle by id or unique prefix, or the current cycle of a group given by name, id or prefix.
    ///
    /// - Throws: `CLIError` when nothing matches.
    static func cycle(_ text: String, _ account: Authenticated) async throws -> CycleInfo {
        let cycles: [CycleInfo] = try await account.call(.GET, "/v1/cycles")
        if let id = UUID(uuidString: text), let cycle = cycles.first(where: { $0.id == id }) { return cycle }
        if text.count >= 4 {
            let matches = cycles.filter { $0.id.lower.hasPrefix(text.lowercased()) }
            if matches.count == 1 { return matches[0] }
        }
        if let id = UUID(uuidString: text) {
            // A cycle of a group the caller is not in (a facilitator's agenda, an operator): trust the id.
            return CycleInfo(id: id, group: id, session1: .distantPast, session2: .distantPast, phase: "unknown", topics: nil)
        }
        // The start of the id of another group's cycle (an operator's, from `tacit cycle list GROUP`):
        // looked for in every group the caller can list, so the daemon decides on the cycle itself.
        if isPrefix(text), !cycles.contains(where: { $0.id.lower.hasPrefix(text.lowercased()) }),
           let groups: [GroupSummary] = try? await account.call(.GET, "/v1/groups"), !groups.contains(where: { $0.name == text }) {
            var matches: [CycleInfo] = []
            for group in groups {
                let theirs: [CycleInfo] = (try? await account.call(.GET, "/v1/cycles", query: [("group", group.id.lower)])) ?? []
                matches += theirs.filter { $0.id.lower.hasPrefix(text.lowercased()) }
            }
            if matches.count == 1 { return matches[0] }
        }
        // A group: its current cycle.
        let group = try await Self.group(text, account)
        let inGroup: [CycleInfo]
        do {
            inGroup = try await account.call(.GET, "/v1/cycles", query: [("group", group.reference)])
        } catch let failure as DaemonFailure where failure.status == 404 {
            throw CLIError("no cycle or group '\(text)' — see `tacit cycle list`")
        }
        guard let current = current(of: inGroup) else {
            // A closed cycle is still named by its id (its agenda, its entries), which the list shows.
            guard let last = inGroup.last else {
                throw CLIError("group \(text) has no cycle yet — its facilitator schedules one with `tacit cycle create`")
            }
            throw CLIError("group \(text) has no open cycle: the last, \(last.id.short), is closed (a closed cycle is named by its id; "
                           + "`tacit cycle list \(text)` shows them)")
        }
        return current
    }

    /// A cycle an entry can be written into: `cycle(_:_:)`, and one of the caller's own groups'.
    /// Checked before an editor opens or an import starts, so nothing is typed or read for a cycle
    /// the daemon would refuse.
    ///
    /// - Throws: `CLIError` when nothing matches, or when the cycle is another group's.
    static func ownCycle(_ text: String, _ account: Authenticated) async throws -> CycleInfo {
        let found = try await cycle(text, account)
        let mine: [CycleInfo] = try await account.call(.GET, "/v1/cycles")
        guard mine.contains(where: { $0.id == found.id }) else {
            let whose = (try? await account.call(.GET, "/v1/groups") as [GroupSummary])?.first { $0.id == found.group }?.name
            let what = whose.map { "you are not in group \($0)" } ?? "cycle \(text) is not one of your groups' cycles"
            throw CLIError("\(what): entries go only into your own groups' cycles — see `tacit cycle list`")
        }
        return found
    }

    /// The cycle a new entry goes into by default: one in progress, else one being planned.
    static func current(of cycles: [CycleInfo]) -> CycleInfo? {
        let active = ["session-1", "practice", "reflection", "session-2"]
        return cycles.first { active.contains($0.phase) } ?? cycles.first { $0.phase == "planning" }
    }

    /// Whether `text` can be the start of an id: 4 or more hexadecimal digits and dashes.
    static func isPrefix(_ text: String) -> Bool {
        text.count >= 4 && text.allSatisfy { $0.isHexDigit || $0 == "-" }
    }

    /// - Parameter listing: the command whose table shows such ids.
    static func checkPrefix(_ text: String, listedBy listing: String = "tacit list") throws {
        guard isPrefix(text) else {
            throw CLIError("'\(text)' is not an id — give the id (or its first 4+ characters) as `\(listing)` shows it", status: .usage)
        }
    }

    static func single(_ ids: [UUID], _ text: String, what: String) throws -> UUID {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { throw CLIError("not found: no \(what) \(text)") }
        guard unique.count == 1 else {
            let plural = what.hasSuffix("y") ? what.dropLast() + "ies" : what + "s"
            throw CLIError("'\(text)' matches \(unique.count) \(plural) — give more characters")
        }
        return unique[0]
    }
}
