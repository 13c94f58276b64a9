import Foundation
import Testing
import TacitAPI

/// Soak only: 64 members on 64 connections mixing reads, writes, shares and shared reads against
/// the daemon as a child process (`TACIT_CRASHD`: the soak passes a release build) for 60 s:
/// 0 errors, latency percentiles reported, resident memory flat (< 10% growth from the first
/// 10 s to the last 10 s). A run longer than three minutes (`TACIT_LOAD_SECONDS`) measures growth
/// from its third minute instead: the first two fill the bounded caches (verified shares, each
/// session's share keys, SQLite's page caches), and a 30-minute run grew 58.4 → 64.1 MiB in its
/// first seven minutes and then stayed within 64.1–64.5 MiB; a leak shows after that, not before.
@Suite(.serialized) struct LoadTests {
    @Test(.enabled(if: Knobs.soak)) func sixtyFourClientsForAMinuteWithoutErrorsOrGrowth() async throws {
        let clients = Knobs.int("TACIT_LOAD_CLIENTS", default: 64)
        let seconds = Knobs.int("TACIT_LOAD_SECONDS", default: 60)
        let result = try await onThread { try Self.run(clients: clients, seconds: seconds) }
        Knobs.report(result.summary)
        for problem in result.problems.prefix(10) { Issue.record(Comment(rawValue: problem)) }
        #expect(result.errors == 0)
        #expect(result.requests > clients * seconds, "the load hardly ran")
        #expect(result.rssGrowth < 0.10, "resident memory grew \(Int(result.rssGrowth * 100))%")
        #expect(result.sweepHits.isEmpty)
    }

    struct Result {
        var requests = 0, errors = 0, seconds = 0.0
        var byKind: [String: Int] = [:]
        var p50 = 0.0, p99 = 0.0, max = 0.0
        var rssFirst = 0.0, rssLast = 0.0, rssPeak = 0
        /// Where `rssFirst` was measured from (seconds): 0, or 120 in a run longer than three minutes.
        var rssFrom = 0.0
        /// Mean resident memory of each whole minute (KiB): a longer run shows whether growth levels off.
        var rssByMinute: [Double] = []
        var problems: [String] = []
        var sweepHits: [String] = []
        var rssGrowth: Double { rssFirst > 0 ? (rssLast - rssFirst) / rssFirst : 1 }

        var summary: String {
            let kinds = byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return String(format: "load: %d requests in %.0f s = %.0f req/s (%@), %d errors; latency p50 %.2f ms, p99 %.2f ms, max %.1f ms; "
                          + "daemon RSS %.1f MiB (10 s from %.0f s) → %.1f MiB (last 10 s), %+.1f%%, peak %.1f MiB; sweep %d canaries",
                          requests, seconds, Double(requests) / seconds, kinds, errors, p50, p99, max,
                          rssFirst / 1024, rssFrom, rssLast / 1024, rssGrowth * 100, Double(rssPeak) / 1024, sweepHits.count)
                + (rssByMinute.count > 1 ? "; RSS by minute (MiB): " + rssByMinute.map { String(format: "%.1f", $0 / 1024) }.joined(separator: ", ") : "")
        }
    }

    final class Shared: @unchecked Sendable {
        let lock = NSLock()
        var latencies: [Double] = []
        var byKind: [String: Int] = [:]
        var errors = 0
        var problems: [String] = []
        /// share id → reader names, for shared reads.
        var shares: [(UUID, [String])] = []

        func merge(_ latencies: [Double], _ kinds: [String: Int], _ errors: Int, _ problems: [String]) {
            lock.lock(); defer { lock.unlock() }
            self.latencies += latencies
            byKind.merge(kinds, uniquingKeysWith: +)
            self.errors += errors
            self.problems += problems
        }

        func addShare(_ id: UUID, _ readers: [String]) {
            lock.lock(); defer { lock.unlock() }
            shares.append((id, readers))
            if shares.count > 5000 { shares.removeFirst(1000) }
        }

        func share(for reader: String) -> UUID? {
            lock.lock(); defer { lock.unlock() }
            return shares.last(where: { $0.1.contains(reader) })?.0
        }
    }

    final class RSSSamples: @unchecked Sendable {
        private let lock = NSLock()
        private var samples: [(Double, Int)] = []
        func add(_ time: Double, _ kib: Int) { lock.lock(); samples.append((time, kib)); lock.unlock() }
        var all: [(Double, Int)] { lock.lock(); defer { lock.unlock() }; return samples }
    }

