import ArgumentParser
import Foundation
import Logging
import TacitServer

extension Tacit {
    /// `tacit serve [--config FILE] [--policy FILE] [--accept-restore] [--clock FILE]`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon: the journal vault behind a Unix socket.",
            discussion: """
            On an empty home it creates Keys/ and Data/, prints `bootstrap code: CODE` once (the \
            operator enrolls with it) and keeps it in Keys/bootstrap-code (0600) until used. Stops \
            gracefully on SIGTERM, SIGINT or SIGHUP. Logs go to standard error at $TACIT_LOG_LEVEL (default info).

            Examples:
              tacit serve                              # the current directory is the home
              tacit serve --home /srv/tacit --policy /etc/tacit/extra.cedar
              tacit serve --accept-restore             # after `tacit restore FILE`
            """
        )

        @OptionGroup var connection: Connection
        @Option(help: ArgumentHelp("The configuration file (default: tacit.json in the home).", valueName: "FILE")) var config: String?
        @Option(help: ArgumentHelp("An operator policy added on top of the base policy.", valueName: "FILE")) var policy: String?
        @Flag(help: "Open a database that is behind its anchor (after a restore), after confirmation.") var acceptRestore = false
        @Option(help: ArgumentHelp("Read the current time from FILE at each request (test configurations only).", valueName: "FILE"))
        var clock: String?

        func run() async throws {
            // A reader of the daemon's output that goes away (a closed pipe) must not end it.
            signal(SIGPIPE, SIG_IGN)
            let level = ProcessInfo.processInfo.environment["TACIT_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
            LoggingSystem.bootstrap { label in DaemonLogHandler(label: label, logLevel: level) }
            let logger = Logger(label: "tacit")
            let options = Daemon.Options(
                layout: HomeLayout(home: connection.homeURL, socketPath: connection.explicitSocket),
                configurationFile: config.map { URL(fileURLWithPath: $0) },
                policyFile: policy.map { URL(fileURLWithPath: $0) },
                acceptRestore: acceptRestore,
                clockFile: clock.map { URL(fileURLWithPath: $0) })
            let daemon: Daemon
            do {
                daemon = try await Daemon.prepare(options, logger: logger, confirmRestore: Self.confirmRestore)
            } catch let error as DaemonError {
                throw CLIError(error.description)
            }
            for notice in daemon.notices { Self.emit(notice) }
            if let code = daemon.bootstrapCode {
                Self.emit("bootstrap code: \(code)")
                Self.emit("enroll the operator with: tacit enroll --code \(code) --name NAME")
            }
            // Said once the socket is bound and its mode set: a script or a test that waits for this
            // line may connect at once.
            let socketPath = daemon.layout.socketPath
            do {
                try await daemon.run(onReady: { Self.emit("listening on \(socketPath)") })
            } catch let error as DaemonError {
                throw CLIError(error.description)
            }
        }

        /// Writes a line to standard output at once (not buffered: the line may go to a file that a
        /// supervisor or a test reads while the daemon runs); output that has gone away loses it.
        static func emit(_ line: String) {
            DaemonLogHandler.writeLine(line + "\n", to: STDOUT_FILENO)
        }

        /// Prints both states and asks for `yes` on standard input; anything else refuses.
        @Sendable static func confirmRestore(_ states: String) -> Bool {
            DaemonLogHandler.writeLine("\(states)\ntype yes to accept: ", to: STDERR_FILENO)
            guard let answer = readLine(strippingNewline: true) else {
                DaemonLogHandler.writeLine("\nno answer on standard input; refusing\n", to: STDERR_FILENO)
                return false
            }
            return answer.trimmingCharacters(in: .whitespaces).lowercased() == "yes"
        }
    }
}
