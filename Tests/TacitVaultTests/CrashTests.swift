import Foundation
import Testing
import TacitCrypto
import TacitSpawn
@testable import TacitVault

@Suite struct CrashTests {
    static func writerPath() -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tacit-crashwriter").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// A child writes entries and reports acknowledged ids; it is SIGKILLed at random moments.
    /// Afterwards the database is sound, every acknowledged entry decrypts, and the database is never
    /// behind its anchor (the child's own open checks that at every round).
    @Test func acknowledgedWritesSurviveSIGKILL() async throws {
        guard let writer = Self.writerPath() else {
            Issue.record("tacit-crashwriter was not built next to the tests")
            return
        }
        let f = try await Fixture()
        try await f.enroll("ana")
        try f.vault.close()
        f.vault = nil
        var acknowledged: [String] = []
        let rounds = 20
        for _ in 0..<rounds {
            let process = try ChildProcess.spawn(writer, [f.data.path, f.keys.path, "ana"], input: .pipe, output: .pipe, error: .pipe)
            let input = try #require(process.standardInput), output = try #require(process.standardOutput)
            let errors = try #require(process.standardError)
            input.write(Data("a long passphrase for ana!\n".utf8))
            try input.close()
            let delay = 150 + Int(try SecureRandom.uniform(below: 250))
            try await Task.sleep(for: .milliseconds(delay))
            process.send(SIGKILL)
            process.wait()
            let text = String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
            // Only complete lines were acknowledged.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            acknowledged += lines.dropLast().map(String.init)
            let stderr = String(decoding: errors.readDataToEndOfFile(), as: UTF8.self)
            #expect(!stderr.contains("crashwriter:"), "the writer failed: \(stderr)")
        }
        #expect(acknowledged.count >= rounds)
        f.vault = try await Vault.open(directory: f.data, keysDirectory: f.keys, configuration: f.configuration)
        #expect(try await f.vault.integrityCheck() == ["ok"])
        let session = try await f.unlock("ana")
        #expect(session.report.problems.isEmpty)
        for id in acknowledged {
            let entry = try await session.entry(EntryID(id)!)
            #expect(entry.content.title.hasPrefix("crash "))
        }
    }
}
