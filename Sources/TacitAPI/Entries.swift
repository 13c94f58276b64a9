import Foundation

/// `POST /v1/entries` and `PUT /v1/entries/{id}`: what a member writes.
public struct EntryInput: Codable, Sendable {
    /// The title (may be empty).
    public var title: String
    /// The body, Markdown.
    public var body: String
    /// Tags.
    public var tags: [String]
    /// The topic (may be empty).
    public var topic: String
    /// The kind; absent: from the current cycle's phase.
    public var kind: String?
    /// The cycle (id); absent: the member's current cycle.
    @LowercaseID public var cycle: UUID?

    /// Creates an entry input.
    public init(title: String = "", body: String, tags: [String] = [], topic: String = "", kind: String? = nil,
                cycle: UUID? = nil) {
        self.title = title
        self.body = body
        self.tags = tags
        self.topic = topic
        self.kind = kind
        self.cycle = cycle
    }

    private enum CodingKeys: String, CodingKey { case title, body, tags, topic, kind, cycle }

    /// Only `body` is required; title, tags and topic default to empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        body = try container.decode(String.self, forKey: .body)
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        topic = try container.decodeIfPresent(String.self, forKey: .topic) ?? ""
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        cycle = try container.decodeIfPresent(UUID.self, forKey: .cycle)
    }
}

/// An entry in a listing: no body.
public struct EntrySummary: Codable, Sendable, Equatable {
    /// The entry's id.
    @LowercaseID public var id: UUID
    /// Its title.
    public var title: String
    /// Its kind.
    public var kind: String
    /// Its tags.
    public var tags: [String]
    /// Its cycle.
    @LowercaseID public var cycle: UUID?
    /// When it was written.
    public var created: Date
    /// When it last changed.
    public var updated: Date
    /// Whether it is shared (a live share exists).
    public var shared: Bool

    /// Creates a summary.
    public init(id: UUID, title: String, kind: String, tags: [String], cycle: UUID?, created: Date, updated: Date,
                shared: Bool) {
        self.id = id
        self.title = title
        self.kind = kind
        self.tags = tags
        self.cycle = cycle
        self.created = created
        self.updated = updated
        self.shared = shared
    }
}

/// A whole entry.
public struct EntryResponse: Codable, Sendable, Equatable {
    /// The entry's id.
    @LowercaseID public var id: UUID
    /// Its author.
    public var author: String
    /// Its group.
    @LowercaseID public var group: UUID?
    /// Its cycle.
    @LowercaseID public var cycle: UUID?
    /// Its kind.
    public var kind: String
    /// Its title.
    public var title: String
    /// Its body, Markdown.
    public var body: String
    /// Its tags.
    public var tags: [String]
    /// Its topic.
    public var topic: String
    /// When it was written.
    public var created: Date
    /// When it last changed.
    public var updated: Date
    /// Its version (1 for a new entry).
    public var version: Int
    /// On an edit's answer: what re-sealing the entry's shares left out (a reader removed since,
    /// a key that no longer matches its pin), in words for its author. Absent otherwise.
    public var notices: [String]?

    /// Creates an entry response.
    public init(id: UUID, author: String, group: UUID?, cycle: UUID?, kind: String, title: String, body: String,
                tags: [String], topic: String, created: Date, updated: Date, version: Int) {
        self.id = id
        self.author = author
        self.group = group
        self.cycle = cycle
        self.kind = kind
        self.title = title
        self.body = body
        self.tags = tags
        self.topic = topic
        self.created = created
        self.updated = updated
        self.version = version
    }
}

/// A page of a listing.
public struct EntryList: Codable, Sendable {
    /// The entries, newest first.
    public var entries: [EntrySummary]
    /// Pass as `cursor` for the next page; absent on the last.
    public var next: String?
    /// How many entries match in all, over every page (listings; absent from search results).
    public var total: Int?

    /// Creates a page.
    public init(entries: [EntrySummary], next: String?, total: Int? = nil) {
        self.entries = entries
        self.next = next
        self.total = total
    }
}

/// `POST /v1/shares`.
public struct ShareRequest: Codable, Sendable {
    /// The entry to share.
    @LowercaseID public var entry: UUID
    /// Share with the whole group (its roster now).
    public var group: Bool
    /// Or with these members of the group, by name.
    public var with: [String]
    /// When the share ends; absent: the end of the entry's cycle.
    public var until: Date?

    /// Creates a share request.
    public init(entry: UUID, group: Bool, with: [String], until: Date?) {
        self.entry = entry
        self.group = group
        self.with = with
        self.until = until
    }

    private enum CodingKeys: String, CodingKey { case entry, group, with, until }

    /// `group` defaults to false and `with` to nobody; one of them must name an audience.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entry = try container.decode(UUID.self, forKey: .entry)
        group = try container.decodeIfPresent(Bool.self, forKey: .group) ?? false
        with = try container.decodeIfPresent([String].self, forKey: .with) ?? []
        until = try container.decodeIfPresent(Date.self, forKey: .until)
    }
}

