import ArgumentParser
import Foundation

@main
struct Tacit: AsyncParsableCommand {
    /// The CLI's version (`tacit --version`).
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "tacit",
        abstract: "An encrypted, confidential practice journal for peer learning groups.",
        discussion: """
        Every command except serve, policy, metrics verify and demo talks to the daemon on its Unix \
        socket: --socket PATH or $TACIT_SOCKET, else tacit.sock in --home DIR / $TACIT_HOME / the \
        current directory. Exit status: 0 success, 1 error, 2 usage, 3 denied by policy.

        A first session:
          tacit serve &                           # prints a bootstrap code
          tacit enroll --code CODE --name olivia  # the operator
          tacit login --name olivia
          tacit group create north
          tacit invite ali --role member --group north
        Try `tacit demo` for a whole cycle of a group of six.
        """,
        version: version,
        groupedSubcommands: [
            CommandGroup(name: "Writing", subcommands: [
                Write.self, List.self, Show.self, Edit.self, Delete.self, Search.self, Jot.self,
            ]),
            CommandGroup(name: "Sharing", subcommands: [
                Share.self, Shares.self, Unshare.self, Readers.self, Feed.self, Whois.self,
            ]),
            CommandGroup(name: "Session", subcommands: [
                Enroll.self, Login.self, Logout.self, WhoAmI.self, Passphrase.self, Recover.self,
            ]),
            CommandGroup(name: "Groups and cycles", subcommands: [
                GroupCommand.self, CycleCommand.self, Invite.self, Invitations.self, PrincipalCommand.self,
            ]),
            CommandGroup(name: "Your data", subcommands: [
                ExportCommand.self, ImportCommand.self, Audit.self,
            ]),
            CommandGroup(name: "Operator and compliance", subcommands: [
                Serve.self, Backup.self, Restore.self, MetricsCommand.self, PolicyCommand.self, Demo.self,
            ]),
        ]
    )

    /// Runs the command and maps every failure to DESIGN.md's exit statuses: 0 success, 1 error,
    /// 2 usage, 3 denied — with a message for a person on standard error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            Terminal.warn("tacit: \(error.message)")
            Foundation.exit(error.status.rawValue)
        } catch let failure as DaemonFailure {
            let error = failure.cliError
            Terminal.warn("tacit: \(error.message)")
            Foundation.exit(error.status.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.warn(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
