import ArgumentParser
import Foundation
import TacitAPI
import TacitVault

/// `--since`, `--until`, `--kind`, `--tag`, `--cycle`: the filters of `list` and `search`.
struct EntryFilters: ParsableArguments {
    @Option(help: ArgumentHelp("Only entries written on or after DATE (YYYY-MM-DD).", valueName: "DATE")) var since: String?
    @Option(help: ArgumentHelp("Only entries written on or before DATE (YYYY-MM-DD).", valueName: "DATE")) var until: String?
    @Option(help: ArgumentHelp("Only entries of this kind.", valueName: "KIND")) var kind: String?
    @Option(help: ArgumentHelp("Only entries with this tag.", valueName: "T")) var tag: String?
    @Option(help: ArgumentHelp("Only entries of this cycle (id, or a group's name for its current cycle).", valueName: "C")) var cycle: String?
    @Option(help: ArgumentHelp("Only entries of this group, in all its cycles (name or id).", valueName: "G")) var group: String?

    func validate() throws {
        if let kind, !entryKinds.contains(kind) { throw ValidationError("--kind must be one of \(entryKinds.joined(separator: ", "))") }
        if let cycle { try Arguments.checkCycle(cycle, "--cycle") }
        if let group { try Arguments.checkGroup(group, "--group") }
        let since = try sinceDate(), until = try untilDate()
        if let since, let until, since > until {
            throw ValidationError("--since \(self.since ?? "") is after --until \(self.until ?? ""): no entry can match")
        }
    }

    func sinceDate() throws -> Date? { try since.map { try DateText.parse($0, option: "--since") } }

    /// The end of `--until`: a day means the whole day.
    func untilDate() throws -> Date? {
        try until.map { try DateText.parseEnd($0, option: "--until") }
    }

    /// The query parameters for the daemon.
    func query(_ account: Authenticated) async throws -> [(String, String)] {
        var query: [(String, String)] = []
        if let since = try sinceDate() { query.append(("since", DateText.iso(since))) }
        if let until = try untilDate() { query.append(("until", DateText.iso(until))) }
        if let kind { query.append(("kind", kind)) }
        if let tag { query.append(("tag", tag)) }
        if let cycle { query.append(("cycle", try await Resolve.cycle(cycle, account).id.lower)) }
        if let group {
            // The daemon filters by id; a name (or prefix) is resolved as every command resolves it.
            let found = try await Resolve.group(group, account)
            let groups: [GroupSummary] = try await account.call(.GET, "/v1/groups")
            guard let id = groups.first(where: { $0.id.lower == found.reference.lowercased() || $0.name == found.name })?.id else {
                throw CLIError("not found: no group \(group) — see `tacit group list`")
            }
            query.append(("group", id.lower))
        }
        return query
    }
}

/// The table of entries that `list` and `search` print.
func printEntries(_ entries: [EntrySummary], json: Bool, empty: String) throws {
    if json { return try JSONOutput.print(entries) }
    var table = Table("ID", "DATE", "KIND", "TITLE", "SHARED", "TAGS")
    for entry in entries {
        table.add(entry.id.short, DateText.minute(entry.created), entry.kind, entry.title.isEmpty ? "(untitled)" : entry.title,
                  entry.shared ? "shared" : "-", entry.tags.joined(separator: ", "))
    }
    table.print(empty: empty)
}

extension Tacit {
    /// `tacit list`.
    struct List: AsyncParsableCommand {
        /// How many entries `tacit list` shows without `--limit` or `--all`: a screenful or two,
        /// fetched in one request however long the journal is.
        static let defaultLimit = 50

