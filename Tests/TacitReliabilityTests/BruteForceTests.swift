import Foundation
import Testing
import TacitAPI

/// Passphrase guessing against the daemon on its socket: the per-name backoff holds, and an unknown
/// name cannot be told from a wrong passphrase — by the answer (default run, file clock) or by
/// timing (soak: a Mann–Whitney test over many tries with real scrypt, N = 2^14).
@Suite(.serialized) struct BruteForceTests {
    static func unlock(_ client: SocketClient, _ name: String, _ passphrase: String) throws -> SocketClient.Response {
        try client.request("POST", "/v1/sessions", body: JSON.encode(UnlockRequest(name: name, passphrase: passphrase)))
    }

    /// Sets up operator olivia and member ali; returns a client.
    static func organise(_ test: InProcessDaemon) throws -> SocketClient {
        let code = try String(contentsOf: test.home.keys.appendingPathComponent("bootstrap-code"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let olivia = Member(name: "olivia", socket: test.home.socket)
        try olivia.enroll(code: code)
        let invited = try olivia.expect(201, "POST", "/v1/invitations", InvitationRequest(name: "ali", role: "member", group: nil))
        try Member(name: "ali", socket: test.home.socket).enroll(code: try JSON.decode(InvitationResponse.self, invited).code)
        return SocketClient(socket: test.home.socket)
    }

    @Test func aHundredWrongPassphrasesMeetAGrowingBackoffThatNamesNobody() async throws {
        let test = try await InProcessDaemon(scryptLog2N: 10)
        await test.start()
        let canary = Canary()
        let figures = try await onThread { () throws -> (evaluated: Int, refused: Int, waits: [Int], problems: [String]) in
            let client = try Self.organise(test)
            var problems: [String] = []
            var evaluated = 0, refused = 0
            var waits: [Int] = []
            var attempt = 0
            while evaluated < 100 && attempt < 400 {
                attempt += 1
                let guess = "\(canary.marker) guess \(attempt)"
                let known = try Self.unlock(client, "ali", guess)
                let unknown = try Self.unlock(client, "zed", guess)
                // Same answer for a known name with a wrong passphrase and a name nobody has.
                if known.status != unknown.status || known.body != unknown.body
                    || known.headers["retry-after"] != unknown.headers["retry-after"] {
                    problems.append("attempt \(attempt): ali answered \(known.status) \(known.text), zed answered \(unknown.status) \(unknown.text)")
                }
                switch known.status {
                case 401:
                    evaluated += 1
                case 429:
                    refused += 1
                    guard let wait = known.headers["retry-after"].flatMap(Int.init), wait > 0 else {
                        problems.append("attempt \(attempt): 429 without a Retry-After")
                        break
                    }
                    if let last = waits.last, wait < last { problems.append("Retry-After shrank from \(last) to \(wait)") }
                    waits.append(wait)
                    // The backoff holds even for the right passphrase.
                    let right = try Self.unlock(client, "ali", Member.passphrase)
                    if right.status != 429 { problems.append("attempt \(attempt): the right passphrase got \(right.status) during the backoff") }
                    try test.advance(seconds: Double(wait))
                default:
                    problems.append("attempt \(attempt): unexpected \(known.status) \(known.text)")
                }
            }
            // After the wait, the owner gets in, and that clears the backoff.
            if let wait = try Self.unlock(client, "ali", "x").headers["retry-after"].flatMap(Double.init) { try test.advance(seconds: wait) }
            let right = try Self.unlock(client, "ali", Member.passphrase)
            if right.status != 201 { problems.append("the owner could not log in after the wait: \(right.status)") }
            return (evaluated, refused, waits, problems)
        }
        try await test.stop()
        let sweep = PlaintextSweep.sweep([test.home.url], for: canary)
        test.home.remove()
        Knobs.report("brute force: \(figures.evaluated) wrong passphrases evaluated, \(figures.refused) refused with 429; "
                     + "Retry-After \(figures.waits.first ?? 0) s growing to \(figures.waits.last ?? 0) s; "
                     + "unknown name and wrong passphrase answered alike: \(figures.problems.isEmpty ? "yes" : "NO"); "
                     + "guesses found at rest or in logs: \(sweep.hits.count)")
        for problem in figures.problems.prefix(10) { Issue.record(Comment(rawValue: problem)) }
        #expect(figures.problems.isEmpty)
        #expect(figures.evaluated == 100)
        #expect(figures.refused >= 97, "after 3 free attempts every further one must wait")
        #expect(figures.waits.first == 1)
        #expect(figures.waits.last == 900, "the wait doubles up to 15 minutes")
        #expect(Set(figures.waits).count >= 10, "the wait grows")
        #expect(sweep.hits.isEmpty, "a guessed passphrase was found at rest: \(sweep.hits)")
    }

    /// Soak only: latencies of wrong passphrases for a known name and of unknown names, interleaved
    /// at random, with real scrypt (N = 2^14). The clock jumps past any backoff before each try.
    @Test(.enabled(if: Knobs.soak)) func anUnknownNameAndAWrongPassphraseTakeTheSameTime() async throws {
        let tries = Knobs.int("TACIT_TIMING_TRIES", default: 300)
        let test = try await InProcessDaemon(scryptLog2N: 14)
        await test.start()
        let (known, unknown) = try await onThread { () throws -> ([Double], [Double]) in
            let client = try Self.organise(test)
            var known: [Double] = [], unknown: [Double] = []
            // Warm up both paths.
            for name in ["ali", "zed", "ali", "zed"] { _ = try Self.unlock(client, name, "warm up guess") }
            let order = (Array(repeating: true, count: tries) + Array(repeating: false, count: tries)).shuffled()
            for isKnown in order {
                try test.advance(seconds: 3600)
                let start = DispatchTime.now().uptimeNanoseconds
                let response = try Self.unlock(client, isKnown ? "ali" : "zed", "a wrong guess of the same length")
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                guard response.status == 401 else { throw HarnessFailure("expected 401, got \(response.status)") }
                if isKnown { known.append(elapsed) } else { unknown.append(elapsed) }
            }
            return (known, unknown)
        }
        try await test.stop()
        test.home.remove()
        let test2 = MannWhitney(known, unknown)
        let medianKnown = percentile(known.sorted(), 50), medianUnknown = percentile(unknown.sorted(), 50)
        Knobs.report(String(format: "timing: %d tries each, scrypt N=2^14; median %.2f ms (wrong passphrase) vs %.2f ms (unknown name); "
                            + "Mann–Whitney U z = %.2f, p = %.3f", tries, medianKnown, medianUnknown, test2.z, test2.p))
        #expect(test2.p > 0.001, "timing tells an unknown name from a wrong passphrase (p = \(test2.p))")
        #expect(abs(medianKnown - medianUnknown) < 0.1 * medianKnown)
    }
}

/// The Mann–Whitney U test (normal approximation with tie correction), two-sided.
struct MannWhitney {
    let u: Double
    let z: Double
    let p: Double

    init(_ a: [Double], _ b: [Double]) {
        let n1 = Double(a.count), n2 = Double(b.count)
        let all = (a.map { ($0, 0) } + b.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: all.count)
        var tieTerm = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j { ranks[k] = rank }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        let rankSumA = zip(all, ranks).filter { $0.0.1 == 0 }.reduce(0) { $0 + $1.1 }
        u = rankSumA - n1 * (n1 + 1) / 2
        let n = n1 + n2
        let sigma = (n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        z = sigma > 0 ? (u - n1 * n2 / 2) / sigma : 0
        p = erfc(abs(z) / 2.0.squareRoot())
    }
}