/// A share as its author sees it.
public struct ShareInfo: Codable, Sendable, Equatable {
    /// The share's id.
    @LowercaseID public var id: UUID
    /// The shared entry.
    @LowercaseID public var entry: UUID
    /// The entry's title (for the author's listing only).
    public var title: String
    /// The readers' names.
    public var audience: [String]
    /// Shared with the group (its roster when shared), not with chosen members.
    public var group: Bool
    /// When it ends.
    public var expiresAt: Date
    /// Whether `expiresAt` has passed, by the daemon's clock (the one that decides reads).
    public var expired: Bool
    /// Whether it was revoked.
    public var revoked: Bool
    /// Whether it is paused: its author is no longer a member of the entry's group, so nobody may
    /// read it; it runs again if they are added back (until it ends or is revoked).
    public var paused: Bool
    /// The close of the entry's cycle, when the share ends before it (and has not ended yet): a
    /// cycle rescheduled later since the share was made, or an end its author chose. Absent
    /// otherwise.
    public var cycleCloses: Date?
    /// For a share just made with the group: who is in its audience and was not in the author's
    /// previous share with that group, and who was and is not now (the roster changed in
    /// between). Absent otherwise, and on a first share with the group.
    public var joinedSinceLastShare: [String]?
    public var leftSinceLastShare: [String]?

    /// Creates a share description.
    public init(id: UUID, entry: UUID, title: String, audience: [String], group: Bool = false, expiresAt: Date, expired: Bool = false,
                revoked: Bool, paused: Bool = false, cycleCloses: Date? = nil) {
        self.id = id
        self.entry = entry
        self.title = title
        self.audience = audience
        self.group = group
        self.expiresAt = expiresAt
        self.expired = expired
        self.revoked = revoked
        self.paused = paused
        self.cycleCloses = cycleCloses
    }
}

/// One item of `GET /v1/feed`: an entry shared with the caller.
public struct FeedItem: Codable, Sendable, Equatable {
    /// The share's id (`GET /v1/feed/{share}` reads it).
    @LowercaseID public var share: UUID
    /// The entry's id.
    @LowercaseID public var entry: UUID
    /// Who shared it.
    public var author: String
    /// The entry's title.
    public var title: String
    /// Its kind.
    public var kind: String
    /// When it was shared.
    public var sharedAt: Date
    /// When the share ends.
    public var expiresAt: Date
    /// Shared with the whole group, rather than with the caller (and perhaps others) by name.
    public var group: Bool
    /// For a share by name, how many members besides the caller it reaches (0 for a group share,
    /// which reaches the group). Who they are is the author's to say.
    public var others: Int

    private enum CodingKeys: String, CodingKey { case share, entry, author, title, kind, sharedAt, expiresAt, group, others }

    /// Decodes a feed item; `others` is 0 when absent (a daemon older than the field, as a member's
    /// newer CLI may meet over a forwarded socket).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        _share = try c.decode(LowercaseID.self, forKey: .share)
        _entry = try c.decode(LowercaseID.self, forKey: .entry)
        author = try c.decode(String.self, forKey: .author)
        title = try c.decode(String.self, forKey: .title)
        kind = try c.decode(String.self, forKey: .kind)
        sharedAt = try c.decode(Date.self, forKey: .sharedAt)
        expiresAt = try c.decode(Date.self, forKey: .expiresAt)
        group = try c.decode(Bool.self, forKey: .group)
        others = try c.decodeIfPresent(Int.self, forKey: .others) ?? 0
    }

    /// Creates a feed item.
    public init(share: UUID, entry: UUID, author: String, title: String, kind: String, sharedAt: Date, expiresAt: Date,
                group: Bool = false, others: Int = 0) {
        self.share = share
        self.entry = entry
        self.author = author
        self.title = title
        self.kind = kind
        self.sharedAt = sharedAt
        self.expiresAt = expiresAt
        self.group = group
        self.others = others
    }
}

/// `GET /v1/whois/{name}`: a principal's key fingerprint and its pin state.
public struct WhoisResponse: Codable, Sendable, Equatable {
    /// Who.
    public var principal: PrincipalInfo
    /// Their current key fingerprint, to compare in person.
    public var fingerprint: String
    /// `unpinned`, `pinned`, or `changed` (their key differs from the one pinned: sharing with them
    /// is refused until confirmed).
    public var pin: String
    /// Who they are to the caller: `you`, `group-member` (in a group with the caller: their key is
    /// pinned at the first share with them), or `outside-your-groups` (nothing is shared with them).
    public var relation: String

    /// Creates the response.
    public init(principal: PrincipalInfo, fingerprint: String, pin: String, relation: String) {
        self.principal = principal
        self.fingerprint = fingerprint
        self.pin = pin
        self.relation = relation
    }
}

/// `POST /v1/whois/{name}/confirm`.
public struct ConfirmKeyRequest: Codable, Sendable {
    /// The fingerprint the member compared in person.
    public var fingerprint: String

    /// Creates the request.
    public init(fingerprint: String) { self.fingerprint = fingerprint }
}

/// One audit record as the API shows it: never content.
public struct AuditRecordInfo: Codable, Sendable, Equatable {
    /// Position in the chain.
    public var sequence: UInt64
    /// When.
    public var time: Date
    /// Who (name).
    public var actor: String
    /// What (the action).
    public var action: String
    /// On what (an id).
    public var resource: String
    /// `allow` or `deny`.
    public var decision: String
    /// The determining policies.
    public var policies: [String]

    /// Creates an audit record description.
    public init(sequence: UInt64, time: Date, actor: String, action: String, resource: String, decision: String,
                policies: [String]) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.resource = resource
        self.decision = decision
        self.policies = policies
    }
}

/// `GET /v1/audit/verify`.
public struct AuditVerification: Codable, Sendable, Equatable {
    /// Whether every record's hash chains to the next.
    public var ok: Bool
    /// How many records were checked.
    public var records: UInt64
    /// The head hash (hex).
    public var head: String
    /// The first broken record, when not ok.
    public var brokenAt: UInt64?

    /// Creates a verification result.
    public init(ok: Bool, records: UInt64, head: String, brokenAt: UInt64?) {
        self.ok = ok
        self.records = records
        self.head = head
        self.brokenAt = brokenAt
    }
}
