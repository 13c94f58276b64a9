import ArgumentParser
import Foundation
import TacitAPI

extension Tacit.CycleCommand {
    /// `tacit cycle reschedule CYCLE [--session1 DATE] [--session2 DATE]`.
    struct Reschedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a cycle's sessions (facilitator).",
            discussion: """
            Before session 1's day both sessions can move; from that day on, session 1 stays on its \
            day (its hour can change) and session 2 can move to any later day that has not passed. \
            Topics, entries and shares stay in the cycle; a closed cycle stays as it ran. A share \
            made without --until keeps the end its author signed (the cycle's close as it was then): the \
            command says how many shares end before the new close. A date alone means 09:00 local time.

            Examples:
              tacit cycle reschedule 3c9d01aa --session2 2026-04-13
              tacit cycle reschedule 3c9d01aa --session1 '2026-03-02 14:00' --session2 '2026-04-06 14:00'
            """)
        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The cycle (its id or first characters, as `tacit cycle list` shows it).") var cycle: String
        @Option(help: ArgumentHelp("Session 1's new date (YYYY-MM-DD or 'YYYY-MM-DD HH:MM').", valueName: "DATE")) var session1: String?
        @Option(help: ArgumentHelp("Session 2's new date.", valueName: "DATE")) var session2: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            try Arguments.checkCycle(cycle, "<cycle>")
            guard session1 != nil || session2 != nil else {
                throw ValidationError("give --session1, --session2 or both: the dates to move the sessions to")
            }
            let first = try session1.map { try DateText.parse($0, option: "--session1", hour: 9) }
            let second = try session2.map { try DateText.parse($0, option: "--session2", hour: 9) }
            if let first, let second, second <= first { throw ValidationError("--session2 must come after --session1") }
        }

        func run() async throws {
            // An id only, as for cancelling: a group's name would pick its current cycle.
            if UUID(uuidString: cycle) == nil { try Resolve.checkPrefix(cycle, listedBy: "tacit cycle list") }
            let first = try session1.map { try DateText.parse($0, option: "--session1", hour: 9) }
            let second = try session2.map { try DateText.parse($0, option: "--session2", hour: 9) }
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let found = try await Resolve.cycle(cycle, account)
            let moved: CycleScheduleResponse = try await account.call(
                .PUT, "/v1/cycles/\(found.id.lower)/schedule", body: CycleScheduleRequest(session1: first, session2: second))
            if json { return try JSONOutput.print(moved) }
            let cycle = moved.cycle
            if cycle.session1 == found.session1 && cycle.session2 == found.session2 {
                print("cycle \(cycle.id.short) already has these dates: session 1 \(DateText.minute(cycle.session1)), "
                      + "session 2 \(DateText.minute(cycle.session2))")
                return
            }
            print("rescheduled cycle \(cycle.id.short): session 1 \(DateText.minute(cycle.session1)), "
                  + "session 2 \(DateText.minute(cycle.session2)) (now: \(cycle.phase))")
            if moved.sharesEndingEarly > 0, let first = moved.firstShareEnd {
                let count = moved.sharesEndingEarly, agenda = moved.groupSharesGoneBySession2
                let gone = agenda == 0 ? "" : "; \(agenda == count ? (count == 1 ? "it is" : "they are") : "\(agenda) of them are") "
                    + "shared with the group and end\(agenda == 1 ? "s" : "") by session 2, so the agenda will not list \(agenda == 1 ? "it" : "them")"
                Terminal.warn("note: \(count == 1 ? "1 share" : "\(count) shares") of this cycle's entries end\(count == 1 ? "s" : "") "
                              + "before its close (the first \(DateText.expiry(first)))\(gone). Authors set a share's end when they "
                              + "share (without --until, the close as it was then): they can unshare and share again to reach the new close")
            }
            if found.phase == "planning" { Create.noteBegun(cycle) }
            Create.noteShortPractice(cycle, fix: "tacit cycle reschedule \(cycle.id.short) --session2 DATE")
        }
    }
}
