import Foundation
import Glibc
import TacitSpawn
import Testing

/// What callers of `ChildProcess` rely on: output, status, signals, streams, environment, directory,
/// a new session, and a child that starts clean (no inherited descriptors, default signals).
@Suite struct ChildProcessTests {
    @Test func runCollectsBothStreamsAndTheExitStatus() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.termination == .exited(3))
        #expect(result.outputText == "out\n")
        #expect(result.errorText == "err\n")
        #expect(!result.timedOut)
    }

    @Test func inputReachesTheChildAndLargeOutputsDoNotBlock() throws {
        // 300 KiB in, the same out on both streams: more than a pipe holds, in every direction at once.
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 300 * 1024)
        let result = try ChildProcess.run("/bin/sh", ["-c", "tee /dev/stderr"], input: input)
        #expect(result.termination == .exited(0))
        #expect(result.standardOutput == input)
        #expect(result.standardError == input)
    }

    @Test func aChildThatIgnoresItsInputDoesNotEndTheParent() throws {
        // Writing to a pipe nobody reads raises SIGPIPE, whose default ends a process.
        let input = [UInt8](repeating: 0, count: 1024 * 1024)
        let result = try ChildProcess.run("/bin/true", input: input)
        #expect(result.termination == .exited(0))
    }

    @Test func theEnvironmentIsExactlyTheOneGiven() throws {
        let result = try ChildProcess.run("/usr/bin/env", environment: ["TACIT_ONLY": "one value"])
        #expect(result.outputText == "TACIT_ONLY=one value\n")
    }

    @Test func theChildRunsInTheDirectoryGiven() throws {
        let result = try ChildProcess.run("/bin/pwd", directory: "/usr/share")
        #expect(result.outputText == "/usr/share\n")
    }

    @Test func noDescriptorOfTheParentReachesTheChild() throws {
        // A descriptor the parent opened without close-on-exec, as Foundation's FileHandle may.
        let open = Glibc.open("/etc/hostname", O_RDONLY)
        try #require(open >= 3)
        defer { close(open) }
        let result = try ChildProcess.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        let descriptors = Set(result.outputText.split(separator: "\n").compactMap { Int32($0) })
        #expect(!descriptors.contains(open))
        #expect(descriptors.isSubset(of: [0, 1, 2, 10, 255]), "\(descriptors.sorted())")
    }

    @Test func signalsTheParentIgnoresAreAtTheirDefaultInTheChild() throws {
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let result = try ChildProcess.run("/bin/grep", ["^SigIgn:", "/proc/self/status"])
        let mask = try #require(UInt64(result.outputText.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "",
                                       radix: 16))
        #expect(mask & (1 << (UInt64(SIGPIPE) - 1)) == 0, "SIGPIPE is still ignored in the child: \(result.outputText)")
    }

    @Test func aNewSessionHasTheChildAsItsLeader() throws {
        // Field 6 of /proc/PID/stat is the session id; the shell's own pid is $$.
        let script = #"set -- $(cat /proc/$$/stat); echo "$1 $6""#
        let own = try ChildProcess.run("/bin/sh", ["-c", script], newSession: true).outputText.split(separator: " ")
        #expect(own.count == 2 && own[0] == own[1].dropLast(), "\(own)")
        let inherited = try ChildProcess.run("/bin/sh", ["-c", script]).outputText.split(separator: " ")
        #expect(inherited.count == 2 && inherited[0] != inherited[1].dropLast(), "\(inherited)")
    }

    @Test func aSignalEndsTheChildAndIsReported() throws {
        let child = try ChildProcess.spawn("/bin/sleep", ["30"])
        #expect(child.isRunning)
        child.send(SIGKILL)
        #expect(child.wait() == .signalled(SIGKILL))
        #expect(!child.isRunning)
        #expect(child.termination?.status == SIGKILL)
    }

    @Test func twoWaitersBothSeeTheSameEnd() async throws {
        let child = try ChildProcess.spawn("/bin/sh", ["-c", "sleep 0.2; exit 7"])
        async let first = Task.detached { child.wait() }.value
        async let second = Task.detached { child.wait() }.value
        let ends = await [first, second]
        #expect(ends == [.exited(7), .exited(7)])
    }

    @Test func aTimeLimitKillsTheChild() throws {
        let started = ContinuousClock.now
        let result = try ChildProcess.run("/bin/sleep", ["30"], timeout: .milliseconds(200))
        #expect(result.timedOut)
        #expect(result.termination == .signalled(SIGKILL))
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func filesAndAppendingConnectStreams() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in").path, log = folder.appendingPathComponent("log").path
        try Data("line\n".utf8).write(to: URL(fileURLWithPath: input))
        for _ in 0..<2 {
            let child = try ChildProcess.spawn("/bin/sh", ["-c", "cat; echo err >&2"], input: .file(input),
                                               output: .appending(log), error: .standardOutput)
            #expect(child.wait() == .exited(0))
        }
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "line\nerr\nline\nerr\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: log)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
    }

    @Test func aMissingProgramIsAnErrorNamingIt() {
        #expect {
            _ = try ChildProcess.spawn("/nonexistent/tacit-program")
        } throws: { error in
            "\(error)".contains("/nonexistent/tacit-program") && "\(error)".contains("No such file")
        }
    }
}
