import Foundation
import TacitAPI
import Testing

/// What a person types as an argument — a file, a name, a group — is checked before anything is
/// sent, and a mistake is told in words with the usage exit status, never a crash or an internal.
@Suite struct ArgumentTests {
    /// A folder where a file belongs stopped the process (`try!` inside Foundation's FileHandle).
    @Test func aFolderIsNotAFile() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        try FileManager.default.createDirectory(at: home.folder(of: "olivia").appendingPathComponent("bk"), withIntermediateDirectories: true)

        // A usage error, as for backup.
        let restore = try home.run("olivia", ["restore", "bk"])
        #expect(restore.status == 2)
        #expect(restore.stderr == "tacit: bk is a folder, not a backup file\n")
        let backup = try home.run("olivia", ["backup", "bk"])
        #expect(backup.status == 2)
        #expect(backup.stderr == "tacit: bk is a folder — give the name of a file to write, in it or elsewhere\n")
        // A folder that does not exist is named as such, not by the command's temporary file.
        let nowhere = try home.run("olivia", ["backup", "nodir/b.sqlite"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("cannot write nodir/b.sqlite: the folder")
                && nowhere.stderr.contains("does not exist") && !nowhere.stderr.contains("partial"), "\(nowhere.stderr)")
        // Nothing to jot is a usage error, as nothing to write is.
        let jot = try home.run("ali", ["jot", " "])
        #expect(jot.status == 2 && jot.stderr.contains("nothing to jot: the text is empty"), "\(jot.stderr)")
        let written = try home.run("ali", ["write", "-"], stdinFrom: home.root.path)
        #expect(written.status == 1)
        #expect(written.stderr == "tacit: standard input is a folder — give a file with `< FILE` or pipe the text in\n")
    }

    @Test func anEmptyFileNameIsAUsageError() throws {
        let home = try CLIHarness()
        for command in ["backup", "restore"] {
            let empty = try home.run("olivia", [command, ""])
            #expect(empty.status == 2)
            #expect(empty.stderr.hasPrefix("Error: <file> is empty"), "\(empty.stderr)")
        }
    }

    /// `group list` shows a group's first 8 characters; every command that takes a group takes
    /// them (or 4 or more), as it does an entry's or a cycle's.
    @Test func aGroupIsFoundByAPrefixOfItsId() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        let north = try #require(try CLIHarness.decode([GroupSummary].self, try home.ok("olivia", ["group", "list", "--json"])).first)
        let id = north.id.uuidString.lowercased()
        let short = String(id.prefix(8)), four = String(id.prefix(4))

