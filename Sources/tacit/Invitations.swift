import ArgumentParser
import Foundation
import TacitAPI

extension Tacit {
    /// `tacit invitations [list]` and `tacit invitations revoke NAME`.
    struct Invitations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The invitations not used yet: list them, or withdraw one (operator).",
            discussion: """
            A code is shown once, by `tacit invite`; the list says who it is for, as what and until \
            when. Inviting a name again replaces its earlier code.

            Examples:
              tacit invitations
              tacit invitations revoke ali
            """,
            subcommands: [List.self, Revoke.self],
            defaultSubcommand: List.self
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the invitations not used yet, expired ones included.",
                discussion: "Example:\n  tacit invitations list --json")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let invitations: [InvitationInfo] = try await Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                    .call(.GET, "/v1/invitations")
                if output.json { return try JSONOutput.print(invitations) }
                var table = Table("NAME", "ROLE", "GROUP", "UNTIL")
                for invitation in invitations {
                    table.add(invitation.name, invitation.role, invitation.group ?? "-",
                              DateText.minute(invitation.expiresAt) + (invitation.expired ? " (expired: invite again)" : ""))
                }
                table.print(empty: "no invitations waiting — make one with `tacit invite NAME --role member --group G`")
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Withdraw a name's invitation: its code stops working at once.",
                discussion: "Example:\n  tacit invitations revoke ali")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The name the invitation is for.") var name: String

            func validate() throws { try Arguments.checkName(name, "<name>") }

            func run() async throws {
                try await Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                    .send(.DELETE, "/v1/invitations/\(Share.pathComponent(name))")
                print("withdrew the invitation for \(DisplayText.line(name)); its code no longer works")
            }
        }
    }
}
