import Foundation

/// Everything the metrics may look at: clear metadata only.
///
/// The daemon fills it from a metadata query over the vault's clear columns (rosters, cycle
/// schedules, each entry's author, group, cycle, kind and ISO week, each share's author, group and
/// ISO week). There is no field for a title, a body, a tag, a topic, a key or an exact time, so the
/// metrics code has no way to reach content or decryption keys.
public struct MetricsInput: Sendable {
    /// Every group, with its roster and its cycles.
    public var groups: [GroupFacts]
    /// One row per live entry (current version only).
    public var entries: [EntryFacts]
    /// One row per share an author made.
    public var shares: [ShareFacts]
    /// The time zone in which session dates fall on calendar days (the daemon's own).
    public var timeZone: TimeZone

    /// Creates an input from the metadata query's rows.
    public init(groups: [GroupFacts], entries: [EntryFacts], shares: [ShareFacts], timeZone: TimeZone = .gmt) {
        self.groups = groups
        self.entries = entries
        self.shares = shares
        self.timeZone = timeZone
    }
}

/// A group: its id, its current roster and its cycles' schedules. Rosters are public within the
/// organisation; the thresholds are decided on them alone.
public struct GroupFacts: Sendable {
    /// The group's id; it never leaves the metrics module except as a per-export pseudonym.
    public var id: UUID
    /// The members on the roster (facilitator included); duplicates count once.
    public var memberIDs: [UUID]
    /// The group's cycles.
    public var cycles: [CycleFacts]

    /// Creates the facts of one group.
    public init(id: UUID, memberIDs: [UUID], cycles: [CycleFacts]) {
        self.id = id
        self.memberIDs = memberIDs
        self.cycles = cycles
    }
}

/// A cycle's schedule.
public struct CycleFacts: Sendable {
    /// The cycle's id, matched against `EntryFacts.cycle` to find its reflections.
    public var id: UUID
    /// When session 1 is held.
    public var session1: Date
    /// When session 2 is held; the cycle can complete in the month holding that day.
    public var session2: Date

    /// Creates the schedule of one cycle.
    public init(id: UUID, session1: Date, session2: Date) {
        self.id = id
        self.session1 = session1
        self.session2 = session2
    }
}

/// The kind of a journal entry, as stored in the vault's clear `kind` column.
public enum EntryKind: String, Sendable, CaseIterable, Codable {
    /// What the member commits to try, written at session 1.
    case commitment
    /// Notes from practice between the sessions.
    case practice
    /// Reflection before session 2.
    case reflection
    /// New knowledge, chosen by the writer.
    case insight
    /// Anything else.
    case note
}

/// One entry's clear columns that the metrics use.
public struct EntryFacts: Sendable {
    /// The author.
    public var author: UUID
    /// The group the entry was written in.
    public var group: UUID
    /// The cycle the entry belongs to, if any.
    public var cycle: UUID?
    /// The entry's kind.
    public var kind: EntryKind
    /// The ISO week it was written in.
    public var isoWeek: ISOWeek

    /// Creates one entry row.
    public init(author: UUID, group: UUID, cycle: UUID? = nil, kind: EntryKind, isoWeek: ISOWeek) {
        self.author = author
        self.group = group
        self.cycle = cycle
        self.kind = kind
        self.isoWeek = isoWeek
    }
}

/// One share's clear columns that the metrics use.
public struct ShareFacts: Sendable {
    /// Who shared.
    public var author: UUID
    /// The group of the shared entry.
    public var group: UUID
    /// The ISO week of the share.
    public var isoWeek: ISOWeek

    /// Creates one share row.
    public init(author: UUID, group: UUID, isoWeek: ISOWeek) {
        self.author = author
        self.group = group
        self.isoWeek = isoWeek
    }
}
