import Foundation
import Glibc
import Testing
import TacitCrypto
@testable import TacitVault

/// Keys, anchor and bootstrap code are written through one atomic, synced replacement.
@Suite struct AtomicFileTests {
    @Test func replacesWithTheModeAskedAndLeavesNoTemporary() throws {
        let f = try TemporaryFolder()
        defer { try? FileManager.default.removeItem(at: f.url) }
        let url = f.url.appendingPathComponent("instance.key")
        let old = umask(0o077)
        defer { umask(old) }
        try AtomicFile.replace(url, with: [1, 2, 3], mode: 0o644)
        #expect(try Data(contentsOf: url) == Data([1, 2, 3]))
        #expect(Self.mode(url) == 0o644, "the mode asked for, not the umask's")
        try AtomicFile.replace(url, with: SecretBytes(copying: [9, 8, 7, 6]), mode: 0o600)
        #expect(try Data(contentsOf: url) == Data([9, 8, 7, 6]))
        #expect(Self.mode(url) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.url.path) == ["instance.key"])
    }

    @Test func aFolderThatCannotBeWrittenIsAClearError() throws {
        let url = URL(fileURLWithPath: "/nonexistent-tacit-folder/instance.key")
        #expect(throws: VaultError.self) { try AtomicFile.replace(url, with: [1], mode: 0o600) }
    }

    static func mode(_ url: URL) -> mode_t {
        var info = stat()
        stat(url.path, &info)
        return info.st_mode & 0o777
    }

    struct TemporaryFolder {
        let url: URL
        init() throws {
            var template = Array("/tmp/taf-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw VaultError(.storage, "mkdtemp failed") }
            url = URL(fileURLWithPath: String(cString: made))
        }
    }
}
