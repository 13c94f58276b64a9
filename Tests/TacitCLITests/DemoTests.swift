import Foundation
import Testing

/// `tacit demo` runs a whole cycle to the end and cleans up.
@Suite struct DemoTests {
    @Test func theDemoRunsToTheEnd() throws {
        let folder = FileManager.default.temporaryDirectory
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("tacit-demo-") }
        let run = try CLIHarness.execute(["demo"], environment: ProcessInfo.processInfo.environment, directory: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("TEST CONFIGURATION"))
        #expect(run.stdout.contains("# Session 2 agenda — north"))
        #expect(run.stdout.contains("re-encrypted"))
        #expect(run.stdout.contains("valid: march.json"))
        #expect(run.stdout.contains("(done)"))
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("tacit-demo-") }
        #expect(after.subtracting(before).isEmpty, "the demo left its temporary home behind")
    }
}
