import Foundation
import Testing
import TacitCrypto
@testable import TacitVault

@Suite struct InstanceAnchorTests {
    /// A commit schedules an anchor write for later; closing writes the last anchor and must cancel
    /// it. It used to run anyway and read the database while `Vault.close()` was closing it —
    /// ThreadSanitizer caught GRDB's reader pool read on the anchor's queue and cleared by `close()`.
    @Test func aWriteScheduledBeforeClosingDoesNotRunAfterIt() async throws {
        let f = try await Fixture()
        let keys = f.root.appendingPathComponent("AnchorKeys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let anchor = try InstanceAnchor(keysDirectory: keys, secret: SecretBytes(copying: [UInt8](repeating: 7, count: 32)),
                                        storage: f.vault.storage, interval: 0.3)
        anchor.noteCommit()    // the first write goes at once…
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: anchor.fileURL.path) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(FileManager.default.fileExists(atPath: anchor.fileURL.path))
        anchor.noteCommit()    // …the next waits for the interval
        try anchor.flush(closing: true)
        try FileManager.default.removeItem(at: anchor.fileURL)
        try await Task.sleep(for: .milliseconds(700))
        #expect(!FileManager.default.fileExists(atPath: anchor.fileURL.path), "the scheduled write ran after closing")
    }
}
