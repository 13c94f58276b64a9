import ArgumentParser
import Foundation
import TacitAPI

/// The kinds of entry a member writes.
let entryKinds = ["commitment", "practice", "reflection", "insight", "note"]

extension Tacit {
    /// `tacit write [--kind K] [--cycle C] [--topic T] [--title T] [--tag T]… [TEXT | -]`.
    struct Write: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a journal entry (text, - for standard input, or nothing for your editor).",
            discussion: """
            With no text, $VISUAL, $EDITOR or vi opens a private temporary file (0600, under \
            $XDG_RUNTIME_DIR when set) that is overwritten and removed afterwards. Its front matter \
            (title:, tags:, topic:, kind:) sets the fields. With no --kind, the kind follows your cycle's \
            phase (session 1 → commitment, practice, reflection, else note) and the editor shows that \
            phase's guiding questions; --no-template leaves it blank. Text from - may open with the \
            same front matter (flags win over it). Prints the new entry's id.

            Examples:
              tacit write "Asked Sam to run the stand-up; I stayed quiet." --title "Stand-up" --tag delegation
              echo "Noticed I interrupt when rushed" | tacit write - --kind insight
              tacit write                      # opens your editor with the phase's questions
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: ArgumentHelp("commitment, practice, reflection, insight or note (default: from the cycle's phase).", valueName: "KIND"))
        var kind: String?
        @Option(help: ArgumentHelp("The cycle (id) or group (name) to write into, for a member of several groups.", valueName: "C"))
        var cycle: String?
        @Option(help: "The entry's topic.") var topic: String?
        @Option(help: "The entry's title.") var title: String?
        @Option(name: .customLong("tag"), help: ArgumentHelp("A tag (repeat for more).", valueName: "T")) var tags: [String] = []
        @Flag(help: "Open the editor without the phase's guiding questions.") var noTemplate = false
        @Flag(help: "Print the new entry as JSON.") var json = false
        @Argument(help: "The text; - reads standard input; nothing opens your editor.") var text: [String] = []

        func validate() throws {
            if let kind, !entryKinds.contains(kind) {
                throw ValidationError("--kind must be one of \(entryKinds.joined(separator: ", "))")
            }
            if let cycle { try Arguments.checkCycle(cycle, "--cycle") }
        }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            var fields = FrontMatter(title: title ?? "", tags: tags, topic: topic ?? "", kind: kind ?? "", body: "")
            var cycleID: UUID?
            if let cycle { cycleID = try await Resolve.ownCycle(cycle, account).id }
            var fromEditor = false
            if text == ["-"] {
                let input = try Terminal.readStandardInput()
                if let (given, _) = FrontMatter.fromInput(input) {
                    // The flags given win over the text's front matter.
                    fields = FrontMatter(title: title ?? given.title, tags: tags.isEmpty ? given.tags : tags,
                                         topic: topic ?? given.topic, kind: kind ?? given.kind, body: given.body)
                    guard fields.kind.isEmpty || entryKinds.contains(fields.kind) else {
                        // Piped text may exist nowhere else: it is kept, as after any failed save.
                        let kept = try Write.kept(input, first: "correct its kind", saveWith: "tacit write -")
                        throw CLIError("kind '\(fields.kind)' is not one of \(entryKinds.joined(separator: ", ")); nothing was saved; \(kept)")
                    }
                } else {
                    fields.body = input
                }
            } else if !text.isEmpty {
                fields.body = text.joined(separator: " ")
            } else {
                fromEditor = true
                var template = ""
                var comment = "Fill in the lines below; save and quit to keep the entry, empty it to cancel."
                if kind == nil {
                    let cycles: [CycleInfo] = try await account.call(.GET, "/v1/cycles")
                    // The daemon's own choice of the cycle the entry goes to, so the kind shown is the one it gets.
                    let current = cycleID.flatMap { id in cycles.first { $0.id == id } } ?? cycles.first { $0.current == true }
                    if let current {
                        fields.kind = GuidingQuestions.kind(forPhase: current.phase)
                        comment += "\nPhase: \(current.phase) — the kind follows it unless you change it."
                        if fields.topic.isEmpty, let topics = current.topics, !topics.isEmpty {
                            comment += "\nTopics of this cycle: \(topics.joined(separator: ", "))"
                        }
                    }
                }
                if !noTemplate { template = GuidingQuestions.template(forKind: fields.kind.isEmpty ? "note" : fields.kind) }
                fields.body = template
                let edited = try Self.parseKeeping(try Editor.edit(fields.render(comment: comment)), saveWith: "tacit write -")
                if edited.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                    || edited.body.trimmingCharacters(in: .whitespacesAndNewlines) == template.trimmingCharacters(in: .whitespacesAndNewlines) {
                    throw CLIError("nothing written; nothing was saved")
                }
                guard edited.kind.isEmpty || entryKinds.contains(edited.kind) else {
                    throw CLIError("kind '\(edited.kind)' is not one of \(entryKinds.joined(separator: ", ")); nothing was saved; "
                                   + (try Self.kept(edited.render(), first: "correct its kind", saveWith: "tacit write -")))
                }
                fields = edited
            }
            guard !fields.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError("nothing to write: the text is empty", status: .usage)
            }
            let input = EntryInput(title: fields.title, body: fields.body, tags: fields.tags, topic: fields.topic,
                                   kind: fields.kind.isEmpty ? nil : fields.kind, cycle: cycleID)
            let entry: EntryResponse
            do {
                entry = try await account.call(.POST, "/v1/entries", body: input)
            } catch let error where fromEditor || text == ["-"] {
                // Never lose what was typed: without a session, keep it as a sealed jot; refused
                // or unanswered, keep it in a private file.
                if Self.isAuthentication(error) {
                    try await Self.keepAsJot(fields, account: account, because: error)
                    return
                }
                Terminal.warn(try Self.kept(fields.render(), first: Self.firstStep(after: error), saveWith: "tacit write -"))
                throw error
            }
            if json { return try JSONOutput.print(entry) }
            print(entry.id.lower)
            await Self.noteWhere(entry, topic: fields.topic, chosen: cycleID != nil, account: account)
        }

        /// What the writer may not have meant, said on standard error after the id: a topic that is
        /// not one of the cycle's topics (a typo, most often; the agenda would list it under a
        /// heading of its own), and, for a member of several groups with cycles open who named no
        /// cycle, which group's cycle the entry went to.
        static func noteWhere(_ entry: EntryResponse, topic: String, chosen: Bool, account: Authenticated) async {
            guard let cycleID = entry.cycle, !topic.isEmpty || !chosen,
                  let cycles: [CycleInfo] = try? await account.call(.GET, "/v1/cycles"),
                  let cycle = cycles.first(where: { $0.id == cycleID }) else { return }
            if !chosen, Set(cycles.filter { $0.phase != "closed" }.map(\.group)).count > 1 {
                let groups: [GroupSummary] = (try? await account.call(.GET, "/v1/groups")) ?? []
                let name = groups.first { $0.id == cycle.group }?.name ?? cycle.group.short
                Terminal.warn(DisplayText.line("note: written in \(name)'s cycle \(cycle.id.short) (\(cycle.phase)); "
                                               + "you are in more than one group: --cycle GROUP writes in another group's current cycle"))
            }
            if !topic.isEmpty, let topics = cycle.topics, !topics.isEmpty,
               !topics.contains(where: { $0.caseInsensitiveCompare(topic) == .orderedSame }) {
                Terminal.warn(DisplayText.line("note: '\(topic)' is not one of this cycle's topics (\(topics.joined(separator: ", "))); "
                                               + "the agenda will list it under a heading of its own"))
            }
        }

        /// Whether an error means the session could not be had (so the text must be kept another way).
        static func isAuthentication(_ error: any Error) -> Bool {
            if let failure = error as? DaemonFailure { return failure.status == 401 }
            if let error = error as? CLIError {
                return error.message.contains("log in") || error.message.contains("passphrase") || error.message.contains("terminal")
            }
            return false
        }

        /// Seals the text as a jot with the capture token, after asking on a terminal.
        static func keepAsJot(_ fields: FrontMatter, account: Authenticated, because error: any Error) async throws {
            let reason = (error as? DaemonFailure)?.cliError.message ?? "\(error)"
            Terminal.warn("could not save the entry: \(reason)")
            if Terminal.confirm("Keep the text as a sealed jot (it becomes a practice entry at your next login)?",
                                defaultAnswer: true) == false {
                try keepInFile(fields)
                return
            }
            let state = account.store.state()
            guard let name = state.lastName, let member = state.members[name] else {
                try keepInFile(fields)
                return
            }
            var text = fields.title.isEmpty ? "" : "# \(fields.title)\n\n"
            text += fields.body
            do {
                let created: CreatedResponse = try await account.client.call(
                    .POST, "/v1/jots", body: JotRequest(text: text, agreementKey: member.agreementKey),
                    credential: .capture(member.captureToken))
                Terminal.warn("kept as a sealed jot \(created.id.lower); it becomes a practice entry at your next login")
                throw ExitCode(1)
            } catch let failure as DaemonFailure {
                Terminal.warn("the jot failed too: \(failure.cliError.message)")
                try keepInFile(fields)
            }
        }

        /// The last resort: the text in a 0600 file in the current folder, and a warning that it is plaintext.
        static func keepInFile(_ fields: FrontMatter) throws {
            Terminal.warn(try kept(fields.render(), first: "once you can log in", saveWith: "tacit write -"))
            throw ExitCode(1)
        }

        /// The editor's text parsed; when its front matter does not parse, the text is kept as
        /// typed in a 0600 file (the editor's own file is wiped) and the error says how to save it.
        static func parseKeeping(_ text: String, saveWith command: String) throws -> FrontMatter {
            do {
                return try FrontMatter.parse(text)
            } catch let error as CLIError {
                throw CLIError("\(error.message); nothing was saved; " + (try kept(text, first: "correct its front matter", saveWith: command)))
            }
        }

        /// Keeps `text` (for an entry: front matter and text, as the editor shows them) in a new
        /// 0600 file in the current folder, and returns the sentence that says where and how to save
        /// it: do `first`, then `command < FILE`.
        /// What to do with kept text before saving it again: for a text over the daemon's limit,
        /// shorten it (the same command had failed the same way); otherwise mend what the error says.
        static func firstStep(after error: any Error) -> String {
            if let failure = error as? DaemonFailure, failure.status == 413 {
                return "it is longer than the daemon takes (\(failure.message)): shorten it or split it in two"
            }
            return "once the problem below is solved"
        }

        static func kept(_ text: String, first: String, saveWith command: String) throws -> String {
            let name = try keep(text: text)
            return "your text is in \(name) (PLAINTEXT, mode 0600): \(first), then save it with `\(command) < \(name)` and delete the file"
        }

        /// Writes `text` as it is to a new 0600 file in the current folder, and returns its name.
        static func keep(text: String) throws -> String {
            // Never over a file kept earlier in the same second.
            let stem = "tacit-unsaved-\(Int(Date().timeIntervalSince1970))"
            var name = stem + ".md"
            var number = 1
            while FileManager.default.fileExists(atPath: name) {
                number += 1
                name = "\(stem)-\(number).md"
            }
            try SessionStore.writePrivately(Data(text.utf8), to: URL(fileURLWithPath: name))
            return name
        }
    }

    /// `tacit edit ID`.
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit one of your entries in your editor (or replace its text with - from standard input).",
            discussion: """
            Text from - may open with front matter as the editor shows it (flags win over it). The edit \
            is made on the version read: if the entry changed in between, nothing is replaced, and \
            text you typed or piped in is kept in a 0600 file with the command that saves it. An edit \
            of flags only (--title, --tag, --topic, --kind) is applied to the newest version instead.