    static func run(clients: Int, seconds: Int) throws -> Result {
        let home = try TemporaryHome(prefix: "tl")
        try home.writeConfiguration()
        let canary = Canary()
        let daemon = try DaemonProcess(home: home)
        try daemon.start()
        // Groups of 8 (the largest allowed): the first of each is its facilitator.
        var layout: [String: [String]] = [:]
        for index in 0..<clients {
            layout["g\(index / 8)", default: []].append("m\(index)")
        }
        let organisation = try Organisation.create(home: home, groups: layout)
        var groupOf: [String: [String]] = [:]
        for (_, members) in organisation.groups { for member in members { groupOf[member.name] = members.map(\.name) } }
        let members = organisation.members
        let shared = Shared()
        // Each member starts with a few entries.
        var own: [String: [UUID]] = [:]
        for member in members {
            for serial in 0..<3 {
                let response = try member.expect(201, "POST", "/v1/entries",
                                                 Content.make(canary, author: member.name, serial: serial, length: 500).input)
                own[member.name, default: []].append(try JSON.decode(EntryResponse.self, response).id)
            }
        }

        // Resident memory, sampled every second while the load runs.
        let stop = StopFlag()
        let samples = RSSSamples()
        let start = Date()
        let sampler = Thread {
            while !stop.isSet {
                if let kib = daemon.residentKiB() { samples.add(Date().timeIntervalSince(start), kib) }
                usleep(1_000_000)
            }
        }
        sampler.start()

        let deadline = start.addingTimeInterval(TimeInterval(seconds))
        let readsOnly = ProcessInfo.processInfo.environment["TACIT_LOAD_MIX"] == "reads"
        let ownSnapshot = own
        let groups = groupOf
        runThreads(members.count) { index in
            let member = members[index]
            var mine = ownSnapshot[member.name] ?? []
            let peers = (groups[member.name] ?? []).filter { $0 != member.name }
            var latencies: [Double] = []
            latencies.reserveCapacity(20_000)
            var kinds: [String: Int] = [:]
            var errors = 0
            var problems: [String] = []
            var serial = 100
            while Date() < deadline {
                serial += 1
                // TACIT_LOAD_MIX=reads: reads only, to tell a leak from data and caches that grow with writes.
                let roll = readsOnly ? 0 : Int.random(in: 0..<100)
                let begin = DispatchTime.now().uptimeNanoseconds
                var kind = "read"
                do {
                    if roll < 50 {
                        let response = try member.call("GET", "/v1/entries/\(mine.randomElement()!.uuidString)")
                        if response.status != 200 { throw HarnessFailure("read: \(response.status)") }
                    } else if roll < 75 {
                        kind = "write"
                        let content = Content.make(canary, author: member.name, serial: serial, length: Int.random(in: 0...2000))
                        let response = try member.call("POST", "/v1/entries", content.input)
                        if response.status != 201 { throw HarnessFailure("write: \(response.status) \(response.text.prefix(120))") }
                        mine.append(try JSON.decode(EntryResponse.self, response).id)
                    } else if roll < 87 {
                        kind = "share"
                        let reader = peers.randomElement()!
                        let response = try member.call("POST", "/v1/shares",
                                                       ShareRequest(entry: mine.randomElement()!, group: false, with: [reader], until: nil))
                        // Shared with that reader already: refused, and the share that runs is the one to read.
                        if response.status == 409, response.text.contains("already-shared") {
                            kind = "share refused as already made"
                        } else {
                            if response.status != 201 { throw HarnessFailure("share: \(response.status) \(response.text.prefix(120))") }
                            shared.addShare(try JSON.decode(ShareInfo.self, response).id, [reader])
                        }
                    } else {
                        kind = "shared-read"
                        guard let share = shared.share(for: member.name) else { continue }
                        let response = try member.call("GET", "/v1/feed/\(share.uuidString)")
                        if response.status != 200 { throw HarnessFailure("shared read: \(response.status)") }
                    }
                    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
                    kinds[kind, default: 0] += 1
                } catch {
                    errors += 1
                    if problems.count < 5 { problems.append("\(member.name): \(error)") }
                }
            }
            shared.merge(latencies, kinds, errors, problems)
        }
        let elapsed = Date().timeIntervalSince(start)
        stop.set()
        while sampler.isExecuting { usleep(10_000) }
        let status = daemon.stop()

        var result = Result()
        result.seconds = elapsed
        result.requests = shared.latencies.count
        result.errors = shared.errors
        result.byKind = shared.byKind
        result.problems = shared.problems + (status == 0 ? [] : ["the daemon's graceful stop exited \(status)"])
        let sorted = shared.latencies.sorted()
        result.p50 = percentile(sorted, 50)
        result.p99 = percentile(sorted, 99)
        result.max = sorted.last ?? 0
        let all = samples.all
        result.rssFrom = elapsed > 180 ? 120 : 0
        let first = all.filter { $0.0 >= result.rssFrom && $0.0 < result.rssFrom + 10 }.map { Double($0.1) }
        let last = all.filter { $0.0 >= elapsed - 10 }.map { Double($0.1) }
        result.rssPeak = all.map(\.1).max() ?? 0
        result.rssFirst = first.isEmpty ? 0 : first.reduce(0, +) / Double(first.count)
        result.rssLast = last.isEmpty ? 0 : last.reduce(0, +) / Double(last.count)
        result.rssByMinute = (0..<Int(elapsed / 60)).map { minute in
            let kib = all.filter { Int($0.0 / 60) == minute }.map { Double($0.1) }
            return kib.isEmpty ? 0 : kib.reduce(0, +) / Double(kib.count)
        }
        let sweep = PlaintextSweep.sweep([home.url], for: canary)
        result.sweepHits = sweep.hits
        return result
    }
}
