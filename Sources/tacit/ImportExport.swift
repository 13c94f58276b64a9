import ArgumentParser
import Foundation
import TacitAPI
import TacitCrypto

/// Runs `work` over `items` with at most `width` requests in flight, in order of completion.
func forEachConcurrently<Item: Sendable, Output: Sendable>(
    _ items: [Item], width: Int = 4, _ work: @escaping @Sendable (Item) async throws -> Output,
    onResult: (Output) throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Output.self) { group in
        var iterator = items.makeIterator()
        for _ in 0..<width {
            guard let item = iterator.next() else { break }
            group.addTask { try await work(item) }
        }
        while let output = try await group.next() {
            try onResult(output)
            if let item = iterator.next() { group.addTask { try await work(item) } }
        }
    }
}

extension Tacit {
    /// `tacit export --format markdown|json [--out DIR]`.
    struct ExportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export your own entries, decrypted, as Markdown files or JSON. The output is PLAINTEXT.",
            discussion: """
            Markdown: one file per entry with its front matter, in DIR (default ./tacit-export). JSON: \
            one array, in DIR/tacit-export.json (or in FILE.json when --out names one), or on standard \
            output without --out. Files are 0600 in a 0700 folder; keep them somewhere as safe as your \
            journal, or delete them. Exporting again into the same folder replaces each entry's file and \
            says how many files of an earlier export it left (entries deleted since).

            Examples:
              tacit export --format markdown --out ~/journal-backup
              tacit export --format json > journal.json
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "markdown or json.") var format: String
        @Option(help: ArgumentHelp("The folder to write into (for JSON, a FILE.json may be named instead).", valueName: "DIR"))
        var out: String?

        func validate() throws {
            guard ["markdown", "json"].contains(format) else { throw ValidationError("--format must be markdown or json") }
            // An empty name had exported into the current folder, past the check of who can read it.
            if out?.isEmpty == true { throw ValidationError("--out is empty: name a folder (for JSON, a FILE.json may be named)") }
        }

        func run() async throws {
            // A folder others can read would show them the files' names, which carry titles; checked
            // before anything is fetched. A new folder is made 0700.
            let target = out ?? "tacit-export"
            var isFile: ObjCBool = false
            if FileManager.default.fileExists(atPath: target, isDirectory: &isFile), !isFile.boolValue,
               !(format == "json" && target.hasSuffix(".json")) {
                throw CLIError("\(target) is a file, not a folder: --out names the folder to export into"
                               + (format == "json" ? " (or a FILE.json, which is replaced)" : ""), status: .usage)
            }
            if let attributes = try? FileManager.default.attributesOfItem(atPath: target),
               let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
                throw CLIError("\(target) can be read by other users (mode \(String(mode & 0o777, radix: 8))) and the exported files' "
                               + "names show your titles: export into a folder only you can open (chmod 700 \(target)), or a new one",
                               status: .usage)
            }
            // A FILE.json in a folder that does not exist fails before the journal is fetched (for a
            // long journal, minutes), not after.
            var named: ObjCBool = false
            if format == "json", target.hasSuffix(".json"),
               !(FileManager.default.fileExists(atPath: target, isDirectory: &named) && named.boolValue) {
                let parent = URL(fileURLWithPath: target).deletingLastPathComponent().path
                guard FileManager.default.fileExists(atPath: parent) else {
                    throw CLIError("cannot write \(target): the folder \(parent) does not exist")
                }
            }
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let summaries = try await Resolve.allEntries(account)
            let token = try await account.token()
            let client = account.client
            Terminal.warn("warning: the export is PLAINTEXT — anyone who can read it reads your journal")
            let progress = ProgressBar("export", total: summaries.count)
            var entries: [EntryResponse] = []
            entries.reserveCapacity(summaries.count)
            try await forEachConcurrently(summaries.map(\.id)) { id in
                try await client.call(.GET, "/v1/entries/\(id.lower)", credential: .bearer(token), as: EntryResponse.self)
            } onResult: { entry in
                entries.append(entry)
                progress.advance()
            }
            progress.finish()
            entries.sort { $0.created < $1.created }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            if format == "json" && out == nil {
                StandardOutput.write(try encoder.encode(entries) + Data("\n".utf8))
                return
            }
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isFolder)
            if format == "json" && target.hasSuffix(".json") && !(exists && isFolder.boolValue) {
                // A file named: written there (its folder must exist), not made a folder of that name.
                let file = URL(fileURLWithPath: target)
                guard FileManager.default.fileExists(atPath: file.deletingLastPathComponent().path) else {
                    throw CLIError("cannot write \(target): the folder \(file.deletingLastPathComponent().path) does not exist")
                }
                try SessionStore.writePrivately(try encoder.encode(entries) + Data("\n".utf8), to: file)
                print("exported \(entries.count.counted("entry", "entries")) to \(file.path)")
                return
            }
            let folder = URL(fileURLWithPath: target)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError("cannot create \(folder.path): \(error.localizedDescription)")
            }
            if format == "json" {
                try SessionStore.writePrivately(try encoder.encode(entries) + Data("\n".utf8),
                                                to: folder.appendingPathComponent("tacit-export.json"))
                print("exported \(entries.count.counted("entry", "entries")) to \(folder.appendingPathComponent("tacit-export.json").path)")
                return
            }
            var written = Set<String>()
            for entry in entries {
                let name = "\(DateText.day(entry.created))-\(entry.id.short)\(Self.slug(entry.title)).md"
                var text = try Self.frontMatter(entry) + entry.body
                if !text.hasSuffix("\n") { text += "\n" }
                try SessionStore.writePrivately(Data(text.utf8), to: folder.appendingPathComponent(name))
                written.insert(name)
            }
            print("exported \(entries.count.counted("entry", "entries")) to \(folder.path)/")
            // Files an earlier export wrote for entries deleted (or retitled) since stay, in plaintext:
            // nothing here deletes a file, so it is said.
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
                !written.contains($0) && Self.looksExported($0)
            }
            if !left.isEmpty {
                Terminal.warn("note: \(left.count == 1 ? "1 other entry file" : "\(left.count) other entry files") in \(folder.path) "
                              + "\(left.count == 1 ? "is" : "are") from an earlier export (entries deleted or retitled since) and "
                              + "\(left.count == 1 ? "stays" : "stay") there in plaintext until you remove \(left.count == 1 ? "it" : "them")")
            }
        }

        /// Whether `name` has the form of an exported entry's file: `YYYY-MM-DD-` and eight hex digits, `.md`.
        static func looksExported(_ name: String) -> Bool {
            let characters = Array(name)
            guard name.hasSuffix(".md"), characters.count >= 22 else { return false }
            let digits = [0, 1, 2, 3, 5, 6, 8, 9]
            return digits.allSatisfy { characters[$0].isASCII && characters[$0].isNumber }
                && [4, 7, 10].allSatisfy { characters[$0] == "-" }
                && characters[11..<19].allSatisfy(\.isHexDigit)
        }

        /// YAML front matter that Markdown tools read as written: every string double-quoted with
        /// JSON's escapes (a JSON string is a YAML double-quoted scalar), so a title such as
        /// `Week 2: feedback` stays one title instead of breaking the file's YAML.
        static func frontMatter(_ entry: EntryResponse) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            func quoted(_ text: String) throws -> String { String(decoding: try encoder.encode(text), as: UTF8.self) }
            return """
                ---
                id: \(try quoted(entry.id.lower))
                date: \(DateText.iso(entry.created))
                title: \(try quoted(entry.title))
                tags: [\(try entry.tags.map(quoted).joined(separator: ", "))]
                topic: \(try quoted(entry.topic))
                kind: \(try quoted(entry.kind))
                ---

