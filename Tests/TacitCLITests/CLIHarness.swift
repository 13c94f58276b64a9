import Foundation
import TacitSpawn
import Testing

/// The built `tacit` binary run against a daemon (`tacit serve`) in a short temporary home, with a
/// fast test configuration and a clock file: the way people use the CLI, end to end.
final class CLIHarness: @unchecked Sendable {
    /// What one command did.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Standard output without its trailing newline.
        var text: String { stdout.trimmingCharacters(in: .newlines) }
    }

    static let configuration = #"{"testing": true, "scryptLog2N": 10}"#

    /// The temporary home (short, so the socket path fits in a socket address).
    let root: URL
    let socket: String
    let clock: URL
    private(set) var daemon: ChildProcess?
    private(set) var bootstrapCode = ""

    /// A temporary home with the test configuration; the daemon is not started yet.
    init(time: String = "2026-02-23T09:00:00Z", configuration: String = CLIHarness.configuration) throws {
        var template = Array("/tmp/tc-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("cannot create a temporary home")
        }
        root = URL(fileURLWithPath: String(cString: made))
        socket = root.appendingPathComponent("tacit.sock").path
        clock = root.appendingPathComponent("clock")
        try Data((configuration + "\n").utf8).write(to: root.appendingPathComponent("tacit.json"))
        try setTime(time)
    }

    /// Starts `tacit serve --clock FILE` and waits for its socket.
    static func started(time: String = "2026-02-23T09:00:00Z") throws -> CLIHarness {
        let harness = try CLIHarness(time: time)
        try harness.startDaemon()
        return harness
    }

    deinit {
        stopDaemon()
        try? FileManager.default.removeItem(at: root)
    }

    /// A started daemon with group north (fiona facilitating ali, bea, cal and dee, no compliance
    /// officer), its cycle from 2026-03-02 to 2026-04-06, and the clock in its practice weeks.
    static func inPractice() throws -> CLIHarness {
        let home = try started()
        try home.organise(members: ["ali", "bea", "cal", "dee"], compliance: false)
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-10T10:00:00Z")
        return home
    }

    /// A new folder `name` in the home for a test's own files (a fake editor and what it saw).
    func sideFolder(_ name: String = "side") throws -> URL {
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Moves the daemon's clock.
    func setTime(_ time: String) throws {
        try Data((time + "\n").utf8).write(to: clock)
    }

    /// Starts the daemon; `extra` adds arguments to `tacit serve`.
    func startDaemon(_ extra: [String] = [], stdin: String = "") throws {
        var environment = ProcessInfo.processInfo.environment
        environment["TACIT_LOG_LEVEL"] = "warning"
        let out = root.appendingPathComponent("serve.out"), err = root.appendingPathComponent("serve.err")
        let input = root.appendingPathComponent("serve.in")
        _ = FileManager.default.createFile(atPath: input.path, contents: Data(stdin.utf8))
        let process = try ChildProcess.spawn(Self.binary.path, ["serve", "--home", root.path, "--clock", clock.path] + extra,
                                             environment: environment, input: .file(input.path), output: .file(out.path),
                                             error: .file(err.path))
        daemon = process
        let deadline = Date().addingTimeInterval(30)
        var output = ""
        while Date() < deadline {
            output = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if output.contains("listening on") { break }
            guard process.isRunning else {
                let problem = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
                throw HarnessError("tacit serve stopped: \(problem)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard output.contains("listening on") else { throw HarnessError("tacit serve did not start in time") }
        if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("bootstrap code: ") }) {
            bootstrapCode = String(line.dropFirst("bootstrap code: ".count))
        }
    }

    /// The daemon's standard output so far.
    var daemonOutput: String { (try? String(contentsOf: root.appendingPathComponent("serve.out"), encoding: .utf8)) ?? "" }

    /// Stops the daemon with SIGTERM and waits.
    func stopDaemon() {
        guard let daemon, daemon.isRunning else { return }
        daemon.terminate()
        daemon.wait()
    }

    static func passphrase(_ name: String) -> String { "test passphrase of \(name) 42" }

    /// The folder of one person: their HOME, XDG_RUNTIME_DIR (`run`) and XDG_STATE_HOME (`state`).
    func folder(of person: String) -> URL { root.appendingPathComponent("p/\(person)") }

    /// Runs `tacit ARGS` as `person`: their own runtime and state folders, their passphrase in
    /// `TACIT_PASSPHRASE`, no controlling terminal.
    @discardableResult
    func run(_ person: String?, _ arguments: [String], stdin: String = "", environment extra: [String: String] = [:],
             passphrase: Bool = true) throws -> Run {
        let folder = self.folder(of: person ?? "nobody")
        return try Self.execute(arguments, environment: try environment(of: person, extra, passphrase: passphrase),
                                stdin: stdin, directory: folder)
    }

    /// Runs `tacit ARGS < PATH` as `person`: standard input opened from `path` by the shell, as a
    /// person's redirection would (a folder too).
    func run(_ person: String, _ arguments: [String], stdinFrom path: String) throws -> Run {
        var environment = try environment(of: person, [:], passphrase: true)
        environment["STDIN_PATH"] = path
        let result = try ChildProcess.run("/bin/sh", ["-c", #"exec "$0" "$@" < "$STDIN_PATH""#, Self.binary.path] + arguments,
                                          environment: environment, directory: folder(of: person).path, newSession: true,
                                          timeout: .seconds(120))
        return Run(status: result.termination.status, stdout: result.outputText, stderr: result.errorText)
    }

    /// Starts `tacit ARGS` as `person` without waiting for it; its standard error goes to
    /// `errorFile` when given, else with its output nowhere.
    func spawn(_ person: String, _ arguments: [String], environment extra: [String: String] = [:],
               errorFile: URL? = nil) throws -> ChildProcess {
        try ChildProcess.spawn(Self.binary.path, arguments, environment: try environment(of: person, extra, passphrase: true),
                               directory: folder(of: person).path, input: .null, output: .null,
                               error: errorFile.map { .file($0.path) } ?? .null, newSession: true)
    }

    /// Runs `tacit ARGS` as `person` with standard output into a pipe whose reader is already gone
    /// (a `| head` that stopped reading): the command's exit status and standard error.
    func runIntoClosedPipe(_ person: String, _ arguments: [String]) throws -> Run {
        let script = #"( exec "$0" "$@" ) | { exec <&-; sleep 1; }; exit "${PIPESTATUS[0]}""#
        let result = try ChildProcess.run("/bin/bash", ["-c", script, Self.binary.path] + arguments,
                                          environment: try environment(of: person, [:], passphrase: true),
                                          directory: folder(of: person).path, newSession: true, timeout: .seconds(120))
        return Run(status: result.termination.status, stdout: result.outputText, stderr: result.errorText)
    }

    /// Runs `tacit ARGS` as `person` on a terminal of its own (a pseudo-terminal from `script(1)`),
    /// `typing` the answers to its questions; stdout is what the terminal showed.
    func runAtTerminal(_ person: String, _ arguments: [String], typing: String) throws -> Run {
        let command = ([Self.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let result = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"],
                                          environment: try environment(of: person, [:], passphrase: true),
                                          directory: folder(of: person).path, input: Array(typing.utf8), newSession: true,
                                          timeout: .seconds(120))
        return Run(status: result.termination.status, stdout: result.outputText.replacingOccurrences(of: "\r\n", with: "\n"),
                   stderr: result.errorText)
    }

    /// The environment `person` runs tacit in: their own folders, their passphrase, no editor.
    private func environment(of person: String?, _ extra: [String: String], passphrase: Bool) throws -> [String: String] {
        let folder = self.folder(of: person ?? "nobody")
        for sub in ["run", "state"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TACIT_") && !$0.key.hasPrefix("XDG_") }
        environment["TACIT_SOCKET"] = socket
        environment["HOME"] = folder.path
        environment["XDG_RUNTIME_DIR"] = folder.appendingPathComponent("run").path
        environment["XDG_STATE_HOME"] = folder.appendingPathComponent("state").path
        environment["TZ"] = "UTC"
        environment["COLUMNS"] = "100"
        environment["EDITOR"] = "false"
        environment["VISUAL"] = nil
        if let person, passphrase { environment["TACIT_PASSPHRASE"] = Self.passphrase(person) }
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Runs the binary with exactly `environment`, in a new session (so no prompt can reach a terminal);
    /// a command still running after 120 s is killed.
    static func execute(_ arguments: [String], environment: [String: String], stdin: String = "", directory: URL) throws -> Run {
        let result = try ChildProcess.run(binary.path, arguments, environment: environment, directory: directory.path,
                                          input: Array(stdin.utf8), newSession: true, timeout: .seconds(120))
        return Run(status: result.termination.status, stdout: result.outputText,
                   stderr: result.errorText + (result.timedOut ? "\n[the harness killed it after 120 s]" : ""))
    }

    /// Runs a command that must succeed and returns its standard output (trimmed).
    @discardableResult
    func ok(_ person: String?, _ arguments: [String], stdin: String = "", environment: [String: String] = [:],
            sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(person, arguments, stdin: stdin, environment: environment)
        #expect(result.status == 0, "tacit \(arguments.joined(separator: " ")) as \(person ?? "-"): \(result.stderr)",
                sourceLocation: sourceLocation)
        return result.text
    }

    /// Enrolls `name` with a fresh invitation from the operator and logs them in.
    func enroll(_ name: String, role: String, group: String?) throws {
        var arguments = ["invite", name, "--role", role, "--json"]
        if let group { arguments += ["--group", group] }
        let invitation = try ok("olivia", arguments)
        let object = try JSONSerialization.jsonObject(with: Data(invitation.utf8)) as? [String: Any]
        let code = try #require(object?["code"] as? String)
        try ok(name, ["enroll", "--code", code, "--name", name])
        try ok(name, ["login", "--name", name])
    }

    /// The operator olivia, group north with facilitator fiona and ali, bea, cal, dee, eli, and
    /// compliance officer carl — all logged in.
    func organise(members: [String] = ["ali", "bea", "cal", "dee", "eli"], compliance: Bool = true) throws {
        try ok("olivia", ["enroll", "--code", bootstrapCode, "--name", "olivia"])
        try ok("olivia", ["login", "--name", "olivia"])
        try ok("olivia", ["group", "create", "north"])
        try enroll("fiona", role: "facilitator", group: "north")
        for name in members { try enroll(name, role: "member", group: "north") }
        if compliance { try enroll("carl", role: "compliance", group: nil) }
    }

    /// The built binary: beside the test bundle (the same build folder), else `swift build --show-bin-path`.
    static let binary: URL = {
        var candidates: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("tacit"))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("tacit"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shown = try? ChildProcess.run("/usr/bin/env", ["swift", "build", "--show-bin-path"], directory: package.path)
        let path = (shown?.outputText ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return URL(fileURLWithPath: path).appendingPathComponent("tacit")
    }()

    /// Decodes JSON output with ISO 8601 dates.
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }

    /// Every regular file under `folder`, recursively.
    static func files(under folder: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// POSIX permission bits of a file.
func mode(of path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
}
