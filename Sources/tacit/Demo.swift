import ArgumentParser
import Foundation
import TacitCrypto
import TacitSpawn

extension Tacit {
    /// `tacit demo`: a whole cycle of a group of six, run against a real daemon on a temporary home.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A tour: one whole cycle of a group of six on a temporary home, each step shown as the command a user types.",
            discussion: """
            Starts `tacit serve` on a temporary home with a clearly labelled fast TEST configuration and \
            a clock file that moves through the cycle; enrolls an operator, a compliance officer, a \
            facilitator and five managers (plus two quieter groups in the background, so the metrics \
            export clears its thresholds); runs commitments, practice logs, reflections, shares, a \
            revocation, a member leaving, the session-2 agenda and a signed compliance export; then \
            stops the daemon and removes the temporary home.

            Example:
              tacit demo
              tacit demo --quiet        # only the step titles
            """
        )

        @Flag(help: "Print only the step titles, not each command's output.") var quiet = false

        func run() async throws {
            let tour = try DemoTour(quiet: quiet)
            tour.cleanUpOnSignals()
            defer { tour.finish() }
            try tour.run()
        }
    }
}

/// The demo's daemon, its people and the steps of the cycle.
final class DemoTour {
    private let tacit: String
    private let home: URL
    private let quiet: Bool
    private var daemon: ChildProcess?
    private var step = 0

