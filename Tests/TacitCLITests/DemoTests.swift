import Foundation
import Glibc
import TacitSpawn
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
    /// Stopped halfway (SIGTERM, as a service manager or `kill` sends it; Ctrl-C alike), the demo
    /// still stops its daemon and removes its temporary home.
    @Test(arguments: [SIGTERM, SIGINT]) func anInterruptedDemoCleansUp(_ signal: Int32) throws {
        let demo = try ChildProcess.spawn(CLIHarness.binary.path, ["demo", "--quiet"], input: .null, output: .null, error: .null)
        // Its daemon is its child `tacit serve --home HOME …` (other tests may run demos meanwhile).
        func daemonHome() -> String? {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int(entry) != nil {
                guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")"),
                      stat[stat.index(after: close)...].split(separator: " ").dropFirst().first == Substring(String(demo.pid)),
                      let command = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8) else { continue }
                let arguments = command.split(separator: "\0").map(String.init)
                if let flag = arguments.firstIndex(of: "--home"), flag + 1 < arguments.count { return arguments[flag + 1] }
            }
            return nil
        }
        // Wait for it to listen.
        var home: String?
        for _ in 0..<600 where home == nil {
            if let found = daemonHome(),
               ((try? String(contentsOfFile: found + "/daemon.out", encoding: .utf8)) ?? "").contains("listening on") {
                home = found
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let folder = try #require(home, "the demo's daemon never listened")
        kill(demo.pid, signal)
        let ended = demo.wait()
        #expect(ended == .exited(128 + signal), "\(ended)")
        #expect(!FileManager.default.fileExists(atPath: folder), "the demo left \(folder) behind")
        // No daemon serves that home any more.
        let serving = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
            guard Int(entry) != nil, let command = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8) else { return false }
            return command.contains(folder)
        }
        #expect(serving.isEmpty, "a daemon still runs for \(folder)")
    }
}
