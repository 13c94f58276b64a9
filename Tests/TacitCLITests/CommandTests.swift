import Foundation
import TacitAPI
import TacitCrypto
import TacitMetrics
@testable import TacitServer
import TacitSpawn
import TacitTestSupport
import Testing

/// Exit codes, sessions and the rest of the contract's commands.
@Suite struct CommandTests {
    @Test func exitCodes() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        // Logging in says who you are; a facilitator is told where they facilitate.
        #expect(try home.ok("fiona", ["login", "--name", "fiona"]).hasPrefix("logged in as fiona (member, facilitator of north) until"))
        #expect(try home.ok("ali", ["login", "--name", "ali"]).hasPrefix("logged in as ali (member) until"))
        // 2: usage.
        #expect(try home.run("ali", ["write", "--kind", "bogus", "text"]).status == 2)
        #expect(try home.run("ali", ["list", "--bogus-flag"]).status == 2)
        let badDate = try home.run("ali", ["list", "--since", "yesterday"])
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("not a date"))
        let backwards = try home.run("ali", ["search", "words", "--since", "2026-03-02", "--until", "2026-03-01"])
        #expect(backwards.status == 2)
        #expect(backwards.stderr.contains("--since 2026-03-02 is after --until 2026-03-01"))
        // One day is the whole day.
        #expect(try home.run("ali", ["list", "--since", "2026-03-02 18:00", "--until", "2026-03-02"]).status != 2)
        #expect(try home.run("ali", ["share", "abcd1234"]).status == 2)
        for blank in [[""], ["  ", "\t"]] {
            let nothing = try home.run("ali", ["search"] + blank)
            #expect(nothing.status == 2 && nothing.stderr.contains("give some words"), "\(blank): \(nothing.stderr)")
        }
        // 3: denied by policy, with the reason.
        let denied = try home.run("ali", ["group", "create", "south"])
        #expect(denied.status == 3)
        #expect(denied.stderr.contains("denied"))
        // Dates already over (the README's demo dates on a real clock) are refused as such, before
        // the policy's "a closed cycle's dates are history" (which is about rescheduling).
        let past = try home.run("fiona", ["cycle", "create", "north", "--session1", "2025-01-06", "--session2", "2025-02-03"])
        #expect(past.status == 1 && past.stderr.contains("session 1 is on a day already past"), "\(past.stderr)")
        // 1: errors written for people.
        let missing = try home.run("ali", ["show", UUID().uuidString])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not found"))
        // A name or group that does not exist is named back, and "not found" is said once.
        for (person, arguments, said) in [("ali", ["whois", "nobody"], "no principal named 'nobody'"),
                                          ("ali", ["whois", "Ali"], "no principal named 'Ali' — names are lowercase: did you mean 'ali'?"),
                                          ("ali", ["whois", "Nobody"], "no principal named 'Nobody'"),
                                          ("olivia", ["principal", "disable", "nobody"], "no principal named 'nobody'"),
                                          ("olivia", ["group", "show", "nowhere"], "no group 'nowhere'"),
                                          ("olivia", ["group", "remove", "nowhere", "ali"], "no group 'nowhere'")] {
            let unknown = try home.run(person, arguments)
            #expect(unknown.status == 1 && unknown.stderr == "tacit: not found: \(said)\n", "\(arguments): \(unknown.stderr)")
        }
        // A secret with no way to get it, or a file that cannot be read, is named with its source.
        let noSecret = try home.run("zed", ["enroll", "--code", "AAAA-BBBB", "--name", "zed"], passphrase: false)
        #expect(noSecret.status == 1 && noSecret.stderr
            == "tacit: no terminal to ask for the passphrase — give it with --passphrase-file FILE or set TACIT_PASSPHRASE\n", "\(noSecret.stderr)")
        let noNew = try home.run("ali", ["passphrase"])
        #expect(noNew.stderr.contains("no terminal to ask for the new passphrase — give it with --new-passphrase-file FILE or set TACIT_NEW_PASSPHRASE"),
                "\(noNew.stderr)")
        let missingFile = try home.run("ali", ["login", "--name", "ali", "--passphrase-file", "/nowhere/pass"])
        #expect(missingFile.status == 1 && missingFile.stderr
            == "tacit: cannot read the passphrase file /nowhere/pass: there is no such file\n", "\(missingFile.stderr)")
        let noCycle = try home.run("ali", ["write", "before any cycle"])
        #expect(noCycle.status == 1)
        #expect(noCycle.stderr.contains("no cycle"))
        let wrong = try home.run("ali", ["login", "--name", "ali"], environment: ["TACIT_PASSPHRASE": "not the passphrase at all"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("wrong name or passphrase"))
        #expect(!wrong.stderr.contains("lowercase"), "\(wrong.stderr)")
        // A capital letter: names are lowercase, and the right one is offered.
        let capital = try home.run("ali", ["login", "--name", "Ali"])
        #expect(capital.status == 1 && capital.stderr.contains("wrong name or passphrase — names are lowercase: did you mean --name ali?"),
                "\(capital.stderr)")
        let noDaemon = try home.run("ali", ["list"], environment: ["TACIT_SOCKET": home.root.appendingPathComponent("none.sock").path])
        #expect(noDaemon.status == 1)
        #expect(noDaemon.stderr.contains("no daemon on"))
        #expect(noDaemon.stderr.contains("tacit serve"))
        // 0, and --version.
        #expect(try home.run(nil, ["--version"]).text == "0.1.0")
    }

    @Test func sessionsAreCachedPrivatelyAndLogoutForgetsThem() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        let run = home.folder(of: "ali").appendingPathComponent("run/tacit")
        let state = home.folder(of: "ali").appendingPathComponent("state/tacit")
        let sessionFiles = CLIHarness.files(under: run)
        let stateFiles = CLIHarness.files(under: state)
        #expect(sessionFiles.count == 1)
        #expect(stateFiles.count == 1)
        #expect(mode(of: run.path) == 0o700)
        for file in sessionFiles + stateFiles { #expect(mode(of: file.path) == 0o600) }

        // TACIT_SESSION overrides the cache.
        let session = try JSONSerialization.jsonObject(with: Data(contentsOf: sessionFiles[0])) as? [String: Any]
        let token = try #require(session?["token"] as? String)
        let other = try home.run("bob", ["whoami"], environment: ["TACIT_SESSION": token], passphrase: false)
        #expect(other.text.hasPrefix("ali (member)"))

        // logout deletes the token, keeps the capture state; logout --all deletes both.
        #expect(try home.ok("ali", ["logout"]) == "logged out")
        #expect(CLIHarness.files(under: run).isEmpty)
        #expect(CLIHarness.files(under: state).count == 1)
        let locked = try home.run("ali", ["whoami"], passphrase: false)
        #expect(locked.status == 1)
        #expect(locked.stderr.contains("not logged in — run `tacit login --name ali` first"), "\(locked.stderr)")
        // With the passphrase at hand, a command logs in again by itself.
        #expect(try home.ok("ali", ["whoami"]).hasPrefix("ali (member)"))
        // A session idle past its limit: without the passphrase at hand, the command says whose login to renew.
        try home.setTime("2026-02-24T09:00:00Z")
        let expired = try home.run("ali", ["whoami"], passphrase: false)
        #expect(expired.status == 1)
        #expect(expired.stderr.contains("your session expired — log in again with `tacit login --name ali`"), "\(expired.stderr)")
        #expect(try home.ok("ali", ["whoami"]).hasPrefix("ali (member)"))
        // logout --all with no session logs in first (the passphrase is at hand) and revokes the jot
        // token on the daemon: a copy of it kept aside no longer seals anything.
        let kept = try CLIHarness.files(under: state).map { ($0, try Data(contentsOf: $0)) }
        #expect(try home.ok("ali", ["logout"]) == "logged out")
        #expect(try home.ok("ali", ["logout", "--all"]).contains("the jot token is revoked"))
        #expect(CLIHarness.files(under: state).isEmpty)
        #expect(try home.run("ali", ["jot", "a note"]).stderr.contains("no capture token"))
        for (file, contents) in kept { try contents.write(to: file) }
        let revoked = try home.run("ali", ["jot", "a note"])
        #expect(revoked.status == 1 && revoked.stderr.contains("no longer works"), "\(revoked.stderr)")
    }

    /// Someone who once logged in with a member's passphrase keeps no way into the journal after
    /// the member changes it: their jot token ends too, while the member's own device jots on.
    @Test func aPassphraseChangeEndsJotsElsewhere() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        let old = ["TACIT_PASSPHRASE": CLIHarness.passphrase("ali")]
        try home.ok("mallory", ["login", "--name", "ali"], environment: old)
        #expect(try home.run("mallory", ["jot", "before the change"], environment: old).status == 0)
        let changed = try home.ok("ali", ["passphrase"], environment: ["TACIT_NEW_PASSPHRASE": "a brand new long passphrase 7"])
        #expect(changed.contains("jots elsewhere ended"), "\(changed)")
        // The session there ended: said so, not "not logged in".
        let ended = try home.run("mallory", ["whoami"], passphrase: false)
        #expect(ended.status == 1 && ended.stderr.contains("your session ended") && ended.stderr.contains("tacit login --name ali"),
                "\(ended.stderr)")
        let refused = try home.run("mallory", ["jot", "INJECTED after the change"], environment: old)
        #expect(refused.status == 1 && refused.stderr.contains("no longer works"), "\(refused.stderr)")
        #expect(try home.run("ali", ["jot", "still jotting here"]).status == 0, "the device that changed it keeps jotting")
        // A wrong current passphrase is recorded for the owner to see, as a wrong login is.
        let wrong = try home.run("ali", ["passphrase"], environment: ["TACIT_PASSPHRASE": "not the passphrase at all 1",
                                                                      "TACIT_NEW_PASSPHRASE": "yet another long passphrase 8"])
        #expect(wrong.status == 1 && wrong.stderr.contains("wrong current passphrase; nothing changed"), "\(wrong.stderr)")
        let audit = try home.ok("ali", ["audit"])
        #expect(audit.split(separator: "\n").contains { $0.contains("passphrase") && $0.contains("deny (invalid-credentials)") }, "\(audit)")
    }

    @Test func aLowerManifestCounterIsRefusedLoudly() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        let state = home.folder(of: "ali").appendingPathComponent("state/tacit")
        let file = try #require(CLIHarness.files(under: state).first)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var members = try #require(object["members"] as? [String: Any])
        var ali = try #require(members["ali"] as? [String: Any])
        ali["manifestCounter"] = 1_000_000
        members["ali"] = ali
        object["members"] = members
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        let refused = try home.run("ali", ["login", "--name", "ali"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("WARNING"))
        #expect(refused.stderr.contains("rolled back"))
        try home.ok("ali", ["login", "--name", "ali", "--accept-rollback"])
        try home.ok("ali", ["login", "--name", "ali"])
    }

    /// "listening on" is printed once the socket answers: a connection made the moment the line
    /// appears succeeds (it was printed before the bind, and a CLI command that quick was told
    /// there was no daemon).
    @Test func listeningMeansTheSocketAnswers() throws {
        for round in 1...4 {
            let home = try CLIHarness()
            let out = home.root.appendingPathComponent("serve.out")
            let daemon = try ChildProcess.spawn(CLIHarness.binary.path, ["serve", "--home", home.root.path, "--clock", home.clock.path],
                                                environment: ["TACIT_LOG_LEVEL": "warning", "PATH": "/usr/bin:/bin"],
                                                input: .null, output: .file(out.path), error: .null)
            defer { daemon.terminate(); daemon.wait() }
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, daemon.isRunning,
                  !((try? String(contentsOf: out, encoding: .utf8)) ?? "").contains("listening on") { usleep(500) }
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            let connected = withUnixSocketAddress(home.socket) { connect(fd, $0, $1) }
            #expect(connected == 0, "round \(round): connect right after \"listening on\" failed (errno \(errno))")
        }
    }

    @Test func passphraseRecoveryWhoisAndOperatorCommands() throws {
        let home = try CLIHarness.started()
        // Enrollment prints the recovery key once, grouped.
        let enrolled = try home.ok("olivia", ["enroll", "--code", home.bootstrapCode, "--name", "olivia"])
        #expect(enrolled.contains("RECOVERY KEY"))
        #expect(!FileManager.default.fileExists(atPath: home.root.appendingPathComponent("Keys/bootstrap-code").path))
        try home.ok("olivia", ["login", "--name", "olivia"])
        try home.ok("olivia", ["group", "create", "north"])
        // Staff keep no journal: an empty list does not send them to `tacit write`, which refuses them.
        let staffList = try home.ok("olivia", ["list"])
        #expect(staffList.contains("keep no journal") && !staffList.contains("tacit write"), "\(staffList)")
        let invitation = try home.ok("olivia", ["invite", "ali", "--role", "member", "--group", "north"])
        let code = try #require(invitation.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        // The operator sees who is invited and withdraws a mistaken invitation.
        try home.ok("olivia", ["invite", "zed", "--role", "compliance"])
        let waiting = try home.ok("olivia", ["invitations"])
        #expect(waiting.contains("ali ") && waiting.contains("north") && waiting.contains("zed ") && waiting.contains("compliance"), "\(waiting)")
        #expect(!waiting.contains(code), "a code is shown once")
        #expect(try home.ok("olivia", ["invitations", "revoke", "zed"]) == "withdrew the invitation for zed; its code no longer works")
        let twice = try home.run("olivia", ["invitations", "revoke", "zed"])
        #expect(twice.status == 1 && twice.stderr.contains("zed has no invitation waiting to be used"), "\(twice.stderr)")
        #expect(!(try home.ok("olivia", ["invitations"]).contains("zed")))
        // A weak passphrase is refused.
        let weak = try home.run("ali", ["enroll", "--code", code, "--name", "ali"], environment: ["TACIT_PASSPHRASE": "password"])
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("weak"))
        let ali = try home.ok("ali", ["enroll", "--code", code, "--name", "ali"])
        #expect(ali.hasPrefix("enrolled ali (member of north)\n"), "\(ali)")
        /// The recovery key a command printed, its grouped lines joined.
        func printedKey(_ output: String) -> String {
            output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.range(of: "^[A-Z2-7]{4}(-[A-Z2-7]{1,4})*$", options: .regularExpression) != nil }
                .joined(separator: "-")
        }
        let recoveryKey = printedKey(ali)
        #expect(recoveryKey.count > 40)
        try home.ok("ali", ["login", "--name", "ali"])
        #expect(try home.ok("ali", ["list"]) == "no entries yet — write one with `tacit write`")
        for name in ["bea", "cal", "dee"] { try home.enroll(name, role: "member", group: "north") }
        // Someone invited as a group's facilitator hears so when enrolling.
        let invited = try home.ok("olivia", ["invite", "fiona", "--role", "facilitator", "--group", "north", "--json"])
        let fionaCode = try #require((try JSONSerialization.jsonObject(with: Data(invited.utf8)) as? [String: Any])?["code"] as? String)
        #expect(try home.ok("fiona", ["enroll", "--code", fionaCode, "--name", "fiona"]).hasPrefix("enrolled fiona (member, facilitator of north)\n"))
        try home.ok("fiona", ["login", "--name", "fiona"])

        // Change the passphrase; the old one stops working.
        let newPassphrase = "a brand new passphrase for ali 7"
        try home.ok("ali", ["passphrase"], environment: ["TACIT_NEW_PASSPHRASE": newPassphrase])
        #expect(try home.run("ali", ["login", "--name", "ali"]).status == 1)
        try home.ok("ali", ["login", "--name", "ali"], environment: ["TACIT_PASSPHRASE": newPassphrase])
        // Recover with the recovery key, back to the first passphrase (from a file).
        let keyFile = home.folder(of: "ali").appendingPathComponent("recovery.txt")
        try Data(recoveryKey.utf8).write(to: keyFile)
        let passphraseFile = home.folder(of: "ali").appendingPathComponent("pass.txt")
        try Data((CLIHarness.passphrase("ali") + "\n").utf8).write(to: passphraseFile)
        let recover = ["recover", "--name", "ali", "--recovery-key-file", keyFile.path, "--passphrase-file", passphraseFile.path]
        try home.ok("ali", recover)
        // A passphrase file others may read is used, and said (as ssh says of a key).
        chmod(passphraseFile.path, 0o644)
        let loose = try home.run("ali", ["login", "--name", "ali", "--passphrase-file", passphraseFile.path])
        #expect(loose.status == 0 && loose.stderr.contains("other users may read it (mode 644): chmod 600"), "\(loose.stderr)")
        chmod(passphraseFile.path, 0o600)
        let tight = try home.run("ali", ["login", "--name", "ali", "--passphrase-file", passphraseFile.path])
        #expect(tight.status == 0 && !tight.stderr.contains("other users"), "\(tight.stderr)")
        let unnamed = try home.run("ali", ["login", "--name", "ali", "--passphrase-file", ""])
        #expect(unnamed.status == 2 && unnamed.stderr.contains("--passphrase-file is empty"), "\(unnamed.stderr)")
        // Rotating the root key draws a new recovery key, printed this once; the old one stops working.
        let rotated = try home.ok("ali", ["passphrase", "--rotate"], environment: ["TACIT_NEW_PASSPHRASE": newPassphrase])
        #expect(rotated.contains("NEW RECOVERY KEY"))
        let newKey = printedKey(rotated)
        #expect(newKey.count == recoveryKey.count && newKey != recoveryKey)
        let stale = try home.run("ali", recover)
        #expect(stale.status == 1 && stale.stderr.contains("wrong name or recovery key"))
        let capital = try home.run("ali", ["recover", "--name", "Ali"] + recover.dropFirst(3))
        #expect(capital.stderr.contains("names are lowercase: did you mean --name ali?"), "\(capital.stderr)")
        // A slip in typing it is said as such, not as a wrong key; 0 and 8 are read as O and B.
        try Data(String(newKey.dropLast(3)).utf8).write(to: keyFile)
        let short = try home.run("ali", recover)
        #expect(short.status == 1 && short.stderr.contains("this is not a recovery key: it has 52 characters"), "\(short.stderr)")
        try Data((String(newKey.dropLast()) + "1").utf8).write(to: keyFile)
        #expect(try home.run("ali", recover).stderr.contains("1 is not one of them — it is I or L"))
        try Data(newKey.replacingOccurrences(of: "O", with: "0").replacingOccurrences(of: "B", with: "8").utf8).write(to: keyFile)
        // `tacit passphrase` calls the new one --new-passphrase-file; recover takes that name too.
        let recovered = try home.ok("ali", ["recover", "--name", "ali", "--recovery-key-file", keyFile.path,
                                            "--new-passphrase-file", passphraseFile.path])
        #expect(recovered.contains("your recovery key still works") && recovered.contains("tacit passphrase --rotate"), "\(recovered)")
        #expect(try home.run("ali", recover + ["--new-passphrase-file", passphraseFile.path]).status == 2)
        try home.ok("ali", ["login", "--name", "ali", "--passphrase-file", passphraseFile.path])

        // whois: fingerprints to compare; pinned after a share.
        let whois = try CLIHarness.decode(WhoisResponse.self, try home.ok("bea", ["whois", "ali", "--json"]))
        #expect(whois.pin == "unpinned")
        #expect(!whois.fingerprint.isEmpty)
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-04T09:00:00Z")
        let entry = try home.ok("bea", ["write", "hello"])
        try home.ok("bea", ["share", entry, "--with", "ali"])
        #expect(try home.ok("bea", ["whois", "ali"]).contains("pinned"))
        // Staff are never shared with, so never pinned: whois does not promise otherwise.
        #expect(try home.ok("bea", ["whois", "olivia"]).contains("not pinned: operators are never shared with"))
        // Nor is anyone with no group in common, and one's own key is one's own.
        #expect(whois.relation == "group-member")
        #expect(try home.ok("bea", ["whois", "bea"]).contains("this is you"))
        try home.ok("olivia", ["group", "create", "south"])
        try home.enroll("sam", role: "member", group: "south")
        let stranger = try home.ok("bea", ["whois", "sam"])
        #expect(stranger.contains("not pinned: you are in no group with sam") && !stranger.contains("first time you share"), "\(stranger)")
        let confirmed = try CLIHarness.decode(WhoisResponse.self, try home.ok("bea", ["whois", "ali", "--confirm", whois.fingerprint, "--json"]))
        #expect(confirmed.pin == "pinned")
        #expect(try home.ok("bea", ["whois", "ali", "--confirm", whois.fingerprint]).contains("confirmed: your journal now knows this key"))

        // Edit, delete, search.
        try home.ok("bea", ["edit", entry, "--title", "Renamed"])
        #expect(try home.ok("bea", ["show", entry]).contains("# Renamed"))
        try home.ok("bea", ["edit", String(entry.prefix(6)), "-"], stdin: "new body text")
        #expect(try home.ok("bea", ["show", entry]).contains("new body text"))
        #expect(try home.ok("bea", ["search", "body"]).contains("Renamed"))
        #expect(try home.ok("ali", ["readers", "--help"]).contains("Example"))
        // At a terminal, delete shows what it is about to delete and asks; no is the default.
        let declined = try home.runAtTerminal("bea", ["delete", String(entry.prefix(6))], typing: "\n")
        #expect(declined.status == 1)
        #expect(declined.stdout.contains("“Renamed”") && declined.stdout.contains("cannot be undone"), "\(declined.stdout)")
        #expect(declined.stdout.contains("nothing deleted"))
        #expect(try home.ok("bea", ["show", entry]).contains("# Renamed"))
        let accepted = try home.runAtTerminal("bea", ["delete", entry], typing: "y\n")
        #expect(accepted.status == 0 && accepted.stdout.contains("deleted \(entry)"), "\(accepted.stdout)")
        #expect(try home.run("bea", ["show", entry]).status == 1)
        // A script (no terminal) deletes without asking, as does --yes at a terminal.
        let scripted = try home.ok("bea", ["write", "to be deleted by a script"])
        try home.ok("bea", ["delete", scripted])
        #expect(try home.run("bea", ["show", scripted]).status == 1)
        let flagged = try home.ok("bea", ["write", "to be deleted with --yes"])
        #expect(try home.runAtTerminal("bea", ["delete", "--yes", flagged], typing: "").status == 0)
        #expect(try home.run("bea", ["show", flagged]).status == 1)

        // Operator: facilitator, disable, group show, principal list.
        try home.ok("olivia", ["group", "facilitator", "north", "cal"])
        #expect(try home.ok("olivia", ["group", "show", "north"]).contains("facilitator: cal"))
        // Disabling cannot be undone: at a terminal the operator is asked, and no is the default.
        let kept = try home.runAtTerminal("olivia", ["principal", "disable", "dee"], typing: "no\n")
        #expect(kept.status == 1 && kept.stdout.contains("cannot be undone") && kept.stdout.contains("nothing changed"), "\(kept.stdout)")
        try home.ok("dee", ["login", "--name", "dee"])
        try home.ok("olivia", ["principal", "disable", "dee"])
        #expect(try home.run("dee", ["login", "--name", "dee"]).status != 0)
        let again = try home.run("olivia", ["invite", "dee", "--role", "member"])
        #expect(again.status != 0 && again.stderr.contains("dee is enrolled and disabled"), "\(again.stderr)")
        // The operator sees who is disabled, in the principal list and in the group's roster.
        let principals = try home.ok("olivia", ["principal", "list"])
        #expect(principals.split(separator: "\n").contains { $0.hasPrefix("dee ") && $0.hasSuffix("disabled") }, "\(principals)")
        #expect(principals.split(separator: "\n").filter { $0.hasSuffix("disabled") }.count == 1, "\(principals)")
        let listed = try CLIHarness.decode([PrincipalInfo].self, try home.ok("olivia", ["principal", "list", "--json"]))
        #expect(listed.filter { $0.disabled == true }.map(\.name) == ["dee"])
        #expect(try home.ok("olivia", ["group", "show", "north"]).contains("dee (disabled)"))
        #expect(try home.ok("ali", ["whois", "dee"]).hasPrefix("dee (member, disabled by the operator)"))
    }

    /// A group's size is kept however a member comes in — added, invited, or enrolling with an
    /// invitation made while there was room — and a member who left is disabled but keeps their
    /// place until the operator removes them: a full group says who holds a place and how to make
    /// room, and a disabled principal joins no group.
    @Test func aFullGroupNamesItsDisabledMembers() throws {
        let home = try CLIHarness.started()
        try home.organise()
        try home.enroll("hal", role: "member", group: "north")
        // Invited at seven; eight is the most by default (`groupMaximum`).
        let invitation = try home.ok("olivia", ["invite", "jo", "--role", "member", "--group", "north", "--json"])
        let code = try #require((try JSONSerialization.jsonObject(with: Data(invitation.utf8)) as? [String: Any])?["code"] as? String)
        try home.enroll("ivy", role: "member", group: "north")
        let late = try home.run("jo", ["enroll", "--code", code, "--name", "jo"])
        #expect(late.status != 0 && late.stderr.contains("north already has 8 members, the most a group may have")
                && late.stderr.contains("this enrollment code stays valid"), "\(late.stderr)")
        let invited = try home.run("olivia", ["invite", "kim", "--role", "member", "--group", "north"])
        #expect(invited.status != 0 && invited.stderr.contains("north already has 8 members"), "\(invited.stderr)")
        try home.enroll("gil", role: "member", group: nil)
        let full = try home.run("olivia", ["group", "add", "north", "gil"])
        #expect(full.status != 0 && full.stderr.contains("north already has 8 members, the most a group may have")
                && !full.stderr.contains("disabled"), "\(full.stderr)")
        try home.ok("olivia", ["principal", "disable", "dee"])
        let stillFull = try home.run("olivia", ["group", "add", "north", "gil"])
        #expect(stillFull.status != 0 && stillFull.stderr.contains("dee is disabled and still counted: `tacit group remove north dee` makes room"),
                "\(stillFull.stderr)")
        try home.ok("olivia", ["group", "create", "south"])
        let disabled = try home.run("olivia", ["group", "add", "south", "dee"])
        #expect(disabled.status != 0 && disabled.stderr.contains("dee is disabled: a disabled principal joins no group"), "\(disabled.stderr)")
        try home.ok("olivia", ["group", "remove", "north", "dee"])
        // The code refused while the group was full works now.
        try home.ok("jo", ["enroll", "--code", code, "--name", "jo"])
        let roster = try home.ok("olivia", ["group", "show", "north"])
        #expect(roster.contains("jo") && !roster.contains("dee"), "\(roster)")
        // groupMaximum lowered below the group's size: said as it is, not as "4 members" or "an allowed size".
        home.stopDaemon()
        try Data(#"{"testing": true, "scryptLog2N": 10, "groupMaximum": 4}"#.utf8).write(to: home.root.appendingPathComponent("tacit.json"))
        try home.startDaemon()
        let over = try home.ok("olivia", ["group", "show", "north"])
        #expect(over.contains("north — 8 members, above the maximum size"), "\(over)")
        let refused = try home.run("olivia", ["invite", "kim", "--role", "member", "--group", "north"])
        #expect(refused.stderr.contains("north already has 8 members, more than the 4 a group may now have"), "\(refused.stderr)")
    }

    @Test func backupAndRestore() throws {
        // The smallest body limit the configuration takes: the backup is larger, as any real one
        // is larger than the default 1 MiB, and its upload streams past the limit for JSON bodies.
        let home = try CLIHarness(configuration: #"{"testing": true, "scryptLog2N": 10, "bodyLimitBytes": 4096}"#)
        try home.startDaemon()
        try home.organise(members: ["ali"], compliance: false)
        let file = home.folder(of: "olivia").appendingPathComponent("backup.sqlite")
        #expect(try home.ok("olivia", ["backup", file.path]).contains("backup written"))
        #expect(mode(of: file.path) == 0o600)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        #expect(size > 4096)
        #expect(try home.run("ali", ["backup", file.path + "2"]).status == 3)
        // An existing file is kept unless --replace says otherwise; no partial file is left behind.
        let before = try Data(contentsOf: file)
        let again = try home.run("olivia", ["backup", file.path])
        #expect(again.status == 2 && again.stderr.contains("exists"), "\(again.stderr)")
        #expect(try Data(contentsOf: file) == before)
        try home.ok("olivia", ["group", "create", "west"])
        #expect(try home.ok("olivia", ["backup", "--replace", file.path]).contains("backup written"))
        #expect(try Data(contentsOf: file) != before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path).allSatisfy { !$0.hasSuffix(".partial") })
        // A change after the backup moves the database's write counter past the backup's.
        try home.ok("olivia", ["group", "create", "south"])
        #expect(try home.ok("olivia", ["restore", file.path]).contains("--accept-restore"))
        let data = home.root.appendingPathComponent("Data")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.contains("restore") } == ["restore.sqlite"])
        // A start without --accept-restore serves the database as it is, and says a restore waits.
        home.stopDaemon()
        try home.startDaemon()
        #expect(home.daemonOutput.contains("a restore is staged"), "\(home.daemonOutput)")
        #expect(try home.ok("olivia", ["group", "list"]).contains("south"))
        // Answering no changes nothing and leaves nothing beside the staged file.
        home.stopDaemon()
        #expect(throws: (any Error).self) { try home.startDaemon(["--accept-restore"], stdin: "no\n") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.contains("restore") } == ["restore.sqlite"])
        // The operator restarts the daemon, reads both states and what would be lost, and confirms.
        try home.startDaemon(["--accept-restore"], stdin: "yes\n")
        #expect(home.daemonOutput.contains("restored"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.contains("restore") } == [])
        // The database it replaced is kept beside it, with south in it, to undo a wrong restore by hand.
        let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: data.path).first { $0.hasPrefix("replaced-") })
        #expect(home.daemonOutput.contains("the database it replaced is kept in \(data.appendingPathComponent(kept).path)"),
                "\(home.daemonOutput)")
        let keptFile = data.appendingPathComponent(kept).appendingPathComponent("tacit.sqlite")
        #expect(try Data(contentsOf: keptFile).count > 4096)
        var keptMode = stat()
        #expect(stat(data.appendingPathComponent(kept).path, &keptMode) == 0 && keptMode.st_mode & 0o077 == 0)
        let asked = try String(contentsOf: home.root.appendingPathComponent("serve.err"), encoding: .utf8)
        #expect(asked.contains("database now: counter "), "\(asked)")
        #expect(asked.contains("the backup:   counter "), "\(asked)")
        #expect(asked.contains("writes behind the database: they are lost if you accept"), "\(asked)")
        let shown = try #require(asked.range(of: "the backup:")), question = try #require(asked.range(of: "type yes to accept"))
        #expect(shown.lowerBound < question.lowerBound)
        try home.ok("olivia", ["login", "--name", "olivia"])
        #expect(!(try home.ok("olivia", ["group", "list"]).contains("south")))
        try home.ok("ali", ["login", "--name", "ali"])
        // The audit log goes on from the backup's records and says a restore was accepted.
        let audit = try home.ok("olivia", ["audit"])
        #expect(audit.split(separator: "\n").contains { $0.contains("acceptRestore") && $0.contains("the uploaded backup, the replaced database kept") },
                "\(audit)")
        #expect(try home.ok("olivia", ["audit", "verify"]).contains("intact"))
    }

    /// A damaged audit record does not hide the intact ones: they are listed, the damaged one is
    /// named on standard error, and the exit status says the log is not whole.
    @Test func aDamagedAuditRecordIsNamedAndTheRestListed() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        home.stopDaemon()
        let database = home.root.appendingPathComponent("Data/tacit.sqlite").path
        let edit = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            + "c.execute(\"UPDATE audit_record SET record = x'000102' WHERE sequence = 3\"); c.commit()"
        let edited = try ChildProcess.run("/usr/bin/env", ["python3", "-c", edit, database])
        #expect(edited.termination == .exited(0), "\(edited.errorText)")
        try home.startDaemon()
        let listed = try home.run("olivia", ["audit"])
        #expect(listed.status == 1, "\(listed.stderr)")
        #expect(listed.stderr.contains("WARNING: audit records 3 cannot be read and are not shown"), "\(listed.stderr)")
        let sequences = listed.stdout.split(separator: "\n").dropFirst()
            .compactMap { Int(($0.split(separator: " ").first ?? "").trimmingPrefix("!")) }
        #expect(sequences.contains(2) && sequences.contains(4) && !sequences.contains(3), "\(listed.stdout)")
        #expect(try home.run("olivia", ["audit", "verify"]).status == 1)
    }

    /// A record edited in the database so that it still reads — a read made to look denied — is
    /// not shown as genuine: the listing checks the chain, marks the records from its break on,
    /// warns and exits 1, for the member reading who read their entries as for the operator.
    @Test func anEditedAuditRecordIsMarkedInTheListing() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        #expect(try home.run("ali", ["audit"]).stderr.isEmpty)
        home.stopDaemon()
        let database = home.root.appendingPathComponent("Data/tacit.sqlite").path
        let edit = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            + "s, r = c.execute(\"SELECT sequence, record FROM audit_record WHERE instr(record, CAST('allow' AS BLOB)) > 0 "
            + "ORDER BY sequence DESC LIMIT 1\").fetchone(); "
            + "c.execute('UPDATE audit_record SET record = ? WHERE sequence = ?', (bytes(r).replace(b'allow', b'deny!'), s)); "
            + "c.commit(); print(s)"
        let edited = try ChildProcess.run("/usr/bin/env", ["python3", "-c", edit, database])
        #expect(edited.termination == .exited(0), "\(edited.errorText)")
        let sequence = try #require(Int(edited.outputText.trimmingCharacters(in: .whitespacesAndNewlines)))
        try home.startDaemon()
        let listed = try home.run("olivia", ["audit"])
        #expect(listed.status == 1)
        #expect(listed.stderr.contains("WARNING: the audit chain is broken at record \(sequence)"), "\(listed.stderr)")
        #expect(listed.stdout.split(separator: "\n").contains { $0.hasPrefix("!\(sequence) ") && $0.contains("deny!") }, "\(listed.stdout)")
        #expect(!listed.stdout.split(separator: "\n").contains { $0.hasPrefix("!\(sequence - 1) ") })
        // A backup of it is written, and said to be one a restore will refuse.
        let file = home.root.appendingPathComponent("broken.sqlite").path
        let backup = try home.run("olivia", ["backup", file])
        #expect(backup.status == 1 && backup.stderr.contains("`tacit restore` will refuse this backup"), "\(backup.stderr)")
        #expect(FileManager.default.fileExists(atPath: file))
    }

    /// A group's size is judged on the members who take part, and a disabled facilitator is said
    /// to be one, with how to appoint another.
    @Test func aGroupShowsItsDisabledMembersAndFacilitator() throws {
        let home = try CLIHarness.started()
        try home.organise()
        try home.enroll("hal", role: "member", group: "north")
        #expect(try home.ok("olivia", ["group", "show", "north"]).contains("north — 7 members, an allowed size"))
        try home.ok("olivia", ["principal", "disable", "hal"])
        #expect(try home.ok("olivia", ["principal", "disable", "hal"]).contains("hal is already disabled"))
        let shown = try home.ok("olivia", ["group", "show", "north"])
        #expect(shown.contains("north — 7 members (1 disabled), a good size"), "\(shown)")
        #expect(shown.contains("facilitator: fiona\n"), "\(shown)")
        try home.ok("olivia", ["principal", "disable", "fiona"])
        let leaderless = try home.ok("olivia", ["group", "show", "north"])
        #expect(leaderless.contains("facilitator: fiona (disabled) — appoint another with `tacit group facilitator north NAME`"),
                "\(leaderless)")
        let disabledOne = try home.run("olivia", ["group", "facilitator", "north", "hal"])
        #expect(disabledOne.status != 0 && disabledOne.stderr.contains("hal is disabled: appoint a member who takes part"),
                "\(disabledOne.stderr)")
        try home.ok("olivia", ["group", "facilitator", "north", "ali"])
        #expect(try home.ok("olivia", ["group", "show", "north"]).contains("facilitator: ali\n"))
    }

    /// A passphrase file made on Windows (CRLF line ends) gives its first line, as one made here does.
    @Test func aPassphraseFileWithCRLFLineEndsWorks() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        let file = home.folder(of: "ali").appendingPathComponent("passphrase.txt")
        try Data((CLIHarness.passphrase("ali") + "\r\nsecond line\r\n").utf8).write(to: file)
        let login = try home.run("ali", ["login", "--name", "ali", "--passphrase-file", file.path], passphrase: false)
        #expect(login.status == 0, "\(login.stderr)")
    }

    /// Inviting a name again replaces the earlier invitation, and says so: the older code, made
    /// without the group, had enrolled the member into no group and left the newer one refused
    /// ("name taken").
    @Test func aNewInvitationReplacesTheEarlierOne() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        func code(_ arguments: [String]) throws -> String {
            let text = try home.ok("olivia", ["invite", "jo", "--role", "member", "--json"] + arguments)
            return try #require((try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["code"] as? String)
        }
        let first = try code([]), second = try code(["--group", "north"])
        // The operator is told when a code they may already have handed out stops working.
        let third = try home.ok("olivia", ["invite", "kim", "--role", "member"])
        #expect(!third.contains("replaces"), "\(third)")
        let fourth = try home.ok("olivia", ["invite", "kim", "--role", "member", "--group", "north"])
        #expect(fourth.contains("this replaces the invitation kim had not used yet: its code no longer works"), "\(fourth)")
        let old = try home.run("jo", ["enroll", "--code", first, "--name", "jo"])
        #expect(old.status != 0 && old.stderr.contains("not valid"), "\(old.stderr)")
        try home.ok("jo", ["enroll", "--code", second, "--name", "jo"])
        #expect(try home.ok("olivia", ["group", "show", "north"]).contains("jo"))
        // An invitation that had expired is not "replaced": its code stopped working on its own.
        try home.ok("olivia", ["invite", "lee", "--role", "member"])
        try home.setTime("2026-03-10T09:00:00Z")
        try home.ok("olivia", ["login", "--name", "olivia"])
        #expect(!(try home.ok("olivia", ["invite", "lee", "--role", "member"])).contains("replaces"))
        // Inviting a facilitator into a group that has one says who is handed over, before it is.
        let handover = try home.run("olivia", ["invite", "max", "--role", "facilitator", "--group", "north"])
        #expect(handover.status == 0 && handover.stderr.contains("note: fiona facilitates north now; when max enrolls, max takes over"),
                "\(handover.stderr)")
        let asMember = try home.run("olivia", ["invite", "max", "--role", "member", "--group", "north"])
        #expect(asMember.status == 0 && !asMember.stderr.contains("facilitates"), "\(asMember.stderr)")
    }

    /// Without XDG folders, each person's session lives under their own `$HOME` (it was the
    /// password file's home for everyone: one login replaced another's, and the next command ran
    /// as the wrong person).
    @Test func sessionsFollowHOME() throws {
        let home = try CLIHarness.inPractice()
        let noXDG = ["XDG_RUNTIME_DIR": "", "XDG_STATE_HOME": "", "XDG_CACHE_HOME": ""]
        try home.ok("ali", ["login", "--name", "ali"], environment: noXDG)
        try home.ok("bea", ["login", "--name", "bea"], environment: noXDG)
        #expect(try home.ok("ali", ["whoami"], environment: noXDG).contains("ali"))
        #expect(try home.ok("bea", ["whoami"], environment: noXDG).contains("bea"))
        for person in ["ali", "bea"] {
            let sessions = home.folder(of: person).appendingPathComponent(".cache/tacit/sessions")
            #expect(!((try? FileManager.default.contentsOfDirectory(atPath: sessions.path)) ?? []).isEmpty, "\(person)")
        }
    }

    /// SIGHUP — the terminal a daemon was started from closing — stops it as SIGTERM does: exit 0,
    /// the socket removed, the anchor written (it had ended the process on the spot, socket left).
    @Test func aClosedTerminalStopsTheDaemonCleanly() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("ali", ["write", "--title", "Before the hang-up", "Written before the terminal closed."])
        let daemon = try #require(home.daemon)
        daemon.send(SIGHUP)
        #expect(daemon.wait() == .exited(0))
        #expect(!FileManager.default.fileExists(atPath: home.socket))
        try home.startDaemon()
        #expect(!home.daemonOutput.contains("accept-restore"), "\(home.daemonOutput)")
        try home.ok("ali", ["login", "--name", "ali"])
        #expect(try home.ok("ali", ["list"]).contains("Before the hang-up"))
    }

    /// A start as root on the service user's home leaves Keys/ files root's: the service user's
    /// next start had called the anchor missing and advised accepting a restore. It now names the
    /// file, its owner and who the daemon runs as. (Needs root, to hand the home to `nobody`.)
    @Test func aFileAnotherUserOwnsIsSaidToBeTheirs() throws {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
              let nobody = getpwnam("nobody")?.pointee else {
            print("skipped: needs root and setpriv, to run the daemon as another user")
            return
        }
        let home = try CLIHarness.started()
        home.stopDaemon()
        for path in [home.root.path] + (FileManager.default.subpaths(atPath: home.root.path) ?? []).map({ home.root.path + "/" + $0 }) {
            lchown(path, nobody.pw_uid, nobody.pw_gid)
        }
        lchown(home.root.path + "/Keys/anchor", 0, 0)
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("owner-\(UUID().uuidString.prefix(6)).err")
        defer { try? FileManager.default.removeItem(at: err) }
        let process = try ChildProcess.spawn("/usr/bin/setpriv", ["--reuid=\(nobody.pw_uid)", "--regid=\(nobody.pw_gid)", "--clear-groups",
                                                                  CLIHarness.binary.path, "serve", "--home", home.root.path,
                                                                  "--clock", home.clock.path],
                                             output: .null, error: .file(err.path))
        #expect(process.wait() == .exited(1))
        let said = try String(contentsOf: err, encoding: .utf8)
        #expect(said.contains("Keys/anchor belongs to root (mode 600), and this daemon runs as nobody: it cannot read it")
                && !said.contains("accept-restore"), "\(said)")
    }

    /// A backup of another instance is not taken for this one's: its upload is refused, and one
    /// staged by hand is refused at `--accept-restore` — either would have replaced the whole
    /// organisation (its operator's passphrase no longer worked, only the other's principals were left).
    /// So is a backup no one had enrolled in, which had passed as "cannot tell".
    @Test func anotherInstancesBackupIsRefused() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        let other = try CLIHarness.started()
        try other.organise(members: ["bea"], compliance: false)
        let file = home.folder(of: "olivia").appendingPathComponent("other.sqlite")
        try other.ok("olivia", ["backup", file.path])
        let refused = try home.run("olivia", ["restore", file.path])
        #expect(refused.status == 1 && refused.stderr.contains("this backup is of another Tacit instance"), "\(refused.stderr)")
        // What is not a Tacit database (an empty file is an empty SQLite database) is said in words,
        // not SQLite's ("no such table: instance_state", "file is not a database").
        for (name, contents) in [("empty.db", Data()), ("garbage.db", Data(repeating: 0x41, count: 8192))] {
            let path = home.folder(of: "olivia").appendingPathComponent(name)
            try contents.write(to: path)
            let notOurs = try home.run("olivia", ["restore", path.path])
            #expect(notOurs.status != 0 && notOurs.stderr.contains("is not a sound Tacit database (a file made by `tacit backup`)")
                    && !notOurs.stderr.contains("SQL"), "\(name): \(notOurs.stderr)")
        }
        let data = home.root.appendingPathComponent("Data")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).filter { $0.contains("restore") } == [])
        /// Stages `contents` by hand and starts with --accept-restore: refused, saying `said`, and nothing changes.
        func refusedWhenStaged(_ contents: Data, saying said: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            try contents.write(to: data.appendingPathComponent("restore.sqlite"))
            home.stopDaemon()
            do {
                try home.startDaemon(["--accept-restore"], stdin: "yes\n")
                Issue.record("a staged file was taken at --accept-restore: \(said)", sourceLocation: sourceLocation)
            } catch {
                #expect("\(error)".contains("restore.sqlite: ") && "\(error)".contains(said) && "\(error)".contains("nothing changed"),
                        "\(error)", sourceLocation: sourceLocation)
            }
            try FileManager.default.removeItem(at: data.appendingPathComponent("restore.sqlite"))
        }
        // Staged by hand, it is refused when the daemon would take it, and nothing changes.
        try refusedWhenStaged(try Data(contentsOf: file), saying: "this backup is of another Tacit instance")

        // A database no one enrolled in (a fresh instance's, or this one's first minutes) would
        // replace everyone's journals with nothing: refused as an upload and staged by hand.
        let fresh = try CLIHarness.started()
        fresh.stopDaemon()
        let empty = home.folder(of: "olivia").appendingPathComponent("empty.sqlite")
        try FileManager.default.copyItem(at: fresh.root.appendingPathComponent("Data/tacit.sqlite"), to: empty)
        try home.startDaemon()
        let nothing = try home.run("olivia", ["restore", empty.path])
        #expect(nothing.status == 1 && nothing.stderr.contains("this backup holds no enrollment"), "\(nothing.stderr)")
        try refusedWhenStaged(try Data(contentsOf: empty), saying: "this backup holds no enrollment")
        // A file that is not a database at all is said to be that, not an empty one.
        try refusedWhenStaged(Data(repeating: 0x41, count: 8192), saying: "it is not a sound Tacit database")
        try home.startDaemon()
        try home.ok("olivia", ["login", "--name", "olivia"])
        #expect(try home.ok("olivia", ["principal", "list"]).contains("ali"))
    }

    /// A restore that drops what a member wrote after their last login is noticed: the CLI
    /// remembers the manifest counter after each write, not only at login.
    @Test func aRollbackOfWritesSinceLoginIsNoticed() throws {
        let home = try CLIHarness.inPractice()
        let backup = home.folder(of: "olivia").appendingPathComponent("before.sqlite")
        try home.ok("olivia", ["backup", backup.path])
        let lost = try home.ok("ali", ["write", "written after the backup"])
        try home.ok("olivia", ["restore", backup.path])
        home.stopDaemon()
        try home.startDaemon(["--accept-restore"], stdin: "yes\n")
        let warned = try home.run("ali", ["login", "--name", "ali"])
        #expect(warned.status == 1 && warned.stderr.contains("WARNING") && warned.stderr.contains("rolled back"), "\(warned.stderr)")
        try home.ok("ali", ["login", "--name", "ali", "--accept-rollback"])
        #expect(try home.run("ali", ["show", lost]).status == 1)
        // A member who did not write since logging in is not alarmed.
        try home.ok("bea", ["login", "--name", "bea"])
        // Accepted: the next write is remembered from the restored counter on, without a warning.
        let next = try home.run("ali", ["write", "after the restore"])
        #expect(next.status == 0 && !next.stderr.contains("WARNING"), "\(next.stderr)")
    }

    @Test func aDaemonThatIsGoneOrSilentIsReportedAtOnce() throws {
        let home = try CLIHarness()
        let login = ["login", "--name", "ali"]
        // No socket at all, then a stale one (bound, nobody listening), then one that takes the
        // connection and never answers (a daemon stopped with SIGSTOP).
        let missing = try home.run("ali", login)
        #expect(missing.status == 1 && missing.stderr.contains("no daemon on"), "\(missing.stderr)")
        let stale = try Self.unixSocket(at: home.socket, listening: false)
        defer { close(stale) }
        let started = Date()
        let refused = try home.run("ali", login)
        #expect(refused.status == 1 && refused.stderr.contains("nothing answers on the socket"), "\(refused.stderr)")
        #expect(Date().timeIntervalSince(started) < 8, "it was retried instead of reported")
        unlink(home.socket)
        let silent = try Self.unixSocket(at: home.socket, listening: true)
        defer { close(silent) }
        let unanswered = try home.run("ali", login, environment: ["TACIT_CLIENT_TIMEOUT": "1"])
        #expect(unanswered.status == 1 && unanswered.stderr.contains("did not answer for 1 s"), "\(unanswered.stderr)")
    }

    /// A Unix socket bound at `path`, listening or not; the caller closes it.
    static func unixSocket(at path: String, listening: Bool) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let bound = withUnixSocketAddress(path) { bind(descriptor, $0, $1) }
        guard descriptor >= 0, bound == 0, !listening || listen(descriptor, 8) == 0 else {
            throw HarnessError("cannot bind a socket at \(path)")
        }
        return descriptor
    }

    @Test func aDaemonWhoseOutputIsGoneGoesOnServing() throws {
        let home = try CLIHarness()
        var environment = ProcessInfo.processInfo.environment
        environment["TACIT_LOG_LEVEL"] = "info"
        let daemon = try ChildProcess.spawn(CLIHarness.binary.path, ["serve", "--home", home.root.path, "--clock", home.clock.path],
                                            environment: environment, input: .null, output: .pipe, error: .pipe)
        defer { daemon.terminate(); daemon.wait() }
        // Whoever read its output (a pipe to a log collector) is gone before it writes a line.
        try daemon.standardOutput?.close()
        try daemon.standardError?.close()
        let deadline = Date().addingTimeInterval(30)
        while daemon.isRunning, !SocketPlacement.isAnswering(path: home.socket), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        // It printed its bootstrap code and logged into the void, and serves: enrollment, a refused login.
        let code = try String(contentsOf: home.root.appendingPathComponent("Keys/bootstrap-code"), encoding: .utf8)
        try home.ok("olivia", ["enroll", "--code", code.trimmingCharacters(in: .newlines), "--name", "olivia"])
        #expect(try home.run("olivia", ["login", "--name", "olivia"], environment: ["TACIT_PASSPHRASE": "not the passphrase"]).status == 1)
        daemon.terminate()
        #expect(daemon.wait() == .exited(0))
        #expect(!FileManager.default.fileExists(atPath: home.socket))
    }

    @Test func jotsNeedNoUnlock() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        // Jotted while no cycle is open, a note becomes an entry of kind note (it had become a
        // practice entry of no cycle, a kind a write then could not make).
        try home.ok("ali", ["logout"])
        let early = try home.ok("ali", ["jot", "before any cycle"])
        let first = try home.ok("ali", ["login", "--name", "ali"])
        #expect(first.contains("note: 1 jotted note became an entry of kind note (no cycle of yours was open when jotted)"), "\(first)")
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", early, "--json"])).kind == "note")
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-04T09:00:00Z")
        try home.ok("ali", ["logout"])
        let jotted = try home.ok("ali", ["jot", "a thought on the train"])
        let login = try home.ok("ali", ["login", "--name", "ali"])
        #expect(login.contains("note: 1 jotted note became a practice entry"))
        // The id jot printed is the entry's.
        let entry = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", jotted, "--json"]))
        #expect(entry.body == "a thought on the train" && entry.kind == "practice" && entry.id.uuidString.lowercased() == jotted)
        // A text over the daemon's limit is kept, with the limit and "shorten it" (saving it again
        // as it was had failed the same way).
        let tooLong = try home.run("ali", ["write", "-"], stdin: String(repeating: "long text ", count: 120_000))
        #expect(tooLong.status != 0 && tooLong.stderr.contains("it is longer than the daemon takes (the request body is over the "
                                                               + "daemon's limit of 1048576 bytes (1 MiB)): shorten it or split it in two"),
                "\(tooLong.stderr.prefix(400))")
        for name in try FileManager.default.contentsOfDirectory(atPath: home.folder(of: "ali").path) where name.hasPrefix("tacit-unsaved-") {
            try FileManager.default.removeItem(at: home.folder(of: "ali").appendingPathComponent(name))
        }
        // A note typed into standard input while the daemon is down is kept, not dropped.
        home.stopDaemon()
        let failed = try home.run("ali", ["jot", "-"], stdin: "typed while the daemon was down\n")
        #expect(failed.status == 1 && failed.stderr.contains("no daemon"))
        let folder = home.folder(of: "ali")
        let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("tacit-unsaved-") },
                                "\(failed.stderr)")
        #expect(failed.stderr.contains("tacit jot - < \(kept)"))
        #expect(try String(contentsOf: folder.appendingPathComponent(kept), encoding: .utf8).contains("typed while the daemon was down"))
    }

    @Test func metricsVerifyIsOffline() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: true)
        // Compliance exports; a member is denied (3). A cohort of one group is too small: refused,
        // with the thresholds named.
        let refused = try home.run("ali", ["metrics", "export", "--period", "2026-02"])
        #expect(refused.status == 3)
        // The reason a member hears is their role, and nothing of the cohort's size.
        #expect(refused.stderr.contains("only compliance staff export metrics") && !refused.stderr.contains("thresholds"),
                "\(refused.stderr)")
        // A folder that is not there is said before anything is asked of the daemon (an export spends budget).
        let nowhere = try home.run("carl", ["metrics", "export", "--period", "2026-02", "--out", "nodir/feb.json"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("does not exist (nothing was exported)"), "\(nowhere.stderr)")
        // An empty group says how it fills, not a bare "members:".
        try home.ok("olivia", ["group", "create", "east"])
        #expect(try home.ok("olivia", ["group", "show", "east"]).contains("members: none yet — `tacit group add east NAME`"))
        let small = try home.run("carl", ["metrics", "export", "--period", "2026-02", "--format", "csv", "--out", "feb.csv"])
        #expect(small.status == 3 && small.stderr.contains("export-below-thresholds") && small.stderr.contains("3 groups"), "\(small.stderr)")
        // A file signed by the instance key, as the daemon signs its exports.
        let folder = home.folder(of: "carl")
        let file = folder.appendingPathComponent("feb.csv")
        try Data("period,groups\n2026-02,3\n".utf8).write(to: file)
        let raw = try Data(contentsOf: home.root.appendingPathComponent("Keys/instance.key"))
        let instanceKey = try Ed25519.PrivateKey(rawRepresentation: SecretBytes(copying: [UInt8](raw)))
        try Data(try ExportSignature.signatureFile(for: try Data(contentsOf: file), instanceKey: instanceKey))
            .write(to: folder.appendingPathComponent("feb.csv.sig"))
        let key = home.root.appendingPathComponent("Keys/instance.pub").path
        #expect(try home.ok("carl", ["metrics", "verify", "feb.csv", "--key", key]) == "valid: feb.csv is signed by the instance key in \(key)")
        // Away from the daemon's home (carl's own folder has no Keys/), the key the daemon serves.
        #expect(try home.ok("carl", ["metrics", "verify", "feb.csv"])
            == "valid: feb.csv is signed by the instance key the daemon on \(home.socket) serves")
        // A key file that is not a key is not an invalid export: said so, exit 2.
        try Data("not a key\n".utf8).write(to: folder.appendingPathComponent("notakey.pub"))
        let badKey = try home.run("carl", ["metrics", "verify", "feb.csv", "--key", "notakey.pub"])
        #expect(badKey.status == 2)
        #expect(badKey.stderr == "tacit: notakey.pub is not an instance public key (base64 of 32 bytes and a newline, "
                + "like Keys/instance.pub): nothing was verified\n")
        let missingKey = try home.run("carl", ["metrics", "verify", "feb.csv", "--key", "nowhere.pub"])
        #expect(missingKey.status == 2 && missingKey.stderr.hasPrefix("tacit: cannot read the instance key nowhere.pub"), "\(missingKey.stderr)")
        // One byte changed: invalid under either key.
        try Data("period,groups\n2026-02,4\n".utf8).write(to: file)
        for arguments in [["--key", key], []] {
            let invalid = try home.run("carl", ["metrics", "verify", "feb.csv"] + arguments)
            #expect(invalid.status == 1 && invalid.stderr.hasPrefix("tacit: INVALID: feb.csv does not match its signature"), "\(invalid.stderr)")
        }
        // No key anywhere: said, with what to do.
        home.stopDaemon()
        let noKey = try home.run("carl", ["metrics", "verify", "feb.csv"])
        #expect(noKey.status == 2 && noKey.stderr.contains("no instance key") && noKey.stderr.contains("--key"), "\(noKey.stderr)")
    }
}