    init(quiet: Bool) throws {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            throw CLIError("cannot find the tacit executable to run the demo with")
        }
        tacit = executable
        self.quiet = quiet
        var template = Array("/tmp/tacit-demo-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError("cannot create a temporary home in /tmp")
        }
        home = URL(fileURLWithPath: String(cString: made))
    }

    /// The daemon's process id once it runs, for a signal's clean-up (which runs on another thread).
    private let daemonPID = Locked<pid_t?>(nil)
    /// Set by a signal's clean-up: the tour starts nothing more and writes nothing more.
    private let stopping = Locked(false)

    /// Parks the tour for good once a signal's clean-up began (the process exits from there).
    private func haltIfStopping() {
        while stopping.withLock({ $0 }) { pause() }
    }
    private var signalTraps: SignalTraps?

    /// Interrupted (Ctrl-C, SIGTERM, a closed terminal), the demo still stops its daemon and removes
    /// its temporary home, then exits as the signal would have: it had left the daemon running after
    /// SIGTERM, and the home (keys and database) behind after Ctrl-C.
    func cleanUpOnSignals() {
        let home = home, pid = daemonPID, stopping = stopping
        signalTraps = SignalTraps([SIGINT, SIGTERM, SIGHUP]) { number in
            // The tour stops before its next step; the daemon and a step's `tacit` command that
            // may be running (either would write into the home after it is gone) are stopped
            // and waited for, then the home removed — again until nothing is left, as the
            // tour may have been between its check and its next command.
            stopping.withLock { $0 = true }
            for _ in 0..<40 {
                let daemon = pid.withLock { $0 }
                let children = Set(Self.childProcesses() + (daemon.map { [$0] } ?? []))
                // The daemon stops cleanly on SIGTERM; a step's command inherited the ignored
                // signals and holds nothing worth keeping.
                for child in children { kill(child, child == daemon ? SIGTERM : SIGKILL) }
                for child in children {
                    var status: Int32 = 0
                    waitpid(child, &status, 0)
                }
                try? FileManager.default.removeItem(at: home)
                if children.isEmpty && !FileManager.default.fileExists(atPath: home.path) { break }
                Thread.sleep(forTimeInterval: 0.02)
                pid.withLock { $0 = nil }
            }
            FileHandle.standardError.write(Data("\n(interrupted: the demo stopped its daemon and removed \(home.path))\n".utf8))
            exit(128 + number)
        }
    }

    /// This process's children, from `/proc` (field 4 of each `stat` is the parent's id).
    static func childProcesses() -> [pid_t] {
        let me = String(getpid())
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> pid_t? in
            guard let id = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            return stat[stat.index(after: close)...].split(separator: " ").dropFirst().first == Substring(me) ? id : nil
        }
    }

    private var socket: String { home.appendingPathComponent("tacit.sock").path }
    private var clock: URL { home.appendingPathComponent("clock") }

    /// Stops the daemon and removes the temporary home.
    func finish() {
        // A step that failed because a signal's clean-up stopped the daemon ends here: the clean-up
        // finishes and exits.
        haltIfStopping()
        if let daemon, daemon.isRunning {
            daemon.terminate()
            daemon.wait()
        }
        try? FileManager.default.removeItem(at: home)
        say("\n(the demo stopped its daemon and removed \(home.path))")
    }

    private func say(_ text: String) {
        StandardOutput.write(Data((text + "\n").utf8))
    }

    private func title(_ text: String) {
        step += 1
        say("\n── \(step). \(text) " + String(repeating: "─", count: max(3, 70 - text.count)))
    }

    private func narrate(_ text: String) {
        if !quiet { say(text) }
    }

    private func setClock(_ time: String, _ what: String) throws {
        haltIfStopping()
        try Data((time + "\n").utf8).write(to: clock)
        narrate("[clock] \(time) — \(what)")
    }

    static func passphrase(_ name: String) -> String { "demo passphrase of \(name), not for real use" }

    /// Runs `tacit ARGS` as `person` (their own runtime and state folders, passphrase in the
    /// environment), prints the command and its output unless `silent`, and checks the exit status.
    @discardableResult
    func tacit(_ person: String?, _ arguments: [String], expect: Int32? = 0, silent: Bool = false, stdin: String? = nil) throws -> String {
        haltIfStopping()
        let folder = home.appendingPathComponent("people/\(person ?? "anyone")")
        for sub in ["run", "state"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TACIT_") && !$0.key.hasPrefix("XDG_") }
        environment["TACIT_SOCKET"] = socket
        environment["TACIT_HOME"] = home.path
        environment["HOME"] = folder.path
        environment["XDG_RUNTIME_DIR"] = folder.appendingPathComponent("run").path
        environment["XDG_STATE_HOME"] = folder.appendingPathComponent("state").path
        environment["TZ"] = "UTC"
        if let person { environment["TACIT_PASSPHRASE"] = Self.passphrase(person) }
        let run = try ChildProcess.run(tacit, arguments, environment: environment, directory: folder.path,
                                       input: Array((stdin ?? "").utf8))
        haltIfStopping()
        let result = (status: run.termination.status, stdout: run.outputText, stderr: run.errorText)
        if !silent && !quiet {
            let shown = arguments.map { $0.contains(" ") || $0.isEmpty ? "\"\($0)\"" : $0 }.joined(separator: " ")
            say("\(person ?? "")$ tacit \(shown)")
            let output = (result.stdout + result.stderr).trimmingCharacters(in: .newlines)
            if !output.isEmpty { say(output.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }.joined(separator: "\n")) }
            if result.status != 0 { say("  (exit status \(result.status))") }
        }
        guard expect == nil || result.status == expect else {
            if silent || quiet { say("\(person ?? "")$ tacit \(arguments.joined(separator: " "))\n\(result.stdout)\(result.stderr)") }
            throw CLIError("the demo stopped: `tacit \(arguments.joined(separator: " "))` exited \(result.status), expected \(expect ?? 0)")
        }
        return result.stdout
    }

    /// Enrolls `name` with an invitation code and logs them in, without narrating.
    private func enroll(_ name: String, role: String, group: String?) throws {
        var invite = ["invite", name, "--role", role, "--json"]
        if let group { invite += ["--group", group] }
        let json = try tacit("olivia", invite, silent: true)
        let code = try Self.field("code", in: json)
        try tacit(name, ["enroll", "--code", code, "--name", name], silent: true)
        try tacit(name, ["login", "--name", name], silent: true)
    }

    static func field(_ key: String, in json: String) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let value = object[key] as? String else { throw CLIError("the demo could not read \(key) from: \(json)") }
        return value
    }

    func run() throws {
        let managers = ["ali", "bea", "cal", "dee", "eli"]
        say("Tacit demo — a peer learning group runs one cycle. Everything below is real: each line")
        say("starting with NAME$ is a command that person types, followed by its output.")

        title("The operator starts the daemon (TEST CONFIGURATION)")
        let configuration = #"{"testing": true, "scryptLog2N": 10, "sessionIdleSeconds": 86400, "sessionAbsoluteSeconds": 604800}"#
        try Data((configuration + "\n").utf8).write(to: home.appendingPathComponent("tacit.json"))
        try setClock("2026-02-23T09:00:00Z", "a week before session 1")
        narrate("tacit.json: \(configuration)")
        narrate("  ^ a fast, clearly labelled TEST configuration: weak scrypt and a movable clock. Never for real journals.")
        var environment = ProcessInfo.processInfo.environment
        environment["TACIT_LOG_LEVEL"] = "warning"
        let log = home.appendingPathComponent("daemon.out")
        let daemon = try ChildProcess.spawn(tacit, ["serve", "--home", home.path, "--clock", clock.path], environment: environment,
                                            input: .null, output: .file(log.path),
                                            error: .file(home.appendingPathComponent("daemon.err").path))
        self.daemon = daemon
        daemonPID.withLock { $0 = daemon.pid }
        var output = ""
        for _ in 0..<300 where !output.contains("listening on") {
            guard daemon.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
            output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        guard output.contains("listening on") else {
            let problem = (try? String(contentsOf: home.appendingPathComponent("daemon.err"), encoding: .utf8)) ?? ""
            throw CLIError("the demo's daemon did not start: \(problem)")
        }
        narrate("$ tacit serve --clock clock")
        narrate(output.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n"))
        guard let codeLine = output.split(separator: "\n").first(where: { $0.hasPrefix("bootstrap code: ") }) else {
            throw CLIError("the demo's daemon printed no bootstrap code")
        }
        let bootstrap = String(codeLine.dropFirst("bootstrap code: ".count))

        title("The operator enrolls with the bootstrap code and sets up the group")
        try tacit("olivia", ["enroll", "--code", bootstrap, "--name", "olivia"])
        try tacit("olivia", ["login", "--name", "olivia"])
        try tacit("olivia", ["group", "create", "north"])
        let invited = try tacit("olivia", ["invite", "fiona", "--role", "facilitator", "--group", "north"])
        guard let fionaCode = invited.split(separator: "\n").first?.split(separator: " ").last.map(String.init) else {
            throw CLIError("the demo could not read fiona's enrollment code")
        }
        try tacit("fiona", ["enroll", "--code", fionaCode, "--name", "fiona"])
        narrate("(the five managers and compliance officer carl enroll the same way, each with their own code)")
        for name in managers { try enroll(name, role: "member", group: "north") }
        try enroll("carl", role: "compliance", group: nil)
        try tacit("olivia", ["group", "show", "north"])

        title("Two quieter groups in the background (so the metrics have a cohort)")
        try tacit("olivia", ["group", "create", "south"], silent: true)
        try tacit("olivia", ["group", "create", "east"], silent: true)
        let background = ["south": ["sam", "sol", "sue", "sid", "sky"], "east": ["eva", "eon", "ema", "eda", "eli2"]]
        for (group, people) in background.sorted(by: { $0.key < $1.key }) {
            try enroll(people[0], role: "facilitator", group: group)
            for name in people.dropFirst() { try enroll(name, role: "member", group: group) }
            try tacit(people[0], ["cycle", "create", group, "--session1", "2026-03-03", "--session2", "2026-04-07"], silent: true)
        }
        narrate("(south and east: five members each, with their own cycles)")
        try tacit("olivia", ["group", "list"])

        title("The facilitator schedules the cycle")
        try tacit("fiona", ["login", "--name", "fiona"])
        try tacit("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06",
                            "--topic", "Delegation", "--topic", "Giving feedback"])
        try tacit("fiona", ["cycle", "list"])
        narrate("(a manager cannot schedule cycles:)")
        try tacit("ali", ["cycle", "create", "north", "--session1", "2026-05-04", "--session2", "2026-06-08"], expect: 3)

        title("Session 1: commitments")
        try setClock("2026-03-02T10:30:00Z", "session 1")
        try tacit("bea", ["whois", "ali"])
        narrate("(at session 1 the group compares key fingerprints in person)")
        let commitment = try tacit("ali", ["write", "--title", "Delegate the weekly report", "--topic", "Delegation", "--tag", "delegation",
                                           "I will hand the weekly report to Sam and not rewrite it. Fridays. I'll know it worked if I spend under 10 minutes on it."])
        _ = commitment
        let commitments = [
            "bea": ("Ask before advising", "Giving feedback", "In 1:1s I ask two questions before I give any advice."),
            "cal": ("Let the team decide the sprint scope", "Delegation", "I stay silent for the first ten minutes of planning."),
            "dee": ("Feedback within a day", "Giving feedback", "Specific feedback within 24 hours, in person."),
            "eli": ("No rescue on escalations", "Delegation", "When someone escalates, I ask what they would do first."),
            "fiona": ("Hold the space", "Giving feedback", "Summarise before I respond in our sessions."),
        ]
        for (name, entry) in commitments.sorted(by: { $0.key < $1.key }) {
            try tacit(name, ["write", "--title", entry.0, "--topic", entry.1, entry.2], silent: true)
        }
        narrate("(bea, cal, dee, eli and fiona write their commitments too)")
        try tacit("ali", ["list"])

        title("Practice weeks: logs, shares, a jot")
        try setClock("2026-03-10T18:00:00Z", "practice, week 2")
        let practice = try tacit("ali", ["write", "--title", "Report week 1", "--topic", "Delegation", "--tag", "delegation",
                                         "Sam did the report. I wanted to fix the charts and didn't. It took Sam longer; it was fine."])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try tacit("ali", ["share", String(practice.prefix(8)), "--group", "north"])
        try tacit("bea", ["feed"])
        try tacit("bea", ["show", String(practice.prefix(8))])
        let private1 = try tacit("ali", ["write", "--title", "Frustration", "--kind", "insight",
                                         "I notice I delegate tasks but not decisions."]).trimmingCharacters(in: .whitespacesAndNewlines)
        let toCal = try tacit("ali", ["share", String(private1.prefix(8)), "--with", "cal"]).trimmingCharacters(in: .whitespacesAndNewlines)
        for (name, title, text) in [("bea", "Asked first", "Asked two questions; the answer came from them."),
                                    ("cal", "Silent ten minutes", "Hard. The team picked a smaller scope than I would have."),
                                    ("dee", "Feedback on the demo", "Gave feedback the same afternoon; it landed well."),
                                    ("eli", "Escalation on Tuesday", "Asked what they'd do; they had a plan already.")] {
            let id = try tacit(name, ["write", "--title", title, "--topic", "Delegation", text], silent: true)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try tacit(name, ["share", id, "--group", "north"], silent: true)
        }
        narrate("(the others log practice too, and share with the group)")
        for people in background.values {
            for name in people {
                try tacit(name, ["write", "--title", "Practice", "Tried the thing I committed to."], silent: true)
                try tacit(name, ["write", "--kind", "insight", "Noticed something about my habits."], silent: true)
            }
        }
        // A jot needs no unlock: ali uses the capture token of her last login.
        try tacit("ali", ["jot", "On the train: Sam asked for help with the charts — that's fine, I helped, didn't take over."],
                  expect: nil)
        try tacit("cal", ["show", String(toCal.prefix(8))])

        title("A revocation")
        try tacit("ali", ["shares"])
        try tacit("ali", ["unshare", String(toCal.prefix(8))])
        try tacit("cal", ["show", String(toCal.prefix(8))], expect: 1)

        title("A member leaves the group")
        try setClock("2026-03-20T09:00:00Z", "practice, week 3")
        try tacit("olivia", ["group", "remove", "north", "eli"])
        narrate("(eli's seals on the group's shares were deleted at once:)")
        try tacit("eli", ["feed"])
        narrate("(the authors' entries are re-encrypted under fresh keys at their next login:)")
        try tacit("ali", ["login", "--name", "ali"])
        try tacit("ali", ["list", "--kind", "practice"])

        title("Reflection")
        try setClock("2026-03-31T17:00:00Z", "the reflection week before session 2")
        let reflection = try tacit("ali", ["write", "--title", "What delegation taught me", "--topic", "Delegation",
                                           "Handing over the task was easy; handing over the decision was not. I'll keep the Friday rule."])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try tacit("ali", ["share", reflection, "--group", "north"], silent: true)
        for name in ["bea", "cal", "dee", "fiona"] {
            let id = try tacit(name, ["write", "--title", "Reflection", "--topic", "Giving feedback", "What I learned this cycle."], silent: true)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try tacit(name, ["share", id, "--group", "north"], silent: true)
        }
        for people in background.values {
            for name in people { try tacit(name, ["write", "What I learned this cycle."], silent: true) }
        }
        narrate("(everyone writes a reflection; in the background groups too)")
        try tacit("ali", ["list"])

        title("Session 2: the facilitator's agenda")
        try setClock("2026-04-06T08:00:00Z", "the morning of session 2")
        try tacit("fiona", ["cycle", "agenda", "north"])
        narrate("(only the facilitator builds it:)")
        try tacit("bea", ["cycle", "agenda", "north"], expect: 3)

        title("Who read my entries? The audit log")
        try tacit("ali", ["audit"])
        try tacit("ali", ["audit", "verify"])

        title("Compliance: a signed, anonymized export")
        try tacit("carl", ["show", String(practice.prefix(8))], expect: 1)
        narrate("(compliance reads no content — only counts:)")
        let exported = try tacit("carl", ["metrics", "export", "--period", "2026-03", "--format", "json", "--out", "march.json"], expect: 0, silent: true)
        _ = exported
        narrate("carl$ tacit metrics export --period 2026-03 --format json --out march.json")
        narrate("  wrote march.json and march.json.sig")
        let file = home.appendingPathComponent("people/carl/march.json")
        if let text = try? String(contentsOf: file, encoding: .utf8) { narrate(text.split(separator: "\n").prefix(40).map { "  | \($0)" }.joined(separator: "\n")) }
        try tacit("carl", ["metrics", "verify", "march.json", "--key", home.appendingPathComponent("Keys/instance.pub").path])

        title("Everyone logs out")
        try tacit("ali", ["logout"])
        try tacit("ali", ["list"], expect: 0, silent: true)
        narrate("(done)")
    }
}