                """
        }

        /// `-a-short-title` from a title, for file names.
        static func slug(_ title: String) -> String {
            let words = title.lowercased().split { !$0.isLetter && !$0.isNumber }.prefix(6).joined(separator: "-")
            return words.isEmpty ? "" : "-" + String(words.prefix(48))
        }
    }

    /// `tacit import jrnl|dayone|tacit FILE`.
    struct ImportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import entries from jrnl, Day One or Tacit's own JSON export into your journal, with their original dates.",
            discussion: """
            Entries keep the date they were written and their text as written. An entry your journal \
            already has — the same date, to the second, title, kind, tags and text — is left out and counted, \
            so an import run again brings in only what is new (--keep-duplicates imports them anyway). \
            They are sent in batches of up to 500, each one transaction: if the daemon refuses a batch \
            (an entry dated in the future, say), the batches before it stay imported, and the command \
            says how many and how to go on.

            Examples:
              jrnl --export json > jrnl.json && tacit import jrnl jrnl.json
              tacit import dayone Journal.json      # from inside Day One's export zip
              tacit import tacit journal.json       # made by `tacit export --format json`
            """,
            subcommands: [Jrnl.self, DayOne.self, TacitJSON.self]
        )

        /// What every importer shares: where entries go and how they are sent.
        struct Target: ParsableArguments {
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Option(help: ArgumentHelp("The kind of the imported entries (default: note; a Tacit export keeps each entry's own).",
                                       valueName: "KIND"))
            var kind: String?
            @Option(help: ArgumentHelp("The cycle (id) or group (name) to import into (default: your current cycle).", valueName: "C"))
            var cycle: String?
            @Option(help: ArgumentHelp("Leave out the first N entries of the file (those an interrupted import brought in).",
                                       valueName: "N"))
            var skip = 0
            @Flag(help: "Also import entries your journal already has (the same date, title, kind, tags and text), which are otherwise left out.")
            var keepDuplicates = false

            func validate() throws {
                if let kind, !entryKinds.contains(kind) { throw ValidationError("--kind must be one of \(entryKinds.joined(separator: ", "))") }
                if skip < 0 { throw ValidationError("--skip must be 0 or more") }
                if let cycle { try Arguments.checkCycle(cycle, "--cycle") }
            }

            /// Sends the entries in batches (`ImportBatches`), each one transaction on the daemon, with
            /// a progress bar on a terminal; reports how many were imported.
            ///
            /// - Throws: `CLIError` for entries without a usable date (before anything is sent);
            ///   the daemon's refusal of a batch, after saying how many entries went in before it.
            /// `shortened`: the entries whose title or tags were cut to fit, said before they go.
            func send(_ entries: [ImportedEntry?], source: String, shortened: [Int] = []) async throws {
                let undated = entries.indices.filter { entries[$0] == nil }
                if !undated.isEmpty {
                    throw CLIError("\(ImportCommand.entryList(undated)) of \(source) \(undated.count == 1 ? "has" : "have") no date "
                                   + "that can be read; nothing was imported")
                }
                let epoch = Date(timeIntervalSince1970: 0)
                let early = entries.indices.filter { entries[$0]!.created < epoch }
                if !early.isEmpty {
                    throw CLIError("\(ImportCommand.entryList(early)) of \(source) \(early.count == 1 ? "is" : "are") dated before 1970, "
                                   + "which Tacit cannot store; nothing was imported")
                }
                guard skip <= entries.count else {
                    throw CLIError("--skip \(skip) leaves out more entries than \(source) has (\(entries.count)); nothing was imported",
                                   status: .usage)
                }
                var prepared = entries.dropFirst(skip).map { entry -> ImportedEntry in
                    var entry = entry!
                    entry.kind = kind ?? entry.kind ?? "note"
                    return entry
                }
                // Where each entry to send is in the file, counting from 0: what messages name.
                var positions = Array(skip..<entries.count)
                guard !prepared.isEmpty else {
                    print("imported 0 entries from \(source): \(skip == 0 ? "it has none" : "all \(skip) were skipped")")
                    return
                }
                let cut = shortened.filter { $0 >= skip }
                if !cut.isEmpty {
                    Terminal.warn("note: \(ImportCommand.entryList(cut)) of \(source) \(cut.count == 1 ? "is" : "are") shortened to fit: "
                                  + "titles to 500 characters, tags to 64 characters and 50 an entry")
                }
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                var cycleID: UUID?
                if let cycle { cycleID = try await Resolve.ownCycle(cycle, account).id }
                // An import run twice (or again after an interruption) had brought everything in
                // twice: what the journal already has is left out, and said.
                if !keepDuplicates {
                    let present = try await ImportCommand.presentEntries(around: prepared, account)
                    let kept = ImportCommand.leavingOut(present, from: prepared)
                    let left = prepared.count - kept.count
                    if left > 0 {
                        Terminal.warn("left out \(left.counted("entry", "entries")) of \(source) that your journal already has "
                                      + "(the same date, title, kind, tags and text); --keep-duplicates imports \(left == 1 ? "it" : "them") too")
                    }
                    prepared = kept.map { prepared[$0] }
                    positions = kept.map { positions[$0] }
                    guard !prepared.isEmpty else {
                        print("imported 0 entries from \(source): your journal has \(left == 1 ? "it" : "all of them") already")
                        return
                    }
                }
                let progress = ProgressBar("import", total: prepared.count)
                var imported = 0
                // Interrupted (Ctrl-C, SIGTERM, a closed terminal), the batch being sent finishes and
                // the import stops there, saying how to go on: it had stopped without a word, and
                // running it again imported everything twice. A second signal stops at once.
                let interrupted = Locked<Int32?>(nil)
                let traps = SignalTraps([SIGINT, SIGTERM, SIGHUP]) { number in
                    let again = interrupted.withLock { state -> Bool in
                        defer { state = number }
                        return state != nil
                    }
                    if again {
                        Terminal.warn("\nstopped at once: the batch being sent may or may not have gone in; "
                                      + "`tacit list -n 5` shows the newest entries")
                        Glibc.exit(128 + number)
                    }
                }
                defer { traps.release() }
                /// How many entries of the file are behind once `imported` of those sent are in: the
                /// --skip that goes on from there.
                func done() -> Int { imported == 0 ? skip : positions[imported - 1] + 1 }
                do {
                    for batch in ImportBatches(prepared) {
                        if let number = interrupted.withLock({ $0 }) {
                            progress.finish()
                            let done = done()
                            Terminal.warn("interrupted: imported \(imported) of \(prepared.count) entries"
                                          + (imported > 0 ? " (entries \(skip + 1)–\(done) of \(source))" : "")
                                          + "; the same import with --skip \(done) goes on from entry \(done + 1)")
                            Glibc.exit(128 + number)
                        }
                        // Counted as each request commits: a batch split in two (413) may have its
                        // first half in when the second is refused.
                        _ = try await Self.importBatch(batch, positions: positions[batch.indices], cycle: cycleID, account,
                                                       source: source) { written in
                            progress.advance(by: written)
                            imported += written
                        }
                    }
                } catch {
                    progress.finish()
                    if imported > 0 {
                        let done = done()
                        Terminal.warn("imported \(imported) of \(prepared.count) entries (entries \(skip + 1)–\(done) of \(source)) "
                                      + "before this error; once it is fixed, the same import with --skip \(done) goes on from entry \(done + 1)")
                    } else if let refusal = error as? CLIError, refusal.message.hasPrefix(Self.refusedImport) {
                        Terminal.warn("nothing was imported: every batch is one transaction, and the first was refused; "
                                      + "once it is fixed, run the same import again")
                    }
                    throw error
                }
                progress.finish()
                print("imported \(imported.counted("entry", "entries")) from \(source), with \(imported == 1 ? "its original date" : "their original dates")")
            }

            /// How a batch the daemon refused is reported.
            static let refusedImport = "the daemon refused the import: "

            /// Sends one batch; one the daemon finds too large goes again as two halves. `positions`:
            /// where each of its entries is in the file, for messages.
            ///
            /// - Returns: how many entries were written.
            static func importBatch(_ batch: ArraySlice<ImportedEntry>, positions: ArraySlice<Int>, cycle: UUID?,
                                    _ account: Authenticated, source: String,
                                    progress: (Int) -> Void) async throws -> Int {
                do {
                    let answer: EntryImportResponse = try await account.call(
                        .POST, "/v1/entries/import", body: EntryImportRequest(entries: Array(batch), cycle: cycle))
                    progress(answer.imported)
                    return answer.imported
                } catch let failure as DaemonFailure where failure.status == 413 && batch.count > 1 {
                    let middle = batch.startIndex + batch.count / 2
                    let head = try await importBatch(batch[..<middle], positions: positions[..<middle], cycle: cycle, account,
                                                     source: source, progress: progress)
                    return head + (try await importBatch(batch[middle...], positions: positions[middle...], cycle: cycle, account,
                                                         source: source, progress: progress))
                } catch let failure as DaemonFailure where failure.status == 413 {
                    throw CLIError("entry \(positions.first! + 1) of \(source) is larger than the daemon accepts in one request")
                } catch let failure as DaemonFailure where failure.status == 400 {
                    // The daemon counts from the start of the batch; say which entry of the file it means.
                    throw CLIError(refusedImport + ImportCommand.renumbered(failure.message, positions: Array(positions), in: source))
                }
            }
        }

        struct Jrnl: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Import the output of `jrnl --export json`.",
                discussion: "Example:\n  jrnl --export json > jrnl.json\n  tacit import jrnl jrnl.json --kind note")

            @OptionGroup var target: Target
            @Argument(help: "The JSON file.") var file: String

            struct Export: Decodable {
                struct Entry: Decodable {
                    var title: String?
                    var body: String?
                    var date: String
                    var time: String?
                    var tags: [String]?
                    var starred: Bool?
                }
                /// jrnl's tag counts: present in every jrnl export (Day One's has `metadata` instead).
                var tags: [String: Int]
                var entries: [Entry]
            }

            func run() async throws {
                let export = try ImportCommand.decode(Export.self, from: file,
                                                      otherwise: "is not jrnl's JSON export (make it with `jrnl --export json`)")
                let entries = export.entries.map { entry -> ImportedEntry? in
                    var tags = (entry.tags ?? []).map { $0.hasPrefix("@") || $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }
                    if entry.starred == true { tags.append("starred") }
                    // jrnl writes the local date and time of the entry.
                    let when = [entry.date, entry.time ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
                    guard let created = try? DateText.parse(when, option: "date") else { return nil }
                    return ImportCommand.entry(title: entry.title ?? "", body: entry.body ?? "", tags: tags, created: created)
                }
                try await target.send(entries, source: file, shortened: export.entries.indices.filter {
                    ImportCommand.isShortened(title: export.entries[$0].title ?? "", tags: export.entries[$0].tags ?? [])
                })
            }
        }

        struct DayOne: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "dayone",
                abstract: "Import Day One's Journal.json (from its JSON export zip); attachments are skipped.",
                discussion: "Example:\n  unzip DayOne.zip Journal.json && tacit import dayone Journal.json")

            @OptionGroup var target: Target
            @Argument(help: "The Journal.json file.") var file: String

            struct Export: Decodable {
                struct Entry: Decodable {
                    var text: String?
                    var creationDate: String?
                    var tags: [String]?
                    var starred: Bool?
                    var photos: [JSONValue]?
                    var videos: [JSONValue]?
                    var audios: [JSONValue]?
                    var pdfAttachments: [JSONValue]?
                }
                /// Day One's export header: present in every Journal.json (a jrnl export has `tags` instead).
                var metadata: JSONValue
                var entries: [Entry]
            }

            func run() async throws {
                let export = try ImportCommand.decode(Export.self, from: file,
                                                      otherwise: "is not Day One's Journal.json (it is inside the JSON export zip)")
                var skipped = 0
                let entries = export.entries.map { entry -> ImportedEntry? in
                    skipped += (entry.photos?.count ?? 0) + (entry.videos?.count ?? 0) + (entry.audios?.count ?? 0)
                        + (entry.pdfAttachments?.count ?? 0)
                    let text = ImportCommand.plainText(entry.text ?? "")
                    var lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    var title = ""
                    if lines.count == 2, lines[0].count <= 200 {
                        title = lines[0].trimmingCharacters(in: CharacterSet(charactersIn: "# ").union(.whitespaces))
                        lines.removeFirst()
                    }
                    var tags = entry.tags ?? []
                    if entry.starred == true { tags.append("starred") }
                    guard let created = entry.creationDate.flatMap(DateText.parseISO) else { return nil }
                    return ImportCommand.entry(title: title, body: lines.joined(separator: "\n"), tags: tags, created: created)
                }
                if skipped > 0 { Terminal.warn("warning: skipped \(skipped) attachment(s): Tacit keeps text only") }
                try await target.send(entries, source: file, shortened: export.entries.indices.filter {
                    ImportCommand.isShortened(title: "", tags: export.entries[$0].tags ?? [])
                })
            }
        }

        struct TacitJSON: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "tacit",
                abstract: "Import a JSON export of Tacit (`tacit export --format json`): titles, text, tags, topics, kinds and dates.",
                discussion: """
                Moves a journal from one Tacit to another, or brings back entries deleted since the \
                export. Each entry keeps its kind unless --kind is given; it goes into your current \
                cycle (or --cycle), as the export's cycles are another instance's or over.

