import ArgumentParser
import Foundation
import TacitAPI

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
            one array, in DIR/tacit-export.json, or on standard output without --out. Files are 0600 in \
            a 0700 folder; keep them somewhere as safe as your journal, or delete them.

            Examples:
              tacit export --format markdown --out ~/journal-backup
              tacit export --format json > journal.json
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "markdown or json.") var format: String
        @Option(help: ArgumentHelp("The folder to write into.", valueName: "DIR")) var out: String?

        func validate() throws {
            guard ["markdown", "json"].contains(format) else { throw ValidationError("--format must be markdown or json") }
        }

        func run() async throws {
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
                FileHandle.standardOutput.write(try encoder.encode(entries) + Data("\n".utf8))
                return
            }
            let folder = URL(fileURLWithPath: out ?? "tacit-export")
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError("cannot create \(folder.path): \(error.localizedDescription)")
            }
            if format == "json" {
                try SessionStore.writePrivately(try encoder.encode(entries) + Data("\n".utf8),
                                                to: folder.appendingPathComponent("tacit-export.json"))
                print("exported \(entries.count) entries to \(folder.appendingPathComponent("tacit-export.json").path)")
                return
            }
            for entry in entries {
                let name = "\(DateText.day(entry.created))-\(entry.id.short)\(Self.slug(entry.title)).md"
                var text = "---\nid: \(entry.id.lower)\ndate: \(DateText.iso(entry.created))\n"
                text += FrontMatter(title: entry.title, tags: entry.tags, topic: entry.topic, kind: entry.kind, body: "")
                    .render().dropFirst(4)
                text += entry.body
                if !text.hasSuffix("\n") { text += "\n" }
                try SessionStore.writePrivately(Data(text.utf8), to: folder.appendingPathComponent(name))
            }
            print("exported \(entries.count) entries to \(folder.path)/")
        }

        /// `-a-short-title` from a title, for file names.
        static func slug(_ title: String) -> String {
            let words = title.lowercased().split { !$0.isLetter && !$0.isNumber }.prefix(6).joined(separator: "-")
            return words.isEmpty ? "" : "-" + String(words.prefix(48))
        }
    }

    /// `tacit import jrnl|dayone FILE`.
    struct ImportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import entries from jrnl or Day One exports into your journal.",
            discussion: """
            Examples:
              jrnl --export json > jrnl.json && tacit import jrnl jrnl.json
              tacit import dayone Journal.json      # from inside Day One's export zip
            """,
            subcommands: [Jrnl.self, DayOne.self]
        )

        /// What both importers share: where entries go and how they are sent.
        struct Target: ParsableArguments {
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Option(help: ArgumentHelp("The kind of the imported entries.", valueName: "KIND")) var kind = "note"
            @Option(help: ArgumentHelp("The cycle (id) or group (name) to import into (default: your current cycle).", valueName: "C"))
            var cycle: String?

            func validate() throws {
                if !entryKinds.contains(kind) { throw ValidationError("--kind must be one of \(entryKinds.joined(separator: ", "))") }
            }

            /// Sends the entries, four at a time, with a progress bar on a terminal.
            func send(_ inputs: [EntryInput], source: String) async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                var cycleID: UUID?
                if let cycle { cycleID = try await Resolve.cycle(cycle, account).id }
                let token = try await account.token()
                let client = account.client
                let prepared = inputs.map { input -> EntryInput in
                    var input = input
                    input.kind = kind
                    input.cycle = cycleID
                    return input
                }
                let progress = ProgressBar("import", total: prepared.count)
                var imported = 0
                try await forEachConcurrently(prepared, width: 8) { input in
                    _ = try await client.send(.POST, "/v1/entries", body: input, credential: .bearer(token))
                } onResult: { _ in
                    imported += 1
                    progress.advance()
                }
                progress.finish()
                print("imported \(imported) entries from \(source)")
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
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
                let export: Export
                do {
                    export = try JSONDecoder().decode(Export.self, from: data)
                } catch {
                    throw CLIError("\(file) is not jrnl's JSON export (make it with `jrnl --export json`)")
                }
                let inputs = export.entries.map { entry -> EntryInput in
                    var tags = (entry.tags ?? []).map { $0.hasPrefix("@") || $0.hasPrefix("#") ? String($0.dropFirst()) : $0 }
                    if entry.starred == true { tags.append("starred") }
                    let when = [entry.date, entry.time ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
                    return ImportCommand.input(title: entry.title ?? "", body: entry.body ?? "", tags: tags,
                                               origin: when.isEmpty ? "jrnl" : "jrnl, written \(when)")
                }
                try await target.send(inputs, source: file)
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
                var entries: [Entry]
            }

            func run() async throws {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
                let export: Export
                do {
                    export = try JSONDecoder().decode(Export.self, from: data)
                } catch {
                    throw CLIError("\(file) is not Day One's Journal.json (it is inside the JSON export zip)")
                }
                var skipped = 0
                let inputs = export.entries.map { entry -> EntryInput in
                    skipped += (entry.photos?.count ?? 0) + (entry.videos?.count ?? 0) + (entry.audios?.count ?? 0)
                        + (entry.pdfAttachments?.count ?? 0)
                    // Day One marks attachments in the text as ![](dayone-moment://…): drop the markers.
                    let text = (entry.text ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                        .filter { !$0.contains("](dayone-moment:") }.joined(separator: "\n")
                        .replacingOccurrences(of: "\\", with: "")
                    var lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    var title = ""
                    if lines.count == 2, lines[0].count <= 200 {
                        title = lines[0].trimmingCharacters(in: CharacterSet(charactersIn: "# ").union(.whitespaces))
                        lines.removeFirst()
                    }
                    var tags = entry.tags ?? []
                    if entry.starred == true { tags.append("starred") }
                    let when = entry.creationDate.flatMap(DateText.parseISO).map(DateText.minute)
                    return ImportCommand.input(title: title, body: lines.joined(separator: "\n"), tags: tags,
                                               origin: when.map { "Day One, written \($0)" } ?? "Day One")
                }
                if skipped > 0 { Terminal.warn("warning: skipped \(skipped) attachment(s): Tacit keeps text only") }
                try await target.send(inputs, source: file)
            }
        }

        /// An entry for the daemon, with the original date noted at the end of the body (the API
        /// takes no creation date yet) and tags cut to the daemon's limits.
        static func input(title: String, body: String, tags: [String], origin: String) -> EntryInput {
            let cleanTags = Array(Set(tags.map { String($0.prefix(64)) }.filter { !$0.isEmpty })).sorted().prefix(50)
            var text = body.trimmingCharacters(in: .whitespacesAndNewlines)
            text += (text.isEmpty ? "" : "\n\n") + "_(imported from \(origin))_"
            return EntryInput(title: String(title.prefix(500)), body: text, tags: Array(cleanTags))
        }
    }
}
