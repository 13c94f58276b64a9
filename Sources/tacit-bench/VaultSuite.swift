import Foundation
import TacitCrypto
import TacitVault

/// `tacit-bench vault`: the vault against plain SQLite (same padded byte counts) in the same run.
enum VaultSuite {
    static func run() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tvb-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let configuration = VaultConfiguration(scryptParameters: .default)
        let vault = try await Vault.open(directory: root.appendingPathComponent("Data"),
                                         keysDirectory: root.appendingPathComponent("Keys"), configuration: configuration)
        let code = try await vault.createEnrollmentCode(name: "bench", role: .member)
        let passphrase = SecretBytes(utf8: "a benchmark passphrase 42")
        _ = try await vault.enroll(code: code.code, name: "bench", passphrase: passphrase)
        let session = try await vault.unlock(name: "bench", passphrase: passphrase)
        let body = String(repeating: "x", count: 900) // pads to the 1 KiB bucket
        let plain = try PlainSQLiteBaseline(path: root.appendingPathComponent("plain.sqlite").path)
        let payload = Data(repeating: 7, count: 1024 + 28)

        func time(_ body: () async throws -> Void) async rethrows -> Double {
            let start = ContinuousClock.now
            try await body()
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        func row(_ what: String, _ vaultValue: Double, _ baseline: Double, unit: String, ratio: Double, goal: String) {
            print(String(format: "%-44@ vault %10.1f %@  plain %10.1f %@  ratio %.2f (goal %@)",
                         what as NSString, vaultValue, unit as NSString, baseline, unit as NSString, ratio, goal as NSString))
        }

        // Durable single writes at 100 entries.
        _ = try await session.importEntries((0..<100).lazy.map { _ in EntryDraft(body: body) })
        let n = 200
        let vaultSingle = try await time { for _ in 0..<n { _ = try await session.write(EntryDraft(body: body)) } }
        let plainSingle = try await time {
            for _ in 0..<n {
                _ = try await plain.insert(payload)
            }
        }
        row("durable single write", Double(n) / vaultSingle, Double(n) / plainSingle, unit: "w/s",
            ratio: plainSingle / vaultSingle, goal: ">= 0.90")

        // Bulk import 100k x 1 KiB.
        let count = 100_000
        let rssBefore = peakRSS()
        let vaultBulk = try await time { _ = try await session.importEntries((0..<count).lazy.map { _ in EntryDraft(body: body) }) }
        let rssAfter = peakRSS()
        let plainBulk = try await time { try await plain.bulkInsert(count: count, payload: payload) }
        row("bulk import 100k x 1 KiB", Double(count) / vaultBulk, Double(count) / plainBulk, unit: "e/s",
            ratio: plainBulk / vaultBulk, goal: ">= 0.60")
        print("peak RSS \(rssAfter / 1024) MiB (before the import \(rssBefore / 1024) MiB; goal <= 200 MiB)")

        // Add latency at 100k vs at 100.
        let vaultSingleLarge = try await time { for _ in 0..<n { _ = try await session.write(EntryDraft(body: body)) } }
        print(String(format: "add latency at 100k / at 100: %.2f (goal <= 1.2)", vaultSingleLarge / vaultSingle))

        // Read + decrypt by id vs plain read by id.
        var sample: [EntryID] = []
        for _ in 0..<1000 { sample.append(try await session.write(EntryDraft(body: body)).id) }
        let plainIDs = try await plain.ids(limit: 1000)
        let vaultRead = try await time { for id in sample { _ = try await session.entry(id) } }
        let plainRead = try await time {
            for id in plainIDs { _ = try await plain.read(id) }
        }
        row("read (+ decrypt) by id", Double(sample.count) / vaultRead, Double(plainIDs.count) / plainRead, unit: "r/s",
            ratio: (plainRead / Double(plainIDs.count)) / (vaultRead / Double(max(1, sample.count))), goal: ">= 0.75")

        // Search over 10,000 own entries.
        let code2 = try await vault.createEnrollmentCode(name: "searcher", role: .member)
        _ = try await vault.enroll(code: code2.code, name: "searcher", passphrase: passphrase)
        let searcher = try await vault.unlock(name: "searcher", passphrase: passphrase)
        _ = try await searcher.importEntries((0..<10_000).lazy.map { i in
            EntryDraft(title: "note \(i)", body: "Practised active listening in meeting \(i). " + String(repeating: "words ", count: 120))
        })
        var hits = 0
        let search = try await time { hits = try await searcher.search("\"active listening\" meeting 9999").count }
        print(String(format: "search over 10,000 entries: %.1f ms, %d hit (goal <= 50 ms)", search * 1000, hits))

        // Unlock vs scrypt alone at N = 2^17.
        let unlock = try await time { _ = try await vault.unlock(name: "searcher", passphrase: passphrase) }
        let scrypt = try await time {
            _ = try Scrypt.deriveKey(from: passphrase, salt: [UInt8](repeating: 1, count: 16), parameters: .default, policy: .production)
        }
        print(String(format: "unlock (10k entries) %.0f ms vs scrypt alone %.0f ms: ratio %.2f (goal <= 1.15)",
                     unlock * 1000, scrypt * 1000, unlock / scrypt))
        try vault.close()
        try plain.close()
    }

    /// Peak resident set size in KiB (VmHWM).
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
