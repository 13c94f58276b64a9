import Foundation
import TacitCrypto
import TacitVault
import TacitSpawn

/// `tacit-bench vault`: the vault against plain SQLite in the same run.
///
/// Fairness: both sides store the same bytes per entry (a 1 KiB bucket plus the AEAD overhead),
/// in WAL mode with `synchronous=FULL`, through GRDB's async `write`/`read`, with the same
/// transaction shape (one transaction per durable write, one for the whole bulk import), and each
/// step of one side is mirrored by the other, so both tables hold the same number of rows when
/// they are measured and reads fetch rows written the same way. Timed steps alternate between the
/// two sides in rounds, so drift of the machine (other builds on the 2 cores) hits both alike.
///
/// The peak memory of the bulk import is measured in a fresh child process whose high-water mark
/// is reset (`/proc/self/clear_refs`) after enrollment and unlock, so scrypt's 128 MiB is not in it.
///
/// `TACIT_BENCH_VAULT_ONLY=durable,concurrent,audit,verify,bulk,read,search,unlock,rss` runs only those steps (for profiling).
enum VaultSuite {
    static let childVariable = "TACIT_BENCH_VAULT_CHILD"
    static let onlyVariable = "TACIT_BENCH_VAULT_ONLY"
    static let body = String(repeating: "x", count: 900) // pads to the 1 KiB bucket
    static let importCount = 100_000

    static func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if environment[childVariable] == "import-rss" { return try await importChild() }
        let only = environment[onlyVariable].map { Set($0.split(separator: ",").map(String.init)) }
        func wanted(_ step: String) -> Bool { only?.contains(step) ?? true }

        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = try await Vault.open(directory: root.appendingPathComponent("Data"),
                                         keysDirectory: root.appendingPathComponent("Keys"),
                                         configuration: VaultConfiguration(scryptParameters: .default))
        let passphrase = SecretBytes(utf8: "a benchmark passphrase 42")
        let session = try await member("bench", in: vault, passphrase: passphrase)
        let plain = try PlainSQLiteBaseline(path: root.appendingPathComponent("plain.sqlite").path)
        let payload = Data(repeating: 7, count: 1024 + AESGCM.overhead)

        // 100 entries on each side before the durable writes.
        _ = try await session.importEntries((0..<100).lazy.map { _ in EntryDraft(body: body) })
        try await plain.bulkInsert(count: 100, payload: payload)

        // Durable single writes at 100 entries, alternating rounds.
        let rounds = 5, perRound = 400
        var vaultRounds: [Double] = [], plainRounds: [Double] = []
        if wanted("durable") || wanted("latency") {
            for _ in 0..<rounds {
                vaultRounds.append(try await time { for _ in 0..<perRound { _ = try await session.write(EntryDraft(body: body)) } })
                plainRounds.append(try await time { for _ in 0..<perRound { _ = try await plain.insert(payload) } })
            }
            let v = Double(rounds * perRound) / vaultRounds.reduce(0, +), p = Double(rounds * perRound) / plainRounds.reduce(0, +)
            row("durable single write (own transaction)", v, p, unit: "w/s", ratio: v / p, goal: ">= 0.90")
        }

