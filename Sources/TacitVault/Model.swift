import Foundation

/// What a principal is in Tacit.
public enum PrincipalRole: String, Sendable, Codable, CaseIterable {
    /// A member of peer learning groups (a facilitator is a member appointed in a group).
    case member
    /// A compliance officer: metrics only.
    case compliance
    /// The operator.
    case admin
}

/// A principal as stored: names and public keys only.
public struct Principal: Sendable, Equatable, Identifiable {
    /// The principal's id.
    public let id: PrincipalID
    /// The unique name.
    public let name: String
    /// The role.
    public let role: PrincipalRole
    /// `true` once the operator disabled it: it can no longer unlock.
    public let isDisabled: Bool
    /// When it enrolled.
    public let enrolledAt: Date
    /// X25519 public key (receives sealed boxes).
    public let agreementKey: [UInt8]
    /// Ed25519 public key (verifies its signatures).
    public let signingKey: [UInt8]

    /// The fingerprint of its public keys: 8 groups of 4 hex digits, for `tacit whois`.
    public var fingerprint: String { Fingerprint.format(rawFingerprint) }

    var rawFingerprint: [UInt8] { FormatV1.fingerprint(id, agreement: agreementKey, signing: signingKey) }
}

/// How a fingerprint is shown and parsed.
public enum Fingerprint {
    /// `0a1b 2c3d …`: 8 groups of 4 hex digits.
    public static func format(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return stride(from: 0, to: hex.count, by: 4).map {
            let start = hex.index(hex.startIndex, offsetBy: $0)
            return String(hex[start..<hex.index(start, offsetBy: 4)])
        }.joined(separator: " ")
    }

    /// The canonical form of a typed fingerprint (spaces, dashes and case ignored).
    static func normalized(_ text: String) -> String {
        text.lowercased().filter { $0.isHexDigit }
    }
}

/// A group as stored.
public struct Group: Sendable, Equatable, Identifiable {
    /// The group's id.
    public let id: GroupID
    /// The unique name.
    public let name: String
    /// The facilitator, once appointed.
    public let facilitator: PrincipalID?
    /// When it was created.
    public let createdAt: Date
}

/// A group's size against the configured rules.
public enum GroupSizeStatus: String, Sendable {
    /// Fewer members than allowed (a group still forming).
    case belowMinimum = "below-minimum"
    /// Allowed but outside the recommendation.
    case allowed
    /// Within the recommended size.
    case recommended
    /// More members than allowed: `groupMaximum` was lowered below the group's size since.
    case aboveMaximum = "above-maximum"
}

/// The kind of an entry.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
    /// What a member commits to try (session 1).
    case commitment
    /// Notes from the practice weeks.
    case practice
    /// Reflection before session 2.
    case reflection
    /// New knowledge, chosen by the writer.
    case insight
    /// Anything else.
    case note
}

/// The phase of a cycle at some moment (`DESIGN.md`, "The learning cycle").
public enum CyclePhase: String, Sendable, Codable, CaseIterable {
    /// Before session 1's day.
    case planning
    /// Session 1's day.
    case session1 = "session-1"
    /// After session 1 until the reflection days.
    case practice
    /// The last days before session 2.
    case reflection
    /// Session 2's day and the grace days after it.
    case session2 = "session-2"
    /// After that.
    case closed

    /// The kind a new entry gets when the writer names none.
    public var defaultEntryKind: EntryKind {
        switch self {
        case .session1: .commitment
        case .practice: .practice
        case .reflection: .reflection
        default: .note
        }
    }
}

/// A cycle of a group.
public struct Cycle: Sendable, Equatable, Identifiable {
    /// The cycle's id.
    public let id: CycleID
    /// Its group.
    public let group: GroupID
    /// Session 1's start.
    public let session1: Date
    /// Session 2's start.
    public let session2: Date
    /// Each session's length in minutes (90 by default).
    public let sessionMinutes: Int
    /// When it was created.
    public let createdAt: Date
}

/// The clear columns of an entry version: exactly what the associated data covers.
struct EntryColumns: Sendable, Equatable {
    var id: EntryID
    var author: PrincipalID
    var group: GroupID?
    var cycle: CycleID?
    var kind: EntryKind
    var isoWeek: String
    var sizeBucket: Int
    var version: Int
}

/// An entry's clear metadata, what a listing shows without decrypting.
public struct EntryMetadata: Sendable, Equatable, Identifiable {
    /// The entry's id.
    public let id: EntryID
    /// Its author.
    public let author: PrincipalID
    /// Its group, if written in one.
    public let group: GroupID?
    /// Its cycle, if any.
    public let cycle: CycleID?
    /// Its kind.
    public let kind: EntryKind
    /// The ISO week it was written in (`YYYY-Www`).
    public let isoWeek: String
    /// The padded size bucket in bytes.
    public let sizeBucket: Int
    /// The current version (1 for a new entry).
    public let version: Int

    init(_ c: EntryColumns) {
        id = c.id; author = c.author; group = c.group; cycle = c.cycle; kind = c.kind
        isoWeek = c.isoWeek; sizeBucket = c.sizeBucket; version = c.version
    }
}

/// A decrypted entry.
public struct Entry: Sendable, Equatable, Identifiable {
    /// The clear metadata, as authenticated by the ciphertext.
    public let metadata: EntryMetadata
    /// The decrypted content.
    public let content: EntryContent

    /// The entry's id.
    public var id: EntryID { metadata.id }
}

/// What a member writes: content and classification.
public struct EntryDraft: Sendable {
    /// Title (may be empty).
    public var title: String
    /// Body, Markdown.
    public var body: String
    /// Tags.
    public var tags: [String]
    /// Topic (may be empty).
    public var topic: String
    /// The kind; `nil` follows the cycle's phase.
    public var kind: EntryKind?
    /// The cycle; `nil` picks the member's current cycle (or none).
    public var cycle: CycleID?
    /// When it was written; `nil` is now (imports pass the original time).
    public var created: Date?

    /// Creates a draft.
    public init(title: String = "", body: String, tags: [String] = [], topic: String = "",
                kind: EntryKind? = nil, cycle: CycleID? = nil, created: Date? = nil) {
        self.title = title
        self.body = body
        self.tags = tags
        self.topic = topic
        self.kind = kind
        self.cycle = cycle
        self.created = created
    }
}

/// The live shares of a cycle's entries that end before the cycle closes (each share's end is
/// signed by its author when sharing: by default the cycle's close as it was then).
public struct SharesEndingEarly: Sendable, Equatable {
    /// How many.
    public let count: Int
    /// When the first of them ends.
    public let first: Date?
    /// How many of them are shares to the group that end by session 2's start: the session-2
    /// agenda will not list them.
    public let groupSharesGoneBySession2: Int
}
