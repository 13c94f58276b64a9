import Foundation
import TacitAPI
import Testing

/// A member's own data: imports from jrnl and Day One, exports as Markdown and JSON.
@Suite struct DataTests {
    @Test func importJrnlAndDayOneThenExport() throws {
        let home = try CLIHarness.inPractice()
        let folder = home.folder(of: "ali")
        let jrnl = """
            {"tags": {"@work": 2}, "entries": [
              {"title": "Standup", "body": "Let Sam run it.", "date": "2024-01-02", "time": "09:00", "tags": ["@work"], "starred": false},
              {"title": "Retro", "body": "Asked before advising.", "date": "2024-01-05", "time": "16:30", "tags": ["@work", "@retro"], "starred": true},
              {"title": "Quiet\\tday\\n", "body": "", "date": "2024-01-06", "time": "18:00", "tags": ["@late\\nnight"], "starred": false}
            ]}
            """
        try Data(jrnl.utf8).write(to: folder.appendingPathComponent("jrnl.json"))
        let imported = try home.ok("ali", ["import", "jrnl", "jrnl.json"])
        #expect(imported.contains("imported 3 entries"))

        let dayOne = """
            {"metadata": {"version": "1.0"}, "entries": [
              {"uuid": "A1", "creationDate": "2023-05-01T08:00:00Z", "text": "# Offsite\\nWe agreed on a plan.\\n![](dayone-moment://ABC)", "tags": ["offsite"], "starred": false,
               "photos": [{"identifier": "ABC", "md5": "x"}]},
              {"uuid": "A2", "creationDate": "2023-05-02T08:00:00Z", "text": "Just one line", "starred": false}
            ]}
            """
        try Data(dayOne.utf8).write(to: folder.appendingPathComponent("Journal.json"))
        let result = try home.run("ali", ["import", "dayone", "Journal.json"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("skipped 1 attachment"))

        // Each entry keeps the date it was written (jrnl's local time; the harness runs in UTC),
        // newest first, and its text as written: nothing is appended to the body.
        let entries = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"]))
        #expect(entries.map(\.title) == ["Quiet day", "Retro", "Standup", "", "Offsite"])
        #expect(entries.map { iso($0.created) } == ["2024-01-06T18:00:00Z", "2024-01-05T16:30:00Z", "2024-01-02T09:00:00Z",
                                                            "2023-05-02T08:00:00Z", "2023-05-01T08:00:00Z"])
        #expect(entries.first { $0.title == "Retro" }?.tags.sorted() == ["retro", "starred", "work"])
        // A tab or a line break in a title or a tag (refused by the daemon there) becomes a space.
        #expect(entries.first?.tags == ["late night"])
        let bodies = try entries.map { summary in
            try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", summary.id.uuidString, "--json"])).body
        }
        #expect(bodies == ["", "Asked before advising.", "Let Sam run it.", "Just one line", "We agreed on a plan."])
        let offsite = try #require(entries.first { $0.title == "Offsite" })
        let shown = try home.ok("ali", ["show", offsite.id.uuidString])
        #expect(shown.contains("_note · 2023-05-01 08:00"))
        #expect(!shown.contains("dayone-moment"))
        #expect(!shown.contains("imported from"))
        #expect(!shown.contains("edited"), "an imported entry was never edited: \(shown)")
        // A title or tags cut to fit are said, naming the entries (they had been cut silently).
        let long = #"{"tags": {}, "entries": [{"title": "\#(String(repeating: "t", count: 600))", "body": "b", "date": "2023-03-01", "time": "09:00", "tags": [\#((0..<55).map { "\"@t\($0)\"" }.joined(separator: ", "))], "starred": false}]}"#
        try Data(long.utf8).write(to: folder.appendingPathComponent("long.json"))
        let cut = try home.run("ali", ["import", "jrnl", "long.json"])
        #expect(cut.status == 0 && cut.stderr.contains("note: entry 1 of long.json is shortened to fit"), "\(cut.stderr)")
        let longID = try #require(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json", "--all"]))
            .first { $0.title.hasPrefix("ttt") }).id.uuidString
        try home.ok("ali", ["delete", "--yes", longID])
        // Day One's Markdown escapes come back as the characters they escape (every backslash had
        // been dropped: C:\Users\ali became C:Usersali), and a marker inside a line goes alone (its
        // whole line had gone).
        let escaped = #"""
            {"metadata": {"version": "1.0"}, "entries": [
              {"uuid": "B1", "creationDate": "2023-04-01T08:00:00Z", "starred": false,
               "text": "Paths\nSaved in C:\\\\Users\\\\ali, step 3\\. done\nLook ![](dayone-moment://DEF) at the lake"}
            ]}
            """#
        try Data(escaped.utf8).write(to: folder.appendingPathComponent("Escaped.json"))
        try home.ok("ali", ["import", "dayone", "Escaped.json"])
        let paths = try #require(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json", "--all"]))
            .first { $0.title == "Paths" })
        let body = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", paths.id.uuidString, "--json"])).body
        #expect(body == "Saved in C:\\Users\\ali, step 3. done\nLook  at the lake", "\(body)")
        try home.ok("ali", ["delete", "--yes", paths.id.uuidString])
        // A Day One file given as jrnl's: refused, naming the file and what it should be.
        let wrongKind = try home.run("ali", ["import", "jrnl", "Journal.json"])
        #expect(wrongKind.status == 1)
        #expect(wrongKind.stderr.contains("Journal.json is not jrnl's JSON export"), "\(wrongKind.stderr)")
        // And a jrnl file given as Day One's: the same, not a complaint about its entries' dates.
        let wrongWay = try home.run("ali", ["import", "dayone", "jrnl.json"])
        #expect(wrongWay.status == 1 && wrongWay.stderr.contains("jrnl.json is not Day One's Journal.json"), "\(wrongWay.stderr)")
        let missing = try home.run("ali", ["import", "dayone", "nowhere.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read nowhere.json"), "\(missing.stderr)")

        // Export: plaintext, with a warning; Markdown files with front matter, and JSON.
        let title = #"Week 2: "feedback" \ #notes"#
        try home.ok("ali", ["write", "--title", title, "--tag", "a: b", "Body"])
        let markdown = try home.run("ali", ["export", "--format", "markdown", "--out", "out"])
        #expect(markdown.status == 0)
        #expect(markdown.stderr.contains("PLAINTEXT"))
        #expect(markdown.stdout.contains("exported 6 entries"))
        let files = CLIHarness.files(under: folder.appendingPathComponent("out"))
        #expect(files.count == 6)
        for file in files { #expect(mode(of: file.path) == 0o600) }
        #expect(mode(of: folder.appendingPathComponent("out").path) == 0o700)
        // An existing folder others can open would show them the titles in the files' names.
        let open = folder.appendingPathComponent("open")
        try FileManager.default.createDirectory(at: open, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        let refused = try home.run("ali", ["export", "--format", "markdown", "--out", "open"])
        #expect(refused.status == 2 && refused.stderr.contains("open can be read by other users (mode 755)"), "\(refused.stderr)")
        #expect(CLIHarness.files(under: open).isEmpty)
        // A file where the folder is meant is named as such (it had a raw Foundation error, after
        // the whole journal was fetched), and left as it was.
        try Data("keep".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let onAFile = try home.run("ali", ["export", "--format", "markdown", "--out", "notes.txt"])
        #expect(onAFile.status == 2 && onAFile.stderr.contains("notes.txt is a file, not a folder"), "\(onAFile.stderr)")
        #expect(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep")
        let retro = try #require(files.first { $0.lastPathComponent.contains("retro") })
        let text = try String(contentsOf: retro, encoding: .utf8)
        #expect(text.hasPrefix("---\nid: \""))
        #expect(text.contains(#"title: "Retro""#))
        // Every value of the front matter is a quoted scalar that YAML reads back as written: a title
        // with a colon, quotes and a backslash, a tag with a colon.
        let week = try String(contentsOf: try #require(files.first { $0.lastPathComponent.contains("week-2") }), encoding: .utf8)
        let fields = Dictionary(week.split(separator: "\n").dropFirst().prefix { $0 != "---" }.compactMap { line in
            line.firstIndex(of: ":").map { (String(line[..<$0]), String(line[$0...].dropFirst().drop { $0 == " " })) }
        }, uniquingKeysWith: { first, _ in first })
        #expect(try JSONDecoder().decode(String.self, from: Data(try #require(fields["title"]).utf8)) == title)
        #expect(try JSONDecoder().decode([String].self, from: Data(try #require(fields["tags"]).utf8)) == ["a: b"])
        #expect(try JSONDecoder().decode(String.self, from: Data(try #require(fields["kind"]).utf8)) == "practice")
        // An exported file reads back as it was written: `write -` takes its front matter.
        let again = try home.ok("ali", ["write", "-"], stdin: week)
        let read = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", again, "--json"]))
        #expect(read.title == title && read.tags == ["a: b"] && read.kind == "practice" && read.body == "Body\n", "\(read)")
        let json = try CLIHarness.decode([EntryResponse].self, try home.ok("ali", ["export", "--format", "json"]))
        #expect(json.count == 7)
        // JSON into a file named so: that file, not a folder of that name.
        let named = try home.run("ali", ["export", "--format", "json", "--out", "mine.json"])
        #expect(named.status == 0 && named.stdout.contains("mine.json"), "\(named.stderr)")
        #expect(try CLIHarness.decode([EntryResponse].self, try String(contentsOf: folder.appendingPathComponent("mine.json"),
                                                                       encoding: .utf8)).count == 7)
        #expect(mode(of: folder.appendingPathComponent("mine.json").path) == 0o600)
        // Into a folder that does not exist: refused before the journal is fetched (nothing asked
        // of the daemon, so not even the plaintext warning).
        let nowhere = try home.run("ali", ["export", "--format", "json", "--out", "/nonexistent-\(UUID().uuidString.prefix(6))/x.json"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("does not exist") && !nowhere.stderr.contains("PLAINTEXT"),
                "\(nowhere.stderr)")
        // Exporting again into the same folder replaces each file; after a deletion, the deleted
        // entry's earlier file is left (nothing deletes a person's files), and said.
        let unchanged = try home.run("ali", ["export", "--format", "markdown", "--out", "out"])
        #expect(unchanged.status == 0 && !unchanged.stderr.contains("earlier export"), "\(unchanged.stderr)")
        let retroID = try #require(text.split(separator: "\n").first { $0.hasPrefix("id: ") }).dropFirst(4).filter { $0 != "\"" }
        try home.ok("ali", ["delete", String(retroID), "--yes"])
        let second = try home.run("ali", ["export", "--format", "markdown", "--out", "out"])
        #expect(second.status == 0 && second.stdout.contains("exported 6 entries"), "\(second.stdout)")
        #expect(second.stderr.contains("note: 1 other entry file in") && second.stderr.contains("from an earlier export"), "\(second.stderr)")
        #expect(FileManager.default.fileExists(atPath: retro.path))
    }

    /// An id reads the same everywhere: `--json` writes ids in lower case, as tables, `show`
    /// and the audit log do, so the short id a table shows is found in the JSON as it is.
    /// An import interrupted midway finishes the batch it is sending, stops, and says how many
    /// entries went in and the --skip that goes on (it had stopped without a word, and running it
    /// again imported everything twice); the journal holds exactly that many.
    @Test func anInterruptedImportSaysWhereToGoOn() throws {
        let home = try CLIHarness.inPractice()
        let folder = home.folder(of: "ali")
        let entries = (0..<20_000).map { index in
            #"{"title": "Entry \#(index)", "body": "Body \#(index)", "date": "2024-01-01", "time": "09:00", "tags": [], "starred": false}"#
        }
        try Data(#"{"tags": {}, "entries": [\#(entries.joined(separator: ","))]}"#.utf8).write(to: folder.appendingPathComponent("big.json"))
        let errors = folder.appendingPathComponent("import.err")
        let importing = try home.spawn("ali", ["import", "jrnl", "big.json"], errorFile: errors)
        // Once its first batch is in.
        let started = Date()
        while importing.isRunning, Date().timeIntervalSince(started) < 60,
              !(try home.run("ali", ["list", "-n", "1"])).stdout.contains("Entry ") {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(importing.isRunning, "the import ended before it could be interrupted")
        importing.send(SIGTERM)
        #expect(importing.wait() == .exited(128 + SIGTERM))
        let said = try String(contentsOf: errors, encoding: .utf8)
        let match = try #require(said.firstMatch(of: /interrupted: imported (\d+) of 20000 entries.*--skip (\d+) goes on/), "\(said)")
        #expect(match.1 == match.2)
        let listed = try home.run("ali", ["list", "-n", "1"])
        #expect(listed.stderr.contains("of \(match.1)"), "\(listed.stderr)")
    }

    @Test func idsReadTheSameInTablesAndJSON() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("ali", ["write", "Let Sam run it.", "--title", "Standup"])
        let listed = try home.ok("ali", ["list", "--json"])
        let id = try #require(CLIHarness.decode([EntrySummary].self, listed).first).id.uuidString.lowercased()
        #expect(listed.contains("\"id\" : \"\(id)\""), "\(listed)")
        #expect(try home.ok("ali", ["list"]).contains(String(id.prefix(8))))
        let outputs = [listed,
                       try home.ok("ali", ["show", id, "--json"]),
                       try home.ok("ali", ["share", String(id.prefix(8)), "--group", "north", "--json"]),
                       try home.ok("ali", ["shares", "--json"]),
                       try home.ok("bea", ["feed", "--json"]),
                       try home.ok("fiona", ["cycle", "list", "--json"]),
                       try home.ok("fiona", ["group", "show", "north", "--json"]),
                       try home.ok("olivia", ["principal", "list", "--json"])]
        let anyCase = try Regex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
        for output in outputs {
            let ids = output.matches(of: anyCase).map { String(output[$0.range]) }
            #expect(!ids.isEmpty, "\(output)")
            #expect(ids.allSatisfy { $0 == $0.lowercased() }, "\(output)")
        }
        // The daemon reads ids in either case.
        #expect(try home.ok("ali", ["show", id.uppercased()]).contains("Let Sam run it."))
    }

    /// A query with no word in it (a lone quote) is refused rather than matching every entry: a
    /// usage error (exit 2), as a blank one is.
    @Test func aSearchWithNoWordIsRefused() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("ali", ["write", "Let Sam run it.", "--title", "Standup"])
        try home.ok("ali", ["write", "Asked before advising.", "--title", "Retro"])
        for query in ["\"", "\"\"", "\" \""] {
            let refused = try home.run("ali", ["search", query])
            #expect(refused.status == 2 && refused.stderr.contains("holds no word to look for"), "\(query): \(refused.stderr)")
        }
        let found = try home.ok("ali", ["search", "\"run it\""])
        #expect(found.contains("Standup") && !found.contains("Retro"), "\(found)")
    }

    /// A search shows the newest 50 matches as `list` does, says how many there are, and pages
    /// with -n and --all (it had printed every match: 40,000 rows for a common word).
    @Test func aSearchShowsTheNewestMatchesAndSaysHowMany() throws {
        let home = try CLIHarness.inPractice()
        let folder = home.folder(of: "ali")
        let entries = (0..<60).map { index in
            #"{"title": "Delegation \#(index)", "body": "Handed over part \#(index).", "date": "2024-01-01", "time": "09:\#(String(format: "%02d", index))", "tags": [], "starred": false}"#
        }
        try Data(#"{"tags": {}, "entries": [\#(entries.joined(separator: ","))]}"#.utf8).write(to: folder.appendingPathComponent("sixty.json"))
        try home.ok("ali", ["import", "jrnl", "sixty.json"])
        let first = try home.run("ali", ["search", "handed"])
        #expect(first.status == 0 && first.stdout.split(separator: "\n").count == 51, "a header and 50 rows")
        #expect(first.stderr.contains("showing the newest 50 of 60 matches"), "\(first.stderr)")
        #expect(first.stdout.contains("Delegation 59") && !first.stdout.contains("Delegation 9\n"))
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["search", "handed", "-n", "3", "--json"])).count == 3)
        let every = try home.run("ali", ["search", "handed", "--all", "--json"])
        #expect(try CLIHarness.decode([EntrySummary].self, every.stdout).count == 60 && !every.stderr.contains("showing"))
        #expect(try home.run("ali", ["search", String(repeating: "x", count: 501)]).status == 2)
    }

    @Test func largeImportsGoInBatchesAndAPartialOneSaysHowFarItGot() throws {
        let home = try CLIHarness.inPractice()
        let folder = home.folder(of: "ali")
        func jrnl(_ name: String, count: Int, date: (Int) -> String) throws {
            let entries = (0..<count).map { index in
                #"{"title": "Entry \#(index)", "body": "Note \#(index).", "date": "\#(date(index))", "time": "09:00", "tags": [], "starred": false}"#
            }
            try Data(#"{"tags": {}, "entries": [\#(entries.joined(separator: ",\n"))]}"#.utf8).write(to: folder.appendingPathComponent(name))
        }

        // 1,200 entries: three requests, every date kept.
        let day = { (index: Int) in "2025-\(String(format: "%02d", index % 12 + 1))-\(String(format: "%02d", index % 28 + 1))" }
        try jrnl("big.json", count: 1200, date: day)
        #expect(try home.ok("ali", ["import", "jrnl", "big.json"]).contains("imported 1200 entries"))
        let listed = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--all", "--json"]))
        #expect(listed.count == 1200)
        #expect(Set(listed.map { iso($0.created) }) == Set((0..<1200).map { day($0) + "T09:00:00Z" }))

        // A plain `tacit list` shows the newest 50 and says how many there are.
        let plain = try home.run("ali", ["list"])
        #expect(plain.status == 0)
        #expect(plain.stdout.split(separator: "\n").count == 1 + 50)
        #expect(plain.stderr.contains("showing the newest 50 of 1200"), "\(plain.stderr)")
        let newest = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "-n", "3", "--json"]))
        #expect(newest.map(\.created) == Array(listed.prefix(3).map(\.created)))
        let everything = try home.run("ali", ["list", "--all"])
        #expect(everything.stdout.split(separator: "\n").count == 1 + 1200)
        #expect(!everything.stderr.contains("showing"))
        #expect(try home.run("ali", ["list", "--all", "-n", "3"]).status == 2)

        // An entry the daemon refuses (dated after its clock) stops the import at its batch: the
        // batches before it stay, and the message names the entry of the file and how far it got.
        try jrnl("later.json", count: 700) { index in index == 600 ? "2026-05-01" : "2025-02-03" }
        let refused = try home.run("ali", ["import", "jrnl", "later.json"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("entry 601 of later.json: created is in the future"), "\(refused.stderr)")
        #expect(refused.stderr.contains("imported 500 of 700"))
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--all", "--json"])).count == 1700)
        // The message says how to go on; doing so after fixing the file imports each entry once.
        #expect(refused.stderr.contains("the same import with --skip 500 goes on from entry 501"), "\(refused.stderr)")
        try jrnl("later.json", count: 700) { _ in "2025-02-03" }
        #expect(try home.ok("ali", ["import", "jrnl", "later.json", "--skip", "500"]).contains("imported 200 entries"))
        let all = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--all", "--json"]))
        #expect(all.count == 1900)
        let later = all.filter { iso($0.created).hasPrefix("2025-02-03") }.map(\.title)
        #expect(later.count == 700 && Set(later) == Set((0..<700).map { "Entry \($0)" }))
        #expect(try home.run("ali", ["import", "jrnl", "later.json", "--skip", "701"]).status == 2)
        // Refused in its first batch, an import says that nothing went in and how to go on.
        try jrnl("future.json", count: 2) { _ in "2026-05-01" }
        let future = try home.run("ali", ["import", "jrnl", "future.json"])
        #expect(future.status == 1 && future.stderr.contains("nothing was imported: every batch is one transaction"), "\(future.stderr)")
        // Run once more, the whole file is found in the journal and nothing comes in twice.
        let again = try home.run("ali", ["import", "jrnl", "later.json"])
        #expect(again.status == 0 && again.stdout.contains("imported 0 entries from later.json: your journal has all of them already"),
                "\(again.stdout)")
        #expect(again.stderr.contains("left out 700 entries of later.json that your journal already has (the same date, title, kind, tags and text)"),
                "\(again.stderr)")
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--all", "--json"])).count == 1900)

        // A file with an entry whose date cannot be read imports nothing.
        try Data(#"{"tags": {}, "entries": [{"title": "a", "body": "b", "date": "someday", "time": "", "tags": []}]}"#.utf8)
            .write(to: folder.appendingPathComponent("undated.json"))
        let undated = try home.run("ali", ["import", "jrnl", "undated.json"])
        #expect(undated.status == 1)
        #expect(undated.stderr.contains("entry 1 of undated.json has no date"))
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--all", "--json"])).count == 1900)
    }
}

/// A JSON export of Tacit imports into another journal with its titles, text, tags, topics, kinds
/// and dates; imported where it came from, every entry is found there already and left out, and
/// --keep-duplicates brings them in anyway. Half a journal brings in the other half only.
@Suite struct TacitExportImportTests {
    @Test func aJSONExportImportsBackWithoutDuplicates() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("ali", ["write", "Let Sam run it.", "--title", "Standup", "--tag", "delegation", "--kind", "practice",
                                 "--topic", "Delegating"])
        try home.setTime("2026-03-11T10:00:00Z")
        try home.ok("ali", ["write", "Asked before advising.", "--title", "Retro", "--kind", "reflection"])
        try home.setTime("2026-03-12T10:00:00Z")
        let exported = try home.ok("ali", ["export", "--format", "json"])
        let aliFile = home.folder(of: "ali").appendingPathComponent("journal.json")
        try Data(exported.utf8).write(to: aliFile)

        let back = try home.run("ali", ["import", "tacit", "journal.json"])
        #expect(back.status == 0 && back.stdout.contains("imported 0 entries"), "\(back.stdout)")
        #expect(back.stderr.contains("left out 2 entries of journal.json that your journal already has"), "\(back.stderr)")
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])).count == 2)

        // Into bea's journal: everything but ids, with the original dates and kinds.
        try Data(exported.utf8).write(to: home.folder(of: "bea").appendingPathComponent("journal.json"))
        #expect(try home.ok("bea", ["import", "tacit", "journal.json"]).contains("imported 2 entries"))
        let beas = try CLIHarness.decode([EntrySummary].self, try home.ok("bea", ["list", "--json"]))
        let alis = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"]))
        #expect(beas.map(\.title) == alis.map(\.title) && beas.map(\.kind) == ["reflection", "practice"], "\(beas)")
        #expect(beas.map(\.created) == alis.map(\.created) && beas.map(\.tags) == alis.map(\.tags))
        #expect(Set(beas.map(\.id)).isDisjoint(with: alis.map(\.id)))
        #expect(try home.ok("bea", ["search", "Sam"]).contains("Standup"))
        let standup = try #require(beas.first { $0.title == "Standup" })
        #expect(try home.ok("bea", ["show", standup.id.uuidString.lowercased(), "--json"]).contains("\"topic\" : \"Delegating\""))

        // One entry gone from ali's journal comes back alone; --keep-duplicates brings both.
        let retro = try #require(alis.first { $0.title == "Retro" })
        try home.ok("ali", ["delete", String(retro.id.uuidString.lowercased().prefix(8)), "--yes"])
        let restored = try home.run("ali", ["import", "tacit", "journal.json"])
        #expect(restored.stdout.contains("imported 1 entry") && restored.stderr.contains("left out 1 entry"), "\(restored)")
        #expect(try home.ok("ali", ["import", "tacit", "journal.json", "--keep-duplicates"]).contains("imported 2 entries"))
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])).count == 4)

        // Two entries of one second with one title are told apart by kind and tags: the one
        // deleted comes back, not a second copy of the other.
        try home.ok("ali", ["write", "--title", "Same", "--kind", "insight", "First of the second."])
        try home.ok("ali", ["write", "--title", "Same", "--kind", "reflection", "--tag", "fm", "Second of the second."])
        try Data(try home.ok("ali", ["export", "--format", "json"]).utf8).write(to: aliFile)
        let same = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])).filter { $0.title == "Same" }
        let insight = try #require(same.first { $0.kind == "insight" })
        try home.ok("ali", ["delete", "--yes", insight.id.uuidString.lowercased()])
        #expect(try home.ok("ali", ["import", "tacit", "journal.json"]).contains("imported 1 entry"))
        let restoredSame = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])).filter { $0.title == "Same" }
        #expect(restoredSame.map(\.kind).sorted() == ["insight", "reflection"], "\(restoredSame)")
        // And the other way round (the file's order of the two is its ids'; one of the two ways
        // failed when only date and title counted).
        let reflection = try #require(restoredSame.first { $0.kind == "reflection" })
        try home.ok("ali", ["delete", "--yes", reflection.id.uuidString.lowercased()])
        #expect(try home.ok("ali", ["import", "tacit", "journal.json"]).contains("imported 1 entry"))
        let again = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])).filter { $0.title == "Same" }
        #expect(again.map(\.kind).sorted() == ["insight", "reflection"], "\(again)")

        // Two entries of one second alike in all but their text: the one deleted comes back, and
        // the other is not imported twice (one of the two ways failed when the text was not compared).
        for deleted in ["Twin one.", "Twin two."] {
            for kept in try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])) where kept.title == "Twin" {
                try home.ok("ali", ["delete", "--yes", kept.id.uuidString.lowercased()])
            }
            try home.ok("ali", ["write", "--title", "Twin", "--kind", "insight", "Twin one."])
            try home.ok("ali", ["write", "--title", "Twin", "--kind", "insight", "Twin two."])
            try Data(try home.ok("ali", ["export", "--format", "json"]).utf8).write(to: aliFile)
            let twins = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])).filter { $0.title == "Twin" }
            #expect(Set(twins.map(\.created)).count == 1, "written in one second of the test's clock")
            for twin in twins where try home.ok("ali", ["show", twin.id.uuidString.lowercased()]).contains(deleted) {
                try home.ok("ali", ["delete", "--yes", twin.id.uuidString.lowercased()])
            }
            let back = try home.run("ali", ["import", "tacit", "journal.json"])
            #expect(back.stdout.contains("imported 1 entry"), "\(back.stdout) \(back.stderr)")
            let texts = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"])).filter { $0.title == "Twin" }
                .map { try home.ok("ali", ["show", $0.id.uuidString.lowercased()]) }
            #expect(texts.count == 2 && texts.contains { $0.contains("Twin one.") } && texts.contains { $0.contains("Twin two.") },
                    "deleting \(deleted): \(texts)")
        }

        // A date that does not exist (JSONDecoder had read 2026-02-30 as March 2) or cannot be read
        // is named by entry, and nothing is imported.
        let before = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--all", "--json"])).count
        for created in ["2026-02-30T10:00:00Z", "yesterday"] {
            try Data(#"[{"title": "t", "body": "b", "tags": [], "kind": "note", "created": "2026-02-10T10:00:00Z"}, {"title": "u", "body": "c", "tags": [], "kind": "note", "created": "\#(created)"}]"#.utf8)
                .write(to: aliFile)
            let refused = try home.run("ali", ["import", "tacit", "journal.json"])
            #expect(refused.status == 1 && refused.stderr.contains("entry 2 of journal.json has no date that can be read (created: '\(created)')"),
                    "\(refused.stderr)")
        }
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--all", "--json"])).count == before)

        // What is not a Tacit export says so, and imports nothing.
        let wrong = try home.run("ali", ["import", "tacit", "journal.json.missing"])
        #expect(wrong.status != 0 && wrong.stderr.contains("cannot read journal.json.missing"), "\(wrong.stderr)")
        try Data(#"{"tags": {}, "entries": []}"#.utf8).write(to: aliFile)
        let jrnlFile = try home.run("ali", ["import", "tacit", "journal.json"])
        #expect(jrnlFile.status != 0 && jrnlFile.stderr.contains("is not a JSON export of Tacit"), "\(jrnlFile.stderr)")
    }
}

private func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