        #expect(try home.ok("olivia", ["group", "show", short]).hasPrefix("north — 2 members"))
        #expect(try home.ok("olivia", ["group", "show", short.uppercased()]).hasPrefix("north — 2 members"))
        try home.ok("olivia", ["invite", "bea", "--role", "member", "--group", four])
        try home.ok("olivia", ["group", "facilitator", short, "fiona"])
        let cycle = try home.ok("fiona", ["cycle", "create", short, "--session1", "2026-03-02", "--session2", "2026-04-06"])
        #expect(try home.ok("fiona", ["cycle", "list", four]).contains("\(cycle.prefix(8))  north"))
        try home.setTime("2026-03-10T10:00:00Z")
        let entry = try home.ok("ali", ["write", "--cycle", four, "--title", "Week 1", "Sam ran it"])
        try home.ok("ali", ["share", entry, "--group", four])
        let feed = try home.ok("fiona", ["feed"])
        #expect(feed.contains("Week 1") && feed.contains("the group"), "\(feed)")
        #expect(try home.ok("olivia", ["group", "remove", "--yes", short, "ali"])
            == "removed ali from north; their access to the group's shares ended")
        #expect(try home.ok("olivia", ["group", "add", four, "ali"]).hasPrefix("added ali to north"))

        // A group named like the prefix is that group: names are what people chose.
        try home.ok("olivia", ["group", "create", four])
        #expect(try home.ok("olivia", ["group", "show", four]).hasPrefix("\(four) — 0 members"))
        #expect(try home.ok("olivia", ["group", "show", short]).hasPrefix("north — "))
        let none = try home.run("olivia", ["group", "show", "ffff0000"])
        #expect(none.status == 1)
        #expect(none.stderr == "tacit: not found: no group 'ffff0000'\n")
    }

    /// Ids are random, so two that share a prefix come from a stand-in daemon.
    @Test func aPrefixOfTwoGroupsIsAmbiguous() throws {
        let home = try CLIHarness()
        let groups = #"[{"id": "b45a85d8-0000-4000-8000-000000000001", "name": "north", "memberCount": 5},"#
            + #" {"id": "b45a1111-0000-4000-8000-000000000002", "name": "south", "memberCount": 4}]"#
        let daemon = try CannedDaemon(at: home.root.appendingPathComponent("canned.sock").path,
                                      answers: [("GET /v1/groups ", .init(status: 200, body: groups))])
        defer { daemon.stop() }
        let ambiguous = try home.run("olivia", ["group", "show", "b45a"],
                                     environment: ["TACIT_SOCKET": daemon.path, "TACIT_SESSION": "token"])
        #expect(ambiguous.status == 1)
        #expect(ambiguous.stderr == "tacit: 'b45a' matches 2 groups (north, south) — give more characters\n")
    }

    /// An empty argument changed the request's route ("not found: route", or the list of groups
    /// where one group was expected), and a 100,000-character one met the HTTP server's limit.
    /// A socket path that is a folder, a file or too long is named as such (each had been "no
    /// daemon"), and an empty one is a usage error (it had quietly meant ./tacit.sock).
    @Test func aSocketPathThatCannotBeOneIsSaid() throws {
        let home = try CLIHarness()
        let file = home.root.appendingPathComponent("plain.txt")
        try Data("x".utf8).write(to: file)
        let cases: [(String, Int32, String)] = [
            (home.root.path, 1, "is a folder, not the daemon's socket"),
            (file.path, 1, "is a file, not the daemon's socket"),
            ("/tmp/" + String(repeating: "s", count: 120), 1, "is longer than a socket's path may be (107 bytes)"),
            (home.root.appendingPathComponent("none.sock").path, 1, "no daemon on"),
            ("", 2, "TACIT_SOCKET is empty"),
        ]
        for (socket, status, message) in cases {
            let run = try home.run("ali", ["whoami"], environment: ["TACIT_SOCKET": socket])
            #expect(run.status == status && run.stderr.contains(message), "\(socket.prefix(40)): \(run.stderr)")
        }
        let empty = try home.run("ali", ["whoami", "--socket", ""])
        #expect(empty.status == 2 && empty.stderr.contains("--socket is empty"), "\(empty.stderr)")
    }

    /// Days and times that do not exist are refused, not rolled over into the next month, day or
    /// hour as Foundation's readers do; a leap day is a day.
    @Test func aDayThatDoesNotExistIsAUsageError() throws {
        let home = try CLIHarness()
        let cases = [["list", "--since", "2026-02-30T10:00:00Z"], ["list", "--since", "2026-02-10T10:99"],
                     ["share", "4f1c", "--with", "bea", "--until", "2026-03-03T25:00:00Z"], ["list", "--until", "2026-04-31"],
                     ["list", "--since", "2026-02-10T10:00:00+25:00"],
                     ["cycle", "create", "north", "--session1", "2026-04-31T09:00:00Z", "--session2", "2026-05-20"]]
        for arguments in cases {
            let run = try home.run("ali", arguments)
            #expect(run.status == 2 && run.stderr.contains("is not a real day or time"), "\(arguments): \(run.stderr)")
        }
        // (Read, then refused only for want of a daemon: no usage error.)
        let leap = try home.run("ali", ["list", "--since", "2028-02-29T10:00:00Z"])
        #expect(leap.status == 1 && leap.stderr.contains("no daemon") && !leap.stderr.contains("not a real"), "\(leap.stderr)")
    }

    @Test func emptyAndOversizedNamesAreUsageErrors() throws {
        let home = try CLIHarness()
        let long = String(repeating: "a", count: 100_000)
        let cases: [([String], String)] = [
            (["principal", "disable", ""], "Error: <name> is empty: give a name"),
            (["whois", ""], "Error: <name> is empty: give a name"),
            (["whois", String(repeating: "a", count: 33)], "Error: <name> is longer than any name: names are at most 32 characters"),
            (["group", "show", ""], "Error: <group> is empty: give the group's name or id (see `tacit group list`)"),
            (["group", "show", long], "Error: <group> is longer than any group's name or id: at most 64 characters"),
            (["group", "add", "north", ""], "Error: <name> is empty: give a name"),
            (["invite", "ali", "--role", "member", "--group", ""], "Error: --group is empty: give the group's name or id (see `tacit group list`)"),
            (["invite", "zed", "--role", "compliance", "--group", "north"],
             "Error: only members and facilitators join groups: invite a compliance officer without --group"),
            (["cycle", "list", ""], "Error: <group> is empty: give the group's name or id (see `tacit group list`)"),
            (["cycle", "agenda", ""], "Error: <cycle> is empty: give the cycle's id, or a group (see `tacit cycle list`)"),
            (["share", "4f1c", "--with", ""], "Error: --with is empty: give a name"),
            (["write", "--cycle", "", "text"], "Error: --cycle is empty: give the cycle's id, or a group (see `tacit cycle list`)"),
            (["login", "--name", ""], "Error: --name is empty: give a name"),
            (["export", "--format", "markdown", "--out", ""], "Error: --out is empty: name a folder (for JSON, a FILE.json may be named)"),
        ]
        for (arguments, message) in cases {
            let run = try home.run("olivia", arguments)
            #expect(run.status == 2, "\(arguments.map { $0.prefix(40) })")
            #expect(run.stderr.hasPrefix(message + "\n"), "\(run.stderr.prefix(300))")
        }
    }

    /// A refusal with a message in JSON but no code (the HTTP server's own) is shown in words.
    @Test func aRefusalsMessageIsShown() throws {
        let home = try CLIHarness()
        let refusal = #"{"error": {"message": "the request's head is over the server's limit"}}"#
        let daemon = try CannedDaemon(at: home.root.appendingPathComponent("canned.sock").path,
                                      answers: [("GET /v1/groups/north ", .init(status: 400, body: refusal))])
        defer { daemon.stop() }
        let refused = try home.run("olivia", ["group", "show", "north"], environment: ["TACIT_SOCKET": daemon.path, "TACIT_SESSION": "token"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "tacit: the request's head is over the server's limit\n")
    }

    /// "No policy allows this" is only true of a default deny; a forbid of the operator's own
    /// policy file decided otherwise, and says so by name.
    @Test func aForbidOfTheOperatorsPolicyIsNamedAsSuch() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        home.stopDaemon()
        let policy = home.root.appendingPathComponent("operator.cedar")
        try Data("""
            @id("lockdown")
            forbid (principal, action == Action::"createGroup", resource)
            when { principal.role == "operator" };
            """.utf8).write(to: policy)
        try home.startDaemon(["--policy", policy.path])

        let forbidden = try home.run("olivia", ["group", "create", "south"])
        #expect(forbidden.status == 3)
        #expect(forbidden.stderr == "tacit: denied by the operator's policy lockdown\n")
        let unpermitted = try home.run("ali", ["group", "create", "south"])
        #expect(unpermitted.status == 3)
        #expect(unpermitted.stderr == "tacit: denied (policy: default-deny): no policy allows this for your role\n")
        let explained = try home.run("olivia", ["group", "add", "north", "olivia"])
        #expect(explained.status == 3)
        #expect(explained.stderr.hasPrefix("tacit: denied (policy: "), "\(explained.stderr)")
        #expect(explained.stderr.hasSuffix("): nobody adds themselves to a group or appoints themselves its facilitator\n"), "\(explained.stderr)")
    }

    @Test func addingAMemberSaysWhatChanged() throws {
        let home = try CLIHarness.started()
        try home.ok("olivia", ["enroll", "--code", home.bootstrapCode, "--name", "olivia"])
        try home.ok("olivia", ["login", "--name", "olivia"])
        try home.ok("olivia", ["group", "create", "north"])
        try home.ok("olivia", ["group", "create", "south"])
        try home.enroll("ali", role: "member", group: "north")
        try home.enroll("bea", role: "member", group: "north")
        #expect(try home.ok("olivia", ["group", "add", "south", "ali"]) == "added ali to south (1 member)")
        #expect(try home.ok("olivia", ["group", "add", "south", "bea"]) == "added bea to south (2 members)")
        let again = try home.run("olivia", ["group", "add", "south", "ali"])
        #expect(again.status == 0)
        #expect(again.stdout == "ali is already in south\n")
        #expect(try home.ok("olivia", ["group", "show", "south"]).hasPrefix("south — 2 members"))
    }

    /// An empty variable is most likely a script's unset value: asking instead hid it.
    @Test func anEmptyPassphraseVariableIsNamed() throws {
        let home = try CLIHarness.started()
        try home.organise(members: [], compliance: false)
        let login = try home.run("olivia", ["login", "--name", "olivia"], environment: ["TACIT_PASSPHRASE": ""])
        #expect(login.status == 1)
        #expect(login.stderr == "tacit: TACIT_PASSPHRASE is empty — set it to the passphrase, or unset it to be asked\n")
        try home.ok("olivia", ["logout"])
        let renewed = try home.run("olivia", ["group", "list"], environment: ["TACIT_PASSPHRASE": ""])
        #expect(renewed.status == 1)
        #expect(renewed.stderr == "tacit: TACIT_PASSPHRASE is empty — set it to the passphrase, or unset it to be asked\n")
    }

    /// Foundation's reason for a folder was "(NSCocoaErrorDomain error 256.)".
    @Test func aPolicyFileThatIsAFolderIsSaidInWords() throws {
        let home = try CLIHarness()
        let check = try home.run(nil, ["policy", "check", home.root.path])
        #expect(check.status == 1)
        #expect(check.stderr == "\(home.root.path): cannot read the file: it is a folder\n")
        let missing = try home.run(nil, ["policy", "check", "/nonexistent/operator.cedar"])
        #expect(missing.stderr == "/nonexistent/operator.cedar: cannot read the file: there is no such file\n")
    }

    /// A name the daemon would refuse, or an empty code, is a mistake in the command: usage (2).
    @Test func aBadNameOrAnEmptyCodeIsAUsageError() throws {
        let home = try CLIHarness()
        let rule = "a name is 1 to 32 lowercase letters (a-z), digits, '.', '-' or '_', starting with a letter or a digit"
        let cases: [([String], String)] = [
            (["invite", "Bea Smith", "--role", "member"], "Error: <name> is not a name: \(rule)"),
            (["enroll", "--code", "AAAA-BBBB", "--name", "Ali"], "Error: --name is not a name: \(rule)"),
            (["enroll", "--code", "", "--name", "ali"], "Error: --code is empty: give the enrollment code the operator gave you"),
            (["group", "create", "North Side"], "Error: <name> is not a group name: a group name is 1 to 64 lowercase letters (a-z), "
                + "digits, '.', '-' or '_', starting with a letter or a digit"),
            (["group", "create", ""], "Error: <name> is empty: give the group's name"),
        ]
        for (arguments, message) in cases {
            let run = try home.run("olivia", arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stderr.hasPrefix(message + "\n"), "\(run.stderr)")
        }
    }
}
