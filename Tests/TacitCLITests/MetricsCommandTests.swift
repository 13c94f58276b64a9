import Foundation
import Testing

/// `tacit metrics export` as compliance meets it: what it writes, what it keeps, what it says.
@Suite struct MetricsCommandTests {
    /// Three groups of five (a facilitator and four members each) with a cycle in March 2026,
    /// compliance officer carl, and the clock in the cycle's practice weeks.
    static func cohort() throws -> CLIHarness {
        let home = try CLIHarness.started()
        try home.ok("olivia", ["enroll", "--code", home.bootstrapCode, "--name", "olivia"])
        try home.ok("olivia", ["login", "--name", "olivia"])
        for group in ["north", "south", "east"] {
            try home.ok("olivia", ["group", "create", group])
            try home.enroll("\(group)-f", role: "facilitator", group: group)
            for member in 1...4 { try home.enroll("\(group)-\(member)", role: "member", group: group) }
            try home.ok("\(group)-f", ["cycle", "create", group, "--session1", "2026-03-02", "--session2", "2026-03-30"])
        }
        try home.enroll("carl", role: "compliance", group: nil)
        try home.setTime("2026-03-10T10:00:00Z")
        return home
    }

    @Test func anExportKeepsExistingFilesAndSaysWhenItIsWithheld() throws {
        let home = try Self.cohort()
        let folder = home.folder(of: "carl")
        func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) }

        let first = try home.run("carl", ["metrics", "export", "--period", "2026-03", "--out", "a1.json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "wrote a1.json and a1.json.sig\nthis release spent privacy budget for 2026-03\n")
        let written = try #require(contents("a1.json"))

        // An existing file, or only its .sig, is kept: refused before the daemon is asked.
        let again = try home.run("carl", ["metrics", "export", "--period", "2026-03", "--out", "a1.json"])
        #expect(again.status == 2)
        #expect(again.stderr == "tacit: a1.json exists and is kept — give another --out, or add --replace to overwrite it\n")
        #expect(again.stdout.isEmpty)
        #expect(contents("a1.json") == written)
        try Data("kept\n".utf8).write(to: folder.appendingPathComponent("b.json.sig"))
        let signatureOnly = try home.run("carl", ["metrics", "export", "--period", "2026-03", "--out", "b.json"])
        #expect(signatureOnly.status == 2)
        #expect(signatureOnly.stderr == "tacit: b.json.sig exists and is kept — give another --out, or add --replace to overwrite it\n")
        #expect(contents("b.json") == nil && contents("b.json.sig") == Data("kept\n".utf8))

        // A format and a file name that disagree: refused, nothing written.
        let mismatch = try home.run("carl", ["metrics", "export", "--period", "2026-03", "--format", "html", "--out", "a2.json"])
        #expect(mismatch.status == 2)
        #expect(mismatch.stderr.contains("--out a2.json is named as json but --format is html: give --format json, or an --out ending in .html"),
                "\(mismatch.stderr)")
        #expect(contents("a2.json") == nil)

        // --replace writes over it (the same release, today).
        let replaced = try home.run("carl", ["metrics", "export", "--period", "2026-03", "--out", "a1.json", "--replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout == "wrote a1.json and a1.json.sig\nthe same release as earlier today: no privacy budget spent\n")
        #expect(contents("a1.json") == written)

        // One member more the next day: the release is withheld, and the CLI says so and why.
        try home.enroll("north-5", role: "member", group: "north")
        try home.setTime("2026-03-11T10:00:00Z")
        let withheld = try home.run("carl", ["metrics", "export", "--period", "2026-03", "--out", "a2.json"])
        #expect(withheld.status == 0, "\(withheld.stderr)")
        #expect(withheld.stdout == """
            wrote a2.json and a2.json.sig
            withheld (population-changed): the groups' rosters changed by only a few members since an earlier release \
            for 2026-03, and the two side by side could single those members out; the file holds only the public counts, \
            and no privacy budget was spent

            """)
        #expect(String(decoding: try #require(contents("a2.json")), as: UTF8.self).contains(#""withheldBecause": ["population-changed"]"#))
    }
}