        // Eight writers at once: group commit shares one WAL sync among the writes that wait for it.
        if wanted("concurrent") {
            let writers = 8, perWriter = 250
            let before = vault.writeStatistics
            let sequential = try await time { for _ in 0..<(writers * perWriter / 4) { _ = try await session.write(EntryDraft(body: body)) } }
            let concurrent = try await time {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<writers {
                        group.addTask { for _ in 0..<perWriter { _ = try await session.write(EntryDraft(body: body)) } }
                    }
                    try await group.waitForAll()
                }
            }
            let after = vault.writeStatistics
            let sequentialRate = Double(writers * perWriter / 4) / sequential, concurrentRate = Double(writers * perWriter) / concurrent
            let commits = after.commits - before.commits - writers * perWriter / 4
            print(String(format: "durable writes, %d writers at once: %.0f w/s vs one writer %.0f w/s: ratio %.2f "
                         + "(%.1f writes per commit, largest %d)", writers, concurrentRate, sequentialRate,
                         concurrentRate / sequentialRate, Double(writers * perWriter) / Double(max(commits, 1)), after.largestBatch))
        }

        // The daemon's audit window: one flush of the records of 30 shared reads (10 ms at 3,000
        // reads/s), against a durable write of one entry, each alone on the writer, alternating.
        if wanted("audit") {
            let drafts = (0..<30).map { index in
                AuditDraft(actor: nil, action: "readShared", resource: UUID().uuidString.lowercased(), decision: "allow",
                           policies: ["audience-reads-share"], policyHash: String(repeating: "a", count: 64),
                           time: Date(timeIntervalSince1970: 1_767_225_600 + Double(index)))
            }
            var flushCPU: UInt64 = 0, writeCPU: UInt64 = 0, flushes = 0, writes = 0
            for _ in 0..<10 {
                var before = vault.writeStatistics
                for _ in 0..<20 { try await vault.appendAudit(drafts) }
                flushCPU += vault.writeStatistics.writerCPUNanoseconds - before.writerCPUNanoseconds
                flushes += 20
                before = vault.writeStatistics
                for _ in 0..<20 { _ = try await session.write(EntryDraft(body: body)) }
                writeCPU += vault.writeStatistics.writerCPUNanoseconds - before.writerCPUNanoseconds
                writes += 20
            }
            let flush = Double(flushCPU) / Double(flushes) / 1000, write = Double(writeCPU) / Double(writes) / 1000
            print(String(format: "audit window flush of 30 records: writer CPU %.0f µs; a durable entry write: %.0f µs; ratio %.2f",
                         flush, write, flush / write))
        }

        // `tacit audit verify` recomputes the whole chain: 100,000 records, against a plain scan of
        // as many rows of the same size (a record of a shared read plus its hash) in a database of
        // their own, alternating, medians of 3.
        if wanted("verify") {
            let count = 100_000, batch = 1_000
            let before = try await vault.verifyAuditChain().records
            for round in 0..<(count / batch) {
                let drafts = (0..<batch).map { index in
                    AuditDraft(actor: nil, action: "readShared", resource: UUID().uuidString.lowercased(), decision: "allow",
                               policies: ["audience-reads-share"], policyHash: String(repeating: "a", count: 64),
                               time: Date(timeIntervalSince1970: 1_767_225_600 + Double(round * batch + index)))
                }
                try await vault.appendAudit(drafts)
            }
            let scanRoot = root.appendingPathComponent("plain-audit.sqlite").path
            let scanned = try PlainSQLiteBaseline(path: scanRoot)
            try await scanned.bulkInsert(count: Int(before) + count, payload: Data(repeating: 7, count: 236))
            var verifies: [Double] = [], scans: [Double] = []
            var check = try await vault.verifyAuditChain()
            for _ in 0..<3 {
                verifies.append(try await time { check = try await vault.verifyAuditChain() })
                scans.append(try await time { _ = try await scanned.scanAll() })
            }
            try scanned.close()
            let v = Measure.median(verifies), p = Measure.median(scans)
            print(String(format: "audit verify of %d records: %.0f ms (%.0f records/s, %@); plain scan of as many rows: %.0f ms; "
                         + "ratio %.2f", check.records, v * 1000, Double(check.records) / v,
                         check.isIntact ? "intact" : "BROKEN" as NSString, p * 1000, v / p))
        }

        // Bulk import 100k x 1 KiB, one transaction each.
        if wanted("bulk") || wanted("latency") || wanted("read") {
            let vaultBulk = try await time {
                _ = try await session.importEntries((0..<importCount).lazy.map { _ in EntryDraft(body: body) })
            }
            let plainBulk = try await time { try await plain.bulkInsert(count: importCount, payload: payload) }
            row("bulk import 100k x 1 KiB (one transaction)", Double(importCount) / vaultBulk, Double(importCount) / plainBulk,
                unit: "e/s", ratio: plainBulk / vaultBulk, goal: ">= 0.60")
        }

        // Add latency at 100k vs at 100 (the durable rounds above), medians of rounds.
        if wanted("latency") {
            var large: [Double] = []
            for _ in 0..<rounds {
                large.append(try await time { for _ in 0..<perRound { _ = try await session.write(EntryDraft(body: body)) } })
            }
            print(String(format: "add latency at 100k / at 100: %.2f (%.1f vs %.1f µs; goal <= 1.2)",
                         Measure.median(large) / Measure.median(vaultRounds), Measure.median(large) / Double(perRound) * 1e6,
                         Measure.median(vaultRounds) / Double(perRound) * 1e6))
        }

        // Read + decrypt by id vs plain read by id: 1000 rows each side wrote one by one, read 3 times.
        if wanted("read") {
            var sample: [EntryID] = [], plainSample: [UUID] = []
            for _ in 0..<1000 {
                sample.append(try await session.write(EntryDraft(body: body)).id)
                plainSample.append(try await plain.insert(payload))
            }
            var vaultRead = 0.0, plainRead = 0.0
            for _ in 0..<3 {
                vaultRead += try await time { for id in sample { _ = try await session.entry(id) } }
                plainRead += try await time { for id in plainSample { _ = try await plain.read(id) } }
            }
            let reads = Double(3 * sample.count)
            row("read (+ decrypt) by id", reads / vaultRead, reads / plainRead, unit: "r/s", ratio: plainRead / vaultRead,
                goal: ">= 0.75")
        }

        // Search over 10,000 own entries: the first search after unlock fills the session's cache.
        var searcher: MemberSession?
        if wanted("search") || wanted("unlock") {
            let s = try await member("searcher", in: vault, passphrase: passphrase)
            _ = try await s.importEntries((0..<10_000).lazy.map { i in
                EntryDraft(title: "note \(i)", body: "Practised active listening in meeting \(i). " + String(repeating: "words ", count: 120))
            })
            searcher = s
        }
        if wanted("search"), let searcher {
            let query = "\"active listening\" meeting 9999"
            var hits = 0
            let cold = try await time { hits = try await searcher.search(query).count }
            var warm: [Double] = []
            for _ in 0..<7 { warm.append(try await time { hits = try await searcher.search(query).count }) }
            let unfiltered = try await time { _ = try await searcher.search("listening") }
            print(String(format: "search over 10,000 entries: %.1f ms warm (median of 7), %.1f ms first after unlock, "
                         + "%.1f ms for a term matching all; %d hit (goal <= 50 ms)",
                         Measure.median(warm) * 1000, cold * 1000, unfiltered * 1000, hits))
        }

        // Unlock (10k entries) vs scrypt alone at N = 2^17, alternating, medians of 3.
        if wanted("unlock") {
            var unlocks: [Double] = [], scrypts: [Double] = []
            for _ in 0..<3 {
                unlocks.append(try await time { _ = try await vault.unlock(name: "searcher", passphrase: passphrase).lock() })
                scrypts.append(try await time {
                    _ = try Scrypt.deriveKey(from: passphrase, salt: [UInt8](repeating: 1, count: 16), parameters: .default,
                                             policy: .production)
                })
            }
            let u = Measure.median(unlocks), s = Measure.median(scrypts)
            print(String(format: "unlock (10k entries) %.0f ms vs scrypt alone %.0f ms: ratio %.2f (goal <= 1.15)",
                         u * 1000, s * 1000, u / s))
        }
        searcher?.lock()
        session.lock()
        try vault.close()
        try plain.close()

        if wanted("rss") { try measureImportMemory() }
    }

    // MARK: Peak memory of the import, in a child process

    /// Runs this executable again with `TACIT_BENCH_VAULT_CHILD=import-rss` and prints what it reports.
    static func measureImportMemory() throws {
        var environment = ProcessInfo.processInfo.environment
        environment[childVariable] = "import-rss"
        let child = try ChildProcess.run(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, ["vault"],
                                         environment: environment)
        guard child.termination.succeeded,
              let line = child.outputText.split(separator: "\n").first(where: { $0.hasPrefix("import-rss ") }) else {
            print("peak RSS of the 100k import: the child failed (\(child.termination))")
            return
        }
        var values: [String: Int] = [:]
        for field in line.split(separator: " ").dropFirst() {
            let parts = field.split(separator: "=")
            if parts.count == 2 { values[String(parts[0])] = Int(parts[1]) }
        }
        let peak = values["peak"] ?? 0, base = values["base"] ?? 0, seconds = Double(values["ms"] ?? 0) / 1000
        print(String(format: "peak RSS of the 100k import: %d MiB (fresh process; %d MiB resident before it; %@; "
                     + "%.1f s; goal <= 200 MiB)", peak / 1024, base / 1024,
                     values["isolated"] == 1 ? "high-water mark reset after unlock" : "high-water mark NOT reset" as NSString,
                     seconds))
    }

    /// The child: enroll and unlock (scrypt), reset the high-water mark, import 100k entries, report.
    static func importChild() async throws {
        let root = temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = try await Vault.open(directory: root.appendingPathComponent("Data"),
                                         keysDirectory: root.appendingPathComponent("Keys"),
                                         configuration: VaultConfiguration(scryptParameters: .default))
        let session = try await member("bench", in: vault, passphrase: SecretBytes(utf8: "a benchmark passphrase 42"))
        // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0).
        let isolated = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        let base = status("VmRSS")
        let start = ContinuousClock.now
        _ = try await session.importEntries((0..<importCount).lazy.map { _ in EntryDraft(body: body) })
        let elapsed = ContinuousClock.now - start
        let peak = status("VmHWM")
        session.lock()
        try vault.close()
        let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        print("import-rss peak=\(peak) base=\(base) isolated=\(isolated ? 1 : 0) ms=\(ms)")
    }

    // MARK: Helpers

    static func temporaryRoot() -> URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tvb-\(UUID().uuidString.prefix(8))")
    }

    static func member(_ name: String, in vault: Vault, passphrase: SecretBytes) async throws -> MemberSession {
        let code = try await vault.createEnrollmentCode(name: name, role: .member)
        _ = try await vault.enroll(code: code.code, name: name, passphrase: passphrase)
        return try await vault.unlock(name: name, passphrase: passphrase)
    }

    static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func row(_ what: String, _ vaultValue: Double, _ baseline: Double, unit: String, ratio: Double, goal: String) {
        print(String(format: "%-44@ vault %10.1f %@  plain %10.1f %@  ratio %.2f (goal %@)",
                     what as NSString, vaultValue, unit as NSString, baseline, unit as NSString, ratio, goal as NSString))
    }

    /// A `/proc/self/status` field in KiB.
    static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
