import Foundation
import TacitAPI
import Testing

/// A member's own data: imports from jrnl and Day One, exports as Markdown and JSON.
@Suite struct DataTests {
    @Test func importJrnlAndDayOneThenExport() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali", "bea", "cal", "dee"], compliance: false)
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-10T10:00:00Z")
        let folder = home.folder(of: "ali")
        let jrnl = """
            {"tags": {"@work": 2}, "entries": [
              {"title": "Standup", "body": "Let Sam run it.", "date": "2024-01-02", "time": "09:00", "tags": ["@work"], "starred": false},
              {"title": "Retro", "body": "Asked before advising.", "date": "2024-01-05", "time": "16:30", "tags": ["@work", "@retro"], "starred": true},
              {"title": "Quiet day", "body": "", "date": "2024-01-06", "time": "18:00", "tags": [], "starred": false}
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

        let entries = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"]))
        #expect(entries.count == 5)
        #expect(Set(entries.map(\.title)) == ["Standup", "Retro", "Quiet day", "Offsite", ""])
        #expect(entries.first { $0.title == "Retro" }?.tags.sorted() == ["retro", "starred", "work"])
        let offsite = try #require(entries.first { $0.title == "Offsite" })
        let body = try home.ok("ali", ["show", offsite.id.uuidString])
        #expect(body.contains("We agreed on a plan."))
        #expect(!body.contains("dayone-moment"))
        #expect(try home.run("ali", ["import", "jrnl", "Journal.json"]).status == 1)

        // Export: plaintext, with a warning; Markdown files with front matter, and JSON.
        let markdown = try home.run("ali", ["export", "--format", "markdown", "--out", "out"])
        #expect(markdown.status == 0)
        #expect(markdown.stderr.contains("PLAINTEXT"))
        let files = CLIHarness.files(under: folder.appendingPathComponent("out"))
        #expect(files.count == 5)
        for file in files { #expect(mode(of: file.path) == 0o600) }
        #expect(mode(of: folder.appendingPathComponent("out").path) == 0o700)
        let retro = try #require(files.first { $0.lastPathComponent.contains("retro") })
        let text = try String(contentsOf: retro, encoding: .utf8)
        #expect(text.hasPrefix("---\nid: "))
        #expect(text.contains("title: Retro"))
        let json = try CLIHarness.decode([EntryResponse].self, try home.ok("ali", ["export", "--format", "json"]))
        #expect(json.count == 5)
    }
}