            Example:
              tacit edit 4f1c2a9e
              tacit edit 4f1c2a9e --title "Stand-up, week 2"
              tacit edit 4f1c2a9e - < revised.md
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The entry's id (or its first characters).") var id: String
        @Argument(help: "- to read the new text from standard input.") var text: [String] = []
        @Option(help: "A new title.") var title: String?
        @Option(help: "A new topic.") var topic: String?
        @Option(help: ArgumentHelp("A new kind.", valueName: "KIND")) var kind: String?
        @Option(name: .customLong("tag"), help: ArgumentHelp("Replace the tags (repeat for more).", valueName: "T")) var tags: [String] = []

        func validate() throws {
            if let kind, !entryKinds.contains(kind) {
                throw ValidationError("--kind must be one of \(entryKinds.joined(separator: ", "))")
            }
            // Words after the id had replaced the whole text: `tacit edit ID New title` lost the
            // entry's text, with nothing asked. The text comes from the editor or from `-`.
            guard text.isEmpty || text == ["-"] else {
                throw ValidationError("the new text comes from your editor (`tacit edit \(id)`) or from standard input "
                                      + "(`tacit edit \(id) - < file`), not from words after the id; nothing was changed "
                                      + "(a new title: `tacit edit \(id) --title \"…\"`)")
            }
        }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let id = try await Resolve.entry(self.id, account)
            var entry: EntryResponse = try await account.call(.GET, "/v1/entries/\(id.lower)")
            var fields = flagsApplied(to: entry)
            let flagsGiven = title != nil || topic != nil || kind != nil || !tags.isEmpty
            // Only flags (no new text): they apply as well to a version saved since (below).
            var flagsOnly = flagsGiven && text.isEmpty
            // Text typed in the editor or piped in exists nowhere else: a failed save keeps it in a file.
            var typed = false
            if text == ["-"] {
                typed = true
                let input = try Terminal.readStandardInput()
                if flagsGiven, input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    // Nothing piped but flags given: the flags are the edit (as without `-`).
                    flagsOnly = true
                } else if let (given, keys) = FrontMatter.fromInput(input) {
                    // Flags win over the front matter, and a field it leaves out stays as it was.
                    if title == nil, keys.contains("title") { fields.title = given.title }
                    if tags.isEmpty, keys.contains("tags") { fields.tags = given.tags }
                    if topic == nil, keys.contains("topic") { fields.topic = given.topic }
                    if kind == nil, keys.contains("kind"), !given.kind.isEmpty { fields.kind = given.kind }
                    // Front matter alone changes the fields it names: an empty text keeps the entry's.
                    if !given.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { fields.body = given.body }
                    if !flagsGiven, fields == flagsApplied(to: entry) {
                        print("no change")
                        return
                    }
                } else {
                    fields.body = input
                }
            } else if !flagsGiven {
                let edited = try Write.parseKeeping(try Editor.edit(fields.render()), saveWith: "tacit edit \(id.short) -")
                guard edited != fields else {
                    print("no change")
                    return
                }
                typed = true
                fields = edited
            }
            // An empty text replaces nothing: a pipe that failed upstream (or `edit ID ""`) had
            // saved an entry with no text. Deleting is `tacit delete`.
            if !flagsOnly, fields.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
               !entry.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw CLIError("nothing to save: the new text is empty and the entry is unchanged (to delete it: `tacit delete \(id.short)`)")
            }
            guard entryKinds.contains(fields.kind) else {
                let kept = typed ? "; " + (try Write.kept(fields.render(), first: "correct its kind", saveWith: "tacit edit \(id.short) -")) : ""
                throw CLIError("kind '\(fields.kind)' is not one of \(entryKinds.joined(separator: ", ")); nothing was saved\(kept)")
            }
            // Only flags: an edit that came in between is read again and the flags go on top of it
            // (a few times at most).
            for attempt in 1... {
                let input = EntryInput(title: fields.title, body: fields.body, tags: fields.tags, topic: fields.topic, kind: fields.kind)
                do {
                    // Made on the version read above: if another edit came in between, nothing is replaced.
                    let updated: EntryResponse = try await account.call(.PUT, "/v1/entries/\(id.lower)", body: input,
                                                                        headers: [("If-Match", "\"\(entry.version)\"")])
                    print("updated \(updated.id.lower) (version \(updated.version))")
                    for notice in updated.notices ?? [] { Terminal.warn("note: \(notice)") }
                    if fields.topic != entry.topic { await Write.noteWhere(updated, topic: fields.topic, chosen: true, account: account) }
                    return
                } catch let failure as DaemonFailure where flagsOnly && failure.code == "version-conflict" && attempt < 3 {
                    entry = try await account.call(.GET, "/v1/entries/\(id.lower)")
                    fields = flagsApplied(to: entry)
                } catch {
                    try keepOrExplain(error, fields: fields, typed: typed, id: id)
                }
            }
        }

        /// The entry's fields with this command's flags applied. What is kept as it was is made one
        /// line: an entry stored before the daemon refused control characters in titles, tags and
        /// topics stays editable.
        private func flagsApplied(to entry: EntryResponse) -> FrontMatter {
            FrontMatter(title: title ?? DisplayText.field(entry.title), tags: tags.isEmpty ? entry.tags.map(DisplayText.field) : tags,
                        topic: topic ?? DisplayText.field(entry.topic), kind: kind ?? entry.kind, body: entry.body)
        }

        /// After a failed save: text that exists nowhere else (`typed`) is kept in a private file
        /// with the command that saves it; a conflict says what to do. Always throws.
        private func keepOrExplain(_ error: any Error, fields: FrontMatter, typed: Bool, id: UUID) throws -> Never {
            let conflict = (error as? DaemonFailure).flatMap { $0.code == "version-conflict" ? $0.message : nil }
            guard typed else {
                if let conflict { throw CLIError("\(conflict) — run the command again to edit the newest version") }
                throw error
            }
            // An entry deleted while it was being edited cannot take the text back: it goes into a new one.
            if let failure = error as? DaemonFailure, failure.status == 404 {
                throw CLIError("the entry was deleted while you edited it; "
                               + (try Write.kept(fields.render(), first: "it can become a new entry", saveWith: "tacit write -")))
            }
            let command = "tacit edit \(id.short) -"
            if let conflict {
                throw CLIError("\(conflict); " + (try Write.kept(fields.render(), first: "see the newest with `tacit show \(id.short)`",
                                                                saveWith: command)))
            }
            Terminal.warn(try Write.kept(fields.render(), first: Write.firstStep(after: error), saveWith: command))
            throw error
        }
    }
}
