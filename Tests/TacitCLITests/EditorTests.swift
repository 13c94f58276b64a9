import Foundation
import TacitAPI
import TacitCrypto
import Testing

/// `tacit write` with no text: the editor on a private file, the phase's questions, front matter,
/// and nothing left behind.
@Suite struct EditorTests {
    /// A fake `$EDITOR`: records the file's mode and the text it was given, then writes an entry.
    static func fakeEditor(in folder: URL, writing text: String, alsoRunning extra: String = "") throws -> URL {
        let script = folder.appendingPathComponent("fake-editor.sh")
        let body = """
            #!/bin/sh
            stat -c %a "$1" > "\(folder.path)/seen-mode"
            dirname "$1" > "\(folder.path)/seen-folder"
            cp "$1" "\(folder.path)/seen-template"
            \(extra)
            cat > "$1" <<'ENTRY'
            \(text)
            ENTRY
            """
        try Data(body.utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        return script
    }

    @Test func theEditorShowsThePhaseQuestionsAndLeavesNoPlaintext() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali", "bea", "cal", "dee"], compliance: false)
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06", "--topic", "Delegation"])
        try home.setTime("2026-03-02T10:00:00Z")
        let canary = "CANARY-\(UUID().uuidString)"
        let side = try home.sideFolder("editor-side")
        let editor = try Self.fakeEditor(in: side, writing: """
            ---
            title: Hand over the report
            tags: delegation, reports
            topic: Delegation
            ---
            I will not rewrite Sam's report. \(canary)
            """)
        let id = try home.ok("ali", ["write"], environment: ["EDITOR": editor.path])
        #expect(UUID(uuidString: id) != nil)

        // The file was private, in a private folder under XDG_RUNTIME_DIR, with session 1's questions.
        #expect(try String(contentsOf: side.appendingPathComponent("seen-mode"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "600")
        let folder = try String(contentsOf: side.appendingPathComponent("seen-folder"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(folder.hasPrefix(home.folder(of: "ali").appendingPathComponent("run").path))
        let template = try String(contentsOf: side.appendingPathComponent("seen-template"), encoding: .utf8)
        #expect(template.contains("What behaviour will I practise?"))
        #expect(template.contains("How will I know it worked?"))
        #expect(template.contains("kind: commitment"))

        let entry = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(entry.title == "Hand over the report")
        #expect(entry.tags == ["delegation", "reports"])
        #expect(entry.topic == "Delegation")
        #expect(entry.kind == "commitment")
        #expect(entry.body.contains(canary))

        // Nothing readable left anywhere in the temporary home (the database holds ciphertext only).
        #expect(!FileManager.default.fileExists(atPath: folder))
        // (The fake editor's own folder holds the script that typed the canary; it is not Tacit's.)
        for file in CLIHarness.files(under: home.root) where !file.path.hasPrefix(side.path) {
            let bytes = (try? Data(contentsOf: file)) ?? Data()
            #expect(bytes.range(of: Data(canary.utf8)) == nil, "plaintext left in \(file.path)")
        }

        // --no-template: a blank body; in practice the questions change.
        try home.setTime("2026-03-10T10:00:00Z")
        _ = try home.ok("ali", ["write", "--no-template"], environment: ["EDITOR": editor.path])
        #expect(!(try String(contentsOf: side.appendingPathComponent("seen-template"), encoding: .utf8)).contains("##"))
        _ = try home.ok("ali", ["write"], environment: ["EDITOR": editor.path])
        #expect(try String(contentsOf: side.appendingPathComponent("seen-template"), encoding: .utf8).contains("What did I try?"))
    }

    /// On the day one cycle's session 2 closes it and the next cycle's session 1 opens, after the
    /// new session 1 began: the editor shows the cycle and kind the entry gets (the new cycle's
    /// commitment), as the daemon chooses them — it had shown the closing cycle's, and the kind it
    /// wrote into the front matter was sent as chosen.
    @Test func theEditorShowsTheCycleTheEntryGoesTo() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali", "bea", "cal", "dee"], compliance: false)
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06 09:00"])
        let next = try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-04-06 14:00", "--session2", "2026-05-11"])
        try home.setTime("2026-04-06T15:00:00Z")
        let cycles = try CLIHarness.decode([CycleInfo].self, try home.ok("ali", ["cycle", "list", "--json"]))
        #expect(cycles.filter { $0.current == true }.map { $0.id.uuidString.lowercased() } == [next])
        let side = try home.sideFolder("editor-side")
        let editor = try Self.fakeEditor(in: side, writing: "A commitment for the new cycle.", alsoRunning: "")
        // The fake editor replaces the whole file, front matter included: the kind is the daemon's.
        let id = try home.ok("ali", ["write"], environment: ["EDITOR": editor.path])
        let template = try String(contentsOf: side.appendingPathComponent("seen-template"), encoding: .utf8)
        #expect(template.contains("kind: commitment") && template.contains("Phase: session-1"), "\(template)")
        let entry = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(entry.cycle?.uuidString.lowercased() == next && entry.kind == "commitment")
    }

    /// A line an editor adds at the end of the file starts a line of its own: the file ends with a
    /// line break (the line had been glued to the text's last word), which is not saved as text.
    @Test func aLineAddedAtTheEndStartsItsOwnLine() throws {
        let home = try CLIHarness.inPractice()
        let id = try home.ok("ali", ["write", "--title", "Standup", "Let Sam run it."]).trimmingCharacters(in: .whitespacesAndNewlines)
        let side = try home.sideFolder("editor-append")
        let editor = side.appendingPathComponent("append.sh")
        try Data("#!/bin/sh\necho 'He did.' >> \"$1\"\n".utf8).write(to: editor)
        chmod(editor.path, 0o755)
        try home.ok("ali", ["edit", id], environment: ["EDITOR": editor.path])
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"])).body == "Let Sam run it.\nHe did.")
        // An editor that changes nothing saves nothing.
        #expect(try home.ok("ali", ["edit", id], environment: ["EDITOR": "true"]).contains("no change"))
        // No editor chosen and no terminal (a script, a pipe): vi is not started — it hung with
        // standard input closed — and the command says how to give the text.
        for arguments in [["write"], ["edit", id]] {
            let refused = try home.run("ali", arguments, environment: ["EDITOR": ""])
            #expect(refused.status == 2 && refused.stderr.contains("no text was given and there is no terminal for an editor"),
                    "\(arguments): \(refused.stderr)")
        }
    }

