import Foundation

/// `POST /v1/entries/import`: entries written elsewhere (jrnl, Day One), kept with their original
/// dates, written in one transaction.
public struct EntryImportRequest: Codable, Sendable {
    /// The most entries one request may carry; a larger import is sent in batches.
    public static let maximumEntries = 1000

    /// The entries, at least one and at most `maximumEntries`.
    public var entries: [ImportedEntry]
    /// The cycle (id) they go into; absent: the member's current cycle.
    @LowercaseID public var cycle: UUID?

    /// Creates an import request.
    public init(entries: [ImportedEntry], cycle: UUID? = nil) {
        self.entries = entries
        self.cycle = cycle
    }
}

/// One entry of an import: what `EntryInput` carries, and the time it was originally written.
public struct ImportedEntry: Codable, Sendable, Equatable {
    /// The title (may be empty).
    public var title: String
    /// The body, Markdown.
    public var body: String
    /// Tags.
    public var tags: [String]
    /// The topic (may be empty).
    public var topic: String
    /// When it was originally written: its date and ISO week in the journal. Not in the future.
    public var created: Date
    /// The kind; absent: from the cycle's phase now.
    public var kind: String?

    /// Creates an imported entry.
    public init(title: String = "", body: String, tags: [String] = [], topic: String = "", created: Date,
                kind: String? = nil) {
        self.title = title
        self.body = body
        self.tags = tags
        self.topic = topic
        self.created = created
        self.kind = kind
    }

    private enum CodingKeys: String, CodingKey { case title, body, tags, topic, created, kind }

    /// `body` and `created` are required; title, tags and topic default to empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        body = try container.decode(String.self, forKey: .body)
        created = try container.decode(Date.self, forKey: .created)
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        topic = try container.decodeIfPresent(String.self, forKey: .topic) ?? ""
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
    }
}

/// The answer to `POST /v1/entries/import`.
public struct EntryImportResponse: Codable, Sendable, Equatable {
    /// How many entries were written.
    public var imported: Int

    /// Creates the answer.
    public init(imported: Int) { self.imported = imported }
}