                Example:
                  tacit import tacit journal.json --cycle north
                """)

            @OptionGroup var target: Target
            @Argument(help: "The JSON file.") var file: String

            /// An entry as `tacit export --format json` writes it (`EntryResponse`); what is not
            /// listed here (ids, author, cycle, version) belongs to the instance that exported it.
            struct Exported: Decodable {
                var title: String
                var body: String
                var tags: [String]
                var topic: String?
                var kind: String
                /// ISO 8601, read by `DateText.parseISO` (JSONDecoder's reading rolls 2026-02-30 over
                /// into March), and said by entry when it cannot be read.
                var created: String
            }

            func run() async throws {
                let exported = try ImportCommand.decode([Exported].self, from: file,
                                                        otherwise: "is not a JSON export of Tacit (make it with `tacit export --format json`)")
                let parsed = exported.map { DateText.parseISO($0.created) }
                let undated = parsed.indices.filter { parsed[$0] == nil }
                let dates = parsed.compactMap { $0 }
                guard undated.isEmpty else {
                    throw CLIError("\(ImportCommand.entryList(undated)) of \(file) \(undated.count == 1 ? "has" : "have") no date that "
                                   + "can be read (created: '\(exported[undated[0]].created.prefix(40))'); nothing was imported")
                }
                let unknown = exported.indices.filter { !entryKinds.contains(exported[$0].kind) }
                if !unknown.isEmpty, target.kind == nil {
                    throw CLIError("\(ImportCommand.entryList(unknown)) of \(file) \(unknown.count == 1 ? "has a kind" : "have kinds") "
                                   + "Tacit does not know (\(entryKinds.joined(separator: ", "))); give --kind KIND for them all; "
                                   + "nothing was imported")
                }
                let entries = zip(exported, dates).map { item, created -> ImportedEntry? in
                    var entry = ImportCommand.entry(title: item.title, body: item.body, tags: item.tags, created: created)
                    entry.topic = String(DisplayText.field(item.topic ?? "").prefix(200))
                    entry.kind = item.kind
                    return entry
                }
                try await target.send(entries, source: file, shortened: exported.indices.filter {
                    ImportCommand.isShortened(title: exported[$0].title, tags: exported[$0].tags)
                })
            }
        }

        /// Day One's Markdown as plain text: the attachment markers `![](dayone-moment://…)` taken
        /// out (the rest of their line kept; a line that was only markers goes), and its backslash
        /// escapes (`\.` `\-` `\\`) read as the characters they escape.
        static func plainText(_ markdown: String) -> String {
            let marker = /!\[[^\]]*\]\(dayone-moment:[^)]*\)/
            let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
                let kept = line.replacing(marker, with: "")
                return kept.count < line.count && kept.allSatisfy(\.isWhitespace) ? nil : String(kept)
            }
            var out = ""
            var escaped = false
            for character in lines.joined(separator: "\n") {
                if escaped {
                    out.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    out.append(character)
                }
            }
            if escaped { out.append("\\") }
            return out
        }

        /// The export in `file`, decoded; a file that cannot be read or decoded is an error naming
        /// the file and, for the latter, `otherwise` (what it should have been).
        static func decode<Export: Decodable>(_ type: Export.Type, from file: String, decoder: JSONDecoder = JSONDecoder(),
                                              otherwise: String) throws -> Export {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file): \(Secrets.unreadable(file))") }
            do {
                return try decoder.decode(type, from: data)
            } catch {
                throw CLIError("\(file) \(otherwise)")
            }
        }

        /// An entry for the daemon, with its original date, and the title and tags made one line
        /// (a tab or a line break becomes a space, as the daemon refuses control characters there)
        /// and cut to the daemon's limits; the body is kept as written (surrounding blank lines aside).
        /// Whether `entry(title:…)` cuts this title or these tags to fit the daemon's limits.
        static func isShortened(title: String, tags: [String]) -> Bool {
            title.count > 500 || tags.contains { $0.count > 64 } || Set(tags).count > 50
        }

        static func entry(title: String, body: String, tags: [String], created: Date) -> ImportedEntry {
            let cleanTags = Array(Set(tags.map { String(DisplayText.field($0).prefix(64)) }.filter { !$0.allSatisfy(\.isWhitespace) })).sorted().prefix(50)
            return ImportedEntry(title: String(DisplayText.field(title).prefix(500)), body: body.trimmingCharacters(in: .whitespacesAndNewlines),
                                 tags: Array(cleanTags), created: created)
        }

        /// "entry 3" or "entries 3, 7, 9 and 4 more", counting from 1 as a person reads a file.
        static func entryList(_ indices: [Int]) -> String {
            let shown = indices.prefix(5).map { String($0 + 1) }.joined(separator: ", ")
            let more = indices.count > 5 ? " and \(indices.count - 5) more" : ""
            return (indices.count == 1 ? "entry " : "entries ") + shown + more
        }

        /// The daemon's message with its `entries[i]` (or `entries.[i]`), which counts from the
        /// start of a batch, turned into "entry N of FILE"; `positions` are the batch's entries'
        /// places in the file.
        static func renumbered(_ message: String, positions: [Int], in source: String) -> String {
            guard let match = message.firstMatch(of: /entries\.?\[(\d+)\]/), let index = Int(match.1),
                  positions.indices.contains(index) else { return message }
            return message.replacingCharacters(in: match.range, with: "entry \(positions[index] + 1) of \(source)")
        }

        /// What an imported entry must share with one of the journal's to be the same, besides its
        /// text: its date to the second, its title, kind and tags, as the daemon keeps them (two
        /// entries of one second with one title — jots, jrnl's minutes — are told apart by the rest).
        struct SameEntry: Hashable {
            let second: Int64
            let title: String
            let kind: String
            let tags: [String]

            /// Title and tags are made one line and cut as an import makes them (`entry(title:…)`),
            /// on both sides: a title stored with a trailing space or a tab matches its export.
            init(created: Date, title: String, kind: String, tags: [String]) {
                second = Int64(created.timeIntervalSince1970.rounded(.down))
                self.title = String(DisplayText.field(title).prefix(500))
                self.kind = kind
                self.tags = Set(tags.map { String(DisplayText.field($0).prefix(64)) }.filter { !$0.allSatisfy(\.isWhitespace) }).sorted()
            }
        }

        /// The member's entries dated between the first and the last of `entries` that match one of
        /// them by `SameEntry`, with their text: one listing of those days, then the text of those
        /// entries only (an import run again fetches each entry it finds; a new one, none).
        static func presentEntries(around entries: [ImportedEntry], _ account: Authenticated) async throws -> [SameEntry: [String]] {
            guard let first = entries.map(\.created).min(), let last = entries.map(\.created).max() else { return [:] }
            let listed = try await Resolve.allEntries(account, query: [("since", DateText.iso(first.addingTimeInterval(-1))),
                                                                       ("until", DateText.iso(last.addingTimeInterval(1)))])
            let wanted = Set(entries.map { SameEntry(created: $0.created, title: $0.title, kind: $0.kind ?? "note", tags: $0.tags) })
            let candidates = listed.filter { wanted.contains(SameEntry(created: $0.created, title: $0.title, kind: $0.kind, tags: $0.tags)) }
            guard !candidates.isEmpty else { return [:] }
            let token = try await account.token()
            let client = account.client
            var present: [SameEntry: [String]] = [:]
            try await forEachConcurrently(candidates.map(\.id)) { id in
                try await client.call(.GET, "/v1/entries/\(id.lower)", credential: .bearer(token), as: EntryResponse.self)
            } onResult: { entry in
                present[SameEntry(created: entry.created, title: entry.title, kind: entry.kind, tags: entry.tags), default: []]
                    .append(sameText(entry.body))
            }
            return present
        }

        /// A text as compared: line ends as LF, without the blank lines and spaces around it that an
        /// import trims.
        static func sameText(_ text: String) -> String {
            text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// The indices of `entries` to send: each entry of the journal accounts for one entry of the
        /// file that is the same, text included (two such entries in the file and one in the
        /// journal: one is sent).
        static func leavingOut(_ present: [SameEntry: [String]], from entries: [ImportedEntry]) -> [Int] {
            var unmatched = present
            return entries.indices.filter { index in
                let entry = entries[index]
                let key = SameEntry(created: entry.created, title: entry.title, kind: entry.kind ?? "note", tags: entry.tags)
                guard let position = unmatched[key]?.firstIndex(of: sameText(entry.body)) else { return true }
                unmatched[key]?.remove(at: position)
                return false
            }
        }
    }
}
