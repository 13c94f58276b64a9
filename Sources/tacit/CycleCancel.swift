import ArgumentParser
import Foundation
import TacitAPI

extension Tacit.CycleCommand {
    /// `tacit cycle cancel CYCLE`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a cycle before its session 1, with no entries in it yet (facilitator).",
            discussion: """
            For a cycle planned by mistake. Its topics go with it. A cycle that has begun, or that \
            members have written in, stays; to change its dates, use `tacit cycle reschedule`.

            Example:
              tacit cycle cancel 3c9d01aa
            """)
        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The cycle (its id or first characters, as `tacit cycle list` shows it).") var cycle: String

        func run() async throws {
            // An id only: a group's name would pick its current cycle, which is not for cancelling blind.
            if UUID(uuidString: cycle) == nil { try Resolve.checkPrefix(cycle, listedBy: "tacit cycle list") }
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let found = try await Resolve.cycle(cycle, account)
            try await account.send(.DELETE, "/v1/cycles/\(found.id.lower)")
            let when = found.session1 == .distantPast ? "" : " (session 1 was to be \(DateText.minute(found.session1)))"
            print("cancelled cycle \(found.id.short)\(when)")
        }
    }
}