        static let configuration = CommandConfiguration(
            abstract: "List your entries, newest first (the newest \(defaultLimit) unless told otherwise).",
            discussion: """
            Without --limit or --all, the newest \(defaultLimit) entries that match are shown, and a line on \
            standard error says how many more there are. --all fetches every one (a long journal takes \
            a few requests). --json prints the same entries as JSON.

            Examples:
              tacit list
              tacit list -n 200
              tacit list --kind practice --since 2026-03-01
              tacit list --all --json > entries.json
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var filters: EntryFilters
        @Option(name: [.customShort("n"), .long], help: "Show the newest N entries (default \(defaultLimit)).") var limit: Int?
        @Flag(help: "Show every entry.") var all = false
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if all && limit != nil { throw ValidationError("give --limit N or --all, not both") }
        }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let query = try await filters.query(account)
            let listed = try await Resolve.newestEntries(account, query: query, limit: all ? nil : limit ?? Self.defaultLimit)
            var empty = query.isEmpty ? "no entries yet — write one with `tacit write`" : "no entries match"
            if listed.entries.isEmpty && query.isEmpty && !output.json {
                // Staff keep no journal: pointing them to `tacit write` would only earn a refusal.
                let me: WhoAmIResponse = try await account.call(.GET, "/v1/whoami")
                if me.principal.role != "member" { empty = "no entries: compliance staff and the operator keep no journal" }
            }
            try printEntries(listed.entries, json: output.json, empty: empty)
            if listed.next != nil {
                let of = listed.total.map { " of \($0)\(query.isEmpty ? "" : " matching")" } ?? ""
                Terminal.warn("showing the newest \(listed.entries.count)\(of) — `--limit N` for more, `--all` for every one")
            }
        }
    }

    /// `tacit search QUERY`.
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search your entries' titles, text, tags and topics (the newest \(List.defaultLimit) matches unless told otherwise).",
            discussion: """
            As with `tacit list`, the newest \(List.defaultLimit) matches are shown without --limit or --all, and a \
            line on standard error says how many more there are.

            Examples:
              tacit search "stand-up"
              tacit search feedback --kind reflection --json
              tacit search delegation --all
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The words to look for.") var query: [String]
        @OptionGroup var filters: EntryFilters
        @Option(name: [.customShort("n"), .long], help: "Show the newest N matches (default \(List.defaultLimit)).") var limit: Int?
        @Flag(help: "Show every match.") var all = false
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if query.joined().allSatisfy(\.isWhitespace) { throw ValidationError("give some words to search for") }
            if query.joined(separator: " ").count > 500 { throw ValidationError("a search is at most 500 characters") }
            // Quotes or punctuation alone: the same usage error as no words, before anything is asked.
            if !MemberSession.searchHasTerms(query.joined(separator: " ")) {
                throw ValidationError("the search holds no word to look for: give words or a \"quoted phrase\"")
            }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
            if all && limit != nil { throw ValidationError("give --limit N or --all, not both") }
        }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let parameters = [("q", query.joined(separator: " "))] + (try await filters.query(account))
            let found = try await Resolve.newestEntries(account, query: parameters, limit: all ? nil : limit ?? List.defaultLimit,
                                                        path: "/v1/search")
            try printEntries(found.entries, json: output.json, empty: "nothing found")
            if found.next != nil {
                let of = found.total.map { " of \($0)" } ?? ""
                Terminal.warn("showing the newest \(found.entries.count)\(of) matches — `--limit N` for more, `--all` for every one")
            }
        }
    }

    /// `tacit show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an entry as Markdown: one of yours, or one shared with you (by entry or share id).",
            discussion: """
            Example:
              tacit show 4f1c2a9e
              tacit show 4f1c2a9e --json
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The entry's id, or a share's id from `tacit feed` (or the first characters).") var id: String
        @Flag(help: "Print the entry as JSON.") var json = false

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let entry = try await Self.find(id, account)
            if json { return try JSONOutput.print(entry) }
            print(Self.markdown(entry, own: entry.author == account.name))
        }

        /// Looks in the caller's own entries, then in what was shared with them.
        static func find(_ text: String, _ account: Authenticated) async throws -> EntryResponse {
            if let id = UUID(uuidString: text) {
                do {
                    return try await account.call(.GET, "/v1/entries/\(id.lower)")
                } catch let failure as DaemonFailure where failure.status == 404 {
                    let feed: [FeedItem] = try await account.call(.GET, "/v1/feed")
                    guard let share = feed.first(where: { $0.share == id || $0.entry == id })?.share else {
                        throw CLIError("not found: no entry \(text) of yours or shared with you")
                    }
                    return try await account.call(.GET, "/v1/feed/\(share.lower)")
                }
            }
            try Resolve.checkPrefix(text)
            let prefix = text.lowercased()
            let own = try await Resolve.newestEntries(account, query: [("idPrefix", prefix)], limit: 2).entries
                .filter { $0.id.lower.hasPrefix(prefix) }.map(\.id)
            let feed: [FeedItem] = try await account.call(.GET, "/v1/feed")
            let shared = feed.filter { $0.share.lower.hasPrefix(prefix) || $0.entry.lower.hasPrefix(prefix) }
            if own.count == 1 && shared.isEmpty { return try await account.call(.GET, "/v1/entries/\(own[0].lower)") }
            if own.isEmpty, Set(shared.map(\.entry)).count == 1 { return try await account.call(.GET, "/v1/feed/\(shared[0].share.lower)") }
            if own.isEmpty && shared.isEmpty { throw CLIError("not found: no entry \(text) of yours or shared with you") }
            throw CLIError("'\(text)' matches several entries — give more characters")
        }

        /// The entry as Markdown for the terminal — title, a line of facts, the body — with the
        /// author's control characters neutralized (`DisplayText`): an entry shared with the
        /// reader may hold anything.
        static func markdown(_ entry: EntryResponse, own: Bool) -> String {
            var text = "# \(entry.title.isEmpty ? "(untitled)" : DisplayText.line(entry.title))\n\n"
            var facts = [entry.kind, DateText.minute(entry.created)]
            if !own { facts.append("by \(entry.author)") }
            if !entry.topic.isEmpty { facts.append("topic: \(entry.topic)") }
            if !entry.tags.isEmpty { facts.append("tags: \(entry.tags.joined(separator: ", "))") }
            // Its author's change, not a new version's: re-encrypting after a reader left makes
            // one too, and keeps the time of the last edit.
            if entry.updated > entry.created { facts.append("edited \(DateText.minute(entry.updated))") }
            text += "_" + DisplayText.line(facts.joined(separator: " · ")) + "_\n\n"
            text += DisplayText.block(entry.body.trimmingCharacters(in: .newlines))
            return text
        }
    }

    /// `tacit delete ID`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete one of your entries (its shares end with it).",
            discussion: """
            Deleting cannot be undone. At a terminal the entry's title and date are shown and you are \
            asked first (an id prefix that matched another entry than you meant is caught there); \
            --yes, or no terminal (a script), deletes without asking.

            Example:
              tacit delete 4f1c2a9e
            """)

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The entry's id (or its first characters).") var id: String
        @Flag(name: [.customShort("y"), .long], help: "Do not ask before deleting.") var yes = false

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let id = try await Resolve.entry(self.id, account)
            try await Terminal.confirmIrreversible(unless: yes, declined: "nothing deleted") {
                let entry: EntryResponse = try await account.call(.GET, "/v1/entries/\(id.lower)")
                let title = entry.title.isEmpty ? "(untitled)" : DisplayText.line(entry.title)
                return "Delete \(entry.kind) “\(title)” of \(DateText.minute(entry.created)) (\(id.short)) and its shares?"
            }
            // Its readers lose it too: said, as the question said it.
            let shares: [TacitAPI.ShareInfo] = (try? await account.call(.GET, "/v1/shares")) ?? []
            let open = Share.openShares(of: id, in: shares)
            try await account.send(.DELETE, "/v1/entries/\(id.lower)")
            print("deleted \(id.lower)")
            if !open.isEmpty {
                let readers = Set(open.flatMap(\.audience)).sorted()
                Terminal.warn("its \(open.count == 1 ? "share" : "\(open.count) shares") ended: "
                              + "\(readers.joined(separator: ", ")) no longer read\(readers.count == 1 ? "s" : "") it")
            }
        }
    }
}
