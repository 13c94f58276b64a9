import Foundation
import Glibc
import TacitSpawn

/// `tacit-crashd HOME` as a child process: started, waited for until it answers, SIGKILLed or
/// stopped with SIGTERM. Its standard output and error are appended to `HOME/logs/daemon.log`,
/// which the plaintext sweep reads too.
final class DaemonProcess: @unchecked Sendable {
    let home: TemporaryHome
    let executable: String
    let clockFile: URL?
    private(set) var process: ChildProcess?
    private(set) var starts = 0

    init(home: TemporaryHome, clockFile: URL? = nil) throws {
        self.home = home
        self.clockFile = clockFile
        guard let executable = Self.locate() else {
            throw HarnessFailure("tacit-crashd was not built next to the tests (swift build --build-tests builds it)")
        }
        self.executable = executable
    }

    /// `TACIT_CRASHD` (the soak's release build), else the binary beside the test bundle.
    static func locate() -> String? {
        if let path = ProcessInfo.processInfo.environment["TACIT_CRASHD"], FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tacit-crashd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    var pid: Int32? { process?.pid }

    var log: String {
        (try? String(contentsOf: home.logs.appendingPathComponent("daemon.log"), encoding: .utf8)) ?? ""
    }

    /// Starts the daemon and returns once `GET /v1/health` answers; throws with the daemon's last
    /// log lines if it exits first (a database behind its anchor stops it, for one).
    func start(timeout: TimeInterval = 30) throws {
        try FileManager.default.createDirectory(at: home.logs, withIntermediateDirectories: true)
        let logURL = home.logs.appendingPathComponent("daemon.log")
        var environment = ProcessInfo.processInfo.environment
        environment["TACIT_LOG_LEVEL"] = environment["TACIT_LOG_LEVEL"] ?? "info"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let process = try ChildProcess.spawn(executable, [home.path] + (clockFile.map { ["--clock", $0.path] } ?? []),
                                             environment: environment, input: .null, output: .appending(logURL.path),
                                             error: .standardOutput)
        self.process = process
        starts += 1
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning {
                throw HarnessFailure("the daemon exited at start (\(process.wait())): "
                                     + String(self.log.suffix(1500)))
            }
            if let health = try? SocketClient(socket: home.socket, timeout: 2).request("GET", "/v1/health"), health.status == 200 {
                return
            }
            usleep(5_000)
        }
        process.send(SIGKILL)
        process.wait()
        throw HarnessFailure("the daemon did not answer within \(Int(timeout)) s: " + String(self.log.suffix(1500)))
    }

    /// `kill -9`, then waits for the process to be gone.
    func killHard() {
        guard let process else { return }
        process.send(SIGKILL)
        process.wait()
        self.process = nil
    }

    /// SIGTERM: the graceful stop (audit flushed, WAL checkpointed, anchor written, socket removed).
    /// Returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let process else { return 0 }
        process.terminate()
        let end = process.wait()
        self.process = nil
        return end.status
    }

    /// Resident memory of the daemon in KiB (`VmRSS` of /proc/PID/status).
    func residentKiB() -> Int? {
        guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    deinit { killHard() }
}