    @Test func anEmptyEditorSavesNothing() throws {
        let home = try CLIHarness.inPractice()
        let side = try home.sideFolder()
        let editor = try Self.fakeEditor(in: side, writing: "")
        let result = try home.run("ali", ["write"], environment: ["EDITOR": editor.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nothing was saved"))
        #expect(try home.ok("ali", ["list"]).contains("no entries"))
        // An editor that fails saves nothing either.
        let failing = try home.run("ali", ["write"], environment: ["EDITOR": "false"])
        #expect(failing.status == 1)
    }

    @Test func aSessionThatEndsWhileTheEditorIsOpenIsRenewed() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("ali", ["login", "--name", "ali"])
        let side = try home.sideFolder()
        // The editor stays open for a day (the clock moves past the idle limit).
        let editor = try Self.fakeEditor(in: side, writing: "Written slowly.",
                                         alsoRunning: "echo 2026-03-11T10:00:00Z > \(home.clock.path)")
        let id = try home.ok("ali", ["write"], environment: ["EDITOR": editor.path])
        #expect(try home.ok("ali", ["show", id]).contains("Written slowly."))
    }

    @Test func writeFromStandardInput() throws {
        let home = try CLIHarness.inPractice()
        let id = try home.ok("ali", ["write", "-", "--title", "From a pipe", "--kind", "insight"], stdin: "line one\nline two\n")
        let entry = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(entry.body == "line one\nline two\n")
        #expect(entry.kind == "insight")
        #expect(try home.run("ali", ["write", "-"], stdin: "  \n").status == 2)

        // Piped text may open with the editor's front matter; the flags win over it.
        let fronted = try home.ok("ali", ["write", "-", "--kind", "insight"],
                                  stdin: "---\ntitle: Piped\ntags: a, b\nkind: practice\n---\nthe text\n")
        let parsed = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", fronted, "--json"]))
        #expect(parsed.title == "Piped" && parsed.tags == ["a", "b"] && parsed.kind == "insight" && parsed.body == "the text\n")
        // A text that only looks like front matter (a Markdown rule, then prose) is kept whole.
        let markdown = "---\nToday I tried: silence\n---\nIt worked.\n"
        let whole = try home.ok("ali", ["write", "-"], stdin: markdown)
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", whole, "--json"])).body == markdown)
    }

    /// Text piped into `edit ID -` replaces only what it gives: an empty pipe (a command upstream
    /// that failed) or an empty text saves nothing, a front matter that names some fields leaves
    /// the others (and, with no text after it, the text) as they were, and a piped write whose
    /// front matter is refused keeps its text.
    @Test func anEditFromAPipeReplacesOnlyWhatItGives() throws {
        let home = try CLIHarness.inPractice()
        let id = try home.ok("ali", ["write", "Let Sam run it.", "--title", "Standup", "--topic", "Delegation", "--tag", "delegation"])
        for stdin in ["", " \n"] {
            let empty = try home.run("ali", ["edit", id, "-"], stdin: stdin)
            #expect(empty.status == 1 && empty.stderr.contains("nothing to save: the new text is empty"), "\(empty.stderr)")
        }
        // Words after the id are not the new text (they had replaced it all: `edit ID New title`).
        for words in [[""], ["New", "title"], ["-", "more"]] {
            let refused = try home.run("ali", ["edit", id] + words)
            #expect(refused.status == 2 && refused.stderr.contains("not from words after the id; nothing was changed"),
                    "\(words): \(refused.stderr)")
        }
        // Nothing piped, a flag given: the flag is the edit, and the text stays.
        try home.ok("ali", ["edit", id, "-", "--tag", "delegation", "--tag", "stand-up"], stdin: "")
        let flagged = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(Set(flagged.tags) == ["delegation", "stand-up"] && flagged.body == "Let Sam run it.", "\(flagged)")
        try home.ok("ali", ["edit", id, "--tag", "delegation"])
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"])).body == "Let Sam run it.")
        try home.ok("ali", ["edit", id, "-"], stdin: "---\ntitle: Standup, week 2\n---\nHe ran it.\n")
        let edited = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(edited.title == "Standup, week 2" && edited.body == "He ran it.\n")
        #expect(edited.topic == "Delegation" && edited.tags == ["delegation"], "\(edited)")
        // Front matter with no text changes what it names and keeps the text; naming nothing new is no change.
        try home.ok("ali", ["edit", id, "-"], stdin: "---\ntitle: Standup, week 3\n---\n")
        let retitled = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(retitled.title == "Standup, week 3" && retitled.body == "He ran it.\n", "\(retitled)")
        #expect(try home.ok("ali", ["edit", id, "-"], stdin: "---\ntitle: Standup, week 3\n---\n").contains("no change"))
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"])).version == retitled.version)
        // Tags are a set: the same ones in another order are no change either.
        try home.ok("ali", ["edit", id, "-"], stdin: "---\ntags: delegation, feedback\n---\n")
        let tagged = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(Set(tagged.tags) == ["delegation", "feedback"] && tagged.version > retitled.version, "\(tagged)")
        #expect(try home.ok("ali", ["edit", id, "-"], stdin: "---\ntags: feedback, delegation\n---\n").contains("no change"))
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"])).version == tagged.version)

        let refused = try home.run("ali", ["write", "-"], stdin: "---\ntitle: Piped\nkind: bogus\n---\nKept somewhere.\n")
        #expect(refused.status == 1 && refused.stderr.contains("kind 'bogus'") && refused.stderr.contains("tacit write - < tacit-unsaved-"),
                "\(refused.stderr)")
        let folder = home.folder(of: "ali")
        let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("tacit-unsaved-") })
        #expect(try String(contentsOf: folder.appendingPathComponent(kept), encoding: .utf8).contains("Kept somewhere."))
    }

    /// A command terminated or hung up on (a closed terminal) while its editor is open stops the
    /// editor and wipes the temporary file before it exits: the text had stayed on disk in plaintext.
    @Test(arguments: [SIGTERM, SIGHUP]) func aSignalWhileEditingLeavesNoPlaintext(_ number: Int32) throws {
        let home = try CLIHarness.inPractice()
        let side = try home.sideFolder()
        let editor = side.appendingPathComponent("slow-editor.sh")
        try Data("#!/bin/sh\necho 'PLAINTEXT-CANARY typed so far' >> \"$1\"\ntouch \"\(side.path)/editing\"\nsleep 30\n".utf8).write(to: editor)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: editor.path)
        let writing = try home.spawn("ali", ["write"], environment: ["EDITOR": editor.path])
        let started = Date()
        while !FileManager.default.fileExists(atPath: side.appendingPathComponent("editing").path), Date().timeIntervalSince(started) < 20 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let runtime = home.folder(of: "ali").appendingPathComponent("run")
        #expect(try FileManager.default.contentsOfDirectory(atPath: runtime.path).contains { $0.hasPrefix("tacit-edit-") })
        writing.send(number)
        let end = writing.wait()
        #expect(end == .exited(128 + number), "\(end)")
        let left = try FileManager.default.contentsOfDirectory(atPath: runtime.path).filter { $0.hasPrefix("tacit-edit-") }
        #expect(left.isEmpty, "\(left)")
    }

    /// An entry deleted from another terminal while it was open in the editor: the text is kept and
    /// the way to save it is a new entry (`tacit write -`), not an edit of one that is gone.
    @Test func anEntryDeletedWhileEditedKeepsTheTextForANewEntry() throws {
        let home = try CLIHarness.inPractice()
        let id = try home.ok("ali", ["write", "--title", "Doomed", "first text"])
        let side = try home.sideFolder()
        let editor = try Self.fakeEditor(in: side, writing: "---\ntitle: Doomed\ntags:\ntopic:\nkind: practice\n---\nRewritten at length.",
                                         alsoRunning: "\"\(CLIHarness.binary.path)\" delete --yes \(id) >/dev/null")
        let edited = try home.run("ali", ["edit", id], environment: ["EDITOR": editor.path])
        #expect(edited.status == 1 && edited.stderr.contains("the entry was deleted while you edited it")
                && edited.stderr.contains("tacit write - < tacit-unsaved-") && !edited.stderr.contains("tacit edit"), "\(edited.stderr)")
    }

    /// A write refused after a long time in the editor (here the cycle ended meanwhile) keeps the
    /// text in a private file, which `tacit write -` saves as it was.
    @Test func aRefusedWriteKeepsWhatWasTyped() throws {
        let home = try CLIHarness.inPractice()
        let side = try home.sideFolder()
        let editor = try Self.fakeEditor(in: side, writing: "---\ntitle: Late\ntags:\ntopic:\nkind: reflection\n---\nWritten over weeks.",
                                         alsoRunning: "echo 2026-09-01T10:00:00Z > \(home.clock.path)")
        let refused = try home.run("ali", ["write"], environment: ["EDITOR": editor.path])
        #expect(refused.status != 0)
        let folder = home.folder(of: "ali")
        let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("tacit-unsaved-") },
                                "\(refused.stderr)")
        #expect(refused.stderr.contains("tacit write - < \(kept)"))
        let text = try String(contentsOf: folder.appendingPathComponent(kept), encoding: .utf8)
        #expect(text.contains("Written over weeks."))
        // A second refusal (most often in the same second) keeps its text beside the first.
        #expect(try home.run("ali", ["write", "-"], stdin: "Second thoughts.\n").status != 0)
        let keptFiles = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("tacit-unsaved-") }
        #expect(keptFiles.count == 2)
        #expect(try String(contentsOf: folder.appendingPathComponent(kept), encoding: .utf8) == text)
        // In the next cycle it is saved as typed: title and kind from its front matter.
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-09-07", "--session2", "2026-10-05"])
        try home.setTime("2026-09-08T10:00:00Z")
        let id = try home.ok("ali", ["write", "-"], stdin: text)
        let saved = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(saved.title == "Late" && saved.kind == "reflection" && saved.body.hasPrefix("Written over weeks."))
    }

    /// A front matter the CLI cannot read (an unknown key, a kind that does not exist) saves
    /// nothing, and keeps what was typed in a 0600 file the message names.
    @Test func aFrontMatterThatDoesNotParseKeepsTheText() throws {
        let home = try CLIHarness.inPractice()
        let folder = home.folder(of: "ali")
        for (index, (front, problem)) in [("mood: good", "unknown key 'mood'"), ("kind: diary", "kind 'diary'")].enumerated() {
            let side = try home.sideFolder("side\(index)")
            let typed = "---\ntitle: Long one\n\(front)\n---\nAn hour of writing, number \(index)."
            let editor = try Self.fakeEditor(in: side, writing: typed)
            let refused = try home.run("ali", ["write"], environment: ["EDITOR": editor.path])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(problem) && refused.stderr.contains("nothing was saved"), "\(refused.stderr)")
            let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .first { $0.hasPrefix("tacit-unsaved-") && refused.stderr.contains($0) }, "\(refused.stderr)")
            #expect(refused.stderr.contains("tacit write - < \(kept)"))
            #expect(try String(contentsOf: folder.appendingPathComponent(kept), encoding: .utf8).contains("An hour of writing, number \(index)."))
        }
        #expect(try home.ok("ali", ["list"]).contains("no entries yet"))
    }

    /// Two terminals edit one entry: the later save replaces nothing, and its text is kept in a
    /// private file that `tacit edit ID -` saves once the newer version has been seen.
    @Test func anEditOverAnotherEditLosesNeither() throws {
        let home = try CLIHarness.inPractice()
        let id = try home.ok("ali", ["write", "-", "--title", "Plan"], stdin: "first\n")
        let side = try home.sideFolder()
        // While the editor is open, the laptop saves a new version of the entry.
        let editor = try Self.fakeEditor(
            in: side, writing: "---\ntitle: Plan\ntags: desk\ntopic:\nkind: practice\n---\nfrom the desktop",
            alsoRunning: "echo 'from the laptop' | '\(CLIHarness.binary.path)' edit \(id) - > /dev/null")
        let refused = try home.run("ali", ["edit", id], environment: ["EDITOR": editor.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("changed after version 1 was read") && refused.stderr.contains("version 2"), "\(refused.stderr)")
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"])).body == "from the laptop\n")
        // The desktop's text waits in a 0600 file in the current folder, named in the message.
        let folder = home.folder(of: "ali")
        let kept = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("tacit-unsaved-") })
        #expect(refused.stderr.contains("tacit edit \(id.prefix(8)) - < \(kept)"))
        let file = folder.appendingPathComponent(kept)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("from the desktop"))
        // Saving it as the message says keeps its front matter as fields, not as text.
        try home.ok("ali", ["edit", id, "-"], stdin: text)
        let saved = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(saved.body.hasPrefix("from the desktop") && saved.tags == ["desk"] && saved.title == "Plan" && saved.version == 3)
    }

    /// An edit of flags only has no text to lose: when another edit is saved between its read and
    /// its write, it reads the newest version and puts its flags on that, replacing nothing.
    @Test func aFlagsOnlyEditGoesOnTopOfAnEditSavedMeanwhile() throws {
        let home = try CLIHarness.inPractice()
        let id = try home.ok("ali", ["write", "-", "--title", "Plan", "--tag", "desk"], stdin: "first\n")
        // The laptop's edit lands exactly between the command's read and its write.
        let laptop = Locked<CLIHarness.Run?>(nil)
        let relay = try InterposingRelay(at: home.root.appendingPathComponent("relay.sock").path, to: home.socket,
                                         before: "PUT /v1/entries/") {
            laptop.withLock { $0 = try? home.run("ali", ["edit", id, "-"], stdin: "from the laptop\n") }
        }
        defer { relay.stop() }
        let throughRelay = ["TACIT_SOCKET": relay.path]
        try home.ok("ali", ["login", "--name", "ali"], environment: throughRelay)
        let renamed = try home.run("ali", ["edit", id, "--title", "Plan B"], environment: throughRelay)
        #expect(relay.didInterpose && laptop.withLock { $0?.status } == 0)
        #expect(renamed.status == 0 && renamed.stdout.contains("(version 3)"), "\(renamed.stdout) \(renamed.stderr)")
        let saved = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"]))
        #expect(saved.title == "Plan B" && saved.body == "from the laptop\n" && saved.tags == ["desk"] && saved.version == 3)
    }
}
