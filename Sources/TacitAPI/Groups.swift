import Foundation

/// A group in a listing.
public struct GroupSummary: Codable, Sendable, Equatable {
    /// The group's id.
    @LowercaseID public var id: UUID
    /// The group's name.
    public var name: String
    /// How many members it has.
    public var memberCount: Int
    /// The facilitator's name, if one is appointed.
    public var facilitator: String?

    /// Creates a group summary.
    public init(id: UUID, name: String, memberCount: Int, facilitator: String?) {
        self.id = id
        self.name = name
        self.memberCount = memberCount
        self.facilitator = facilitator
    }
}

/// `GET /v1/groups/{group}`: a group with its roster and cycles.
public struct GroupDetail: Codable, Sendable, Equatable {
    /// The group.
    public var group: GroupSummary
    /// The roster (rosters are public within the organisation).
    public var members: [PrincipalInfo]
    /// `below-minimum`, `allowed` (outside the recommended size), `recommended` or `above-maximum`, from the
    /// configured sizes.
    public var sizeStatus: String
    /// The group's cycles.
    public var cycles: [CycleInfo]

    /// Creates a group detail.
    public init(group: GroupSummary, members: [PrincipalInfo], sizeStatus: String, cycles: [CycleInfo]) {
        self.group = group
        self.members = members
        self.sizeStatus = sizeStatus
        self.cycles = cycles
    }
}

/// `POST /v1/groups`.
public struct GroupCreateRequest: Codable, Sendable {
    /// The new group's name.
    public var name: String

    /// Creates the request.
    public init(name: String) { self.name = name }
}

/// `POST /v1/groups/{group}/members` and `PUT /v1/groups/{group}/facilitator`: names a principal.
public struct NameRequest: Codable, Sendable {
    /// A principal's name.
    public var name: String

    /// Creates the request.
    public init(name: String) { self.name = name }
}

/// `POST /v1/invitations`: an enrollment code for a new principal.
public struct InvitationRequest: Codable, Sendable {
    /// The name the invitee will enroll under.
    public var name: String
    /// `member`, `facilitator`, `compliance` or `operator`.
    public var role: String
    /// A group to add the member to once enrolled (name or id).
    public var group: String?

    /// Creates the request.
    public init(name: String, role: String, group: String?) {
        self.name = name
        self.role = role
        self.group = group
    }
}

/// An enrollment code, shown once to the operator who made it.
public struct InvitationResponse: Codable, Sendable {
    /// The one-time code.
    public var code: String
    /// When it stops working.
    public var expiresAt: Date
    /// `true` when it replaced the name's earlier invitation, unused until now, whose code no
    /// longer works; absent otherwise.
    public var replaced: Bool?

    /// Creates the response.
    public init(code: String, expiresAt: Date, replaced: Bool? = nil) {
        self.code = code
        self.expiresAt = expiresAt
        self.replaced = replaced
    }
}

/// One item of `GET /v1/invitations`: an invitation not used yet (its code is never shown again).
public struct InvitationInfo: Codable, Sendable, Equatable {
    /// Who it is for.
    public var name: String
    /// `member`, `facilitator`, `compliance` or `operator`, as invited.
    public var role: String
    /// The group enrolling joins.
    public var group: String?
    /// When its code stops working.
    public var expiresAt: Date
    /// Whether `expiresAt` has passed, by the daemon's clock.
    public var expired: Bool

    /// Creates an invitation description.
    public init(name: String, role: String, group: String?, expiresAt: Date, expired: Bool) {
        self.name = name
        self.role = role
        self.group = group
        self.expiresAt = expiresAt
        self.expired = expired
    }
}

/// A cycle of a group: session 1, practice, reflection, session 2.
public struct CycleInfo: Codable, Sendable, Equatable {
    /// The cycle's id.
    @LowercaseID public var id: UUID
    /// The group's id.
    @LowercaseID public var group: UUID
    /// Session 1's start.
    public var session1: Date
    /// Session 2's start.
    public var session2: Date
    /// The phase now, from the daemon's clock: `planning`, `session-1`, `practice`, `reflection`,
    /// `session-2` or `closed`.
    public var phase: String
    /// The topics, for members of the group (sealed to the roster; absent for others).
    public var topics: [String]?
    /// `true` for a member of the group the topics are not sealed to yet (they joined since): the
    /// next login of the facilitator or of a member who holds them seals them in. Absent otherwise.
    public var topicsPending: Bool?
    /// `true` on the caller's current cycle: where an entry they write without naming a cycle goes
    /// (and whose phase gives its kind). Absent on the others.
    public var current: Bool?

    /// Creates a cycle description.
    public init(id: UUID, group: UUID, session1: Date, session2: Date, phase: String, topics: [String]?, topicsPending: Bool? = nil) {
        self.id = id
        self.group = group
        self.session1 = session1
        self.session2 = session2
        self.phase = phase
        self.topics = topics
        self.topicsPending = topicsPending
    }
}

/// `POST /v1/cycles` (facilitator).
public struct CycleCreateRequest: Codable, Sendable {
    /// The group (name or id).
    public var group: String
    /// Session 1's start.
    public var session1: Date
    /// Session 2's start.
    public var session2: Date
    /// The cycle's topics.
    public var topics: [String]

    /// Creates the request.
    public init(group: String, session1: Date, session2: Date, topics: [String]) {
        self.group = group
        self.session1 = session1
        self.session2 = session2
        self.topics = topics
    }
}

/// `PUT /v1/cycles/{cycle}/schedule` (facilitator): new dates for a cycle's sessions; a session
/// left out stays where it is.
public struct CycleScheduleRequest: Codable, Sendable {
    /// Session 1's new start (only on its own day once that day has come).
    public var session1: Date?
    /// Session 2's new start.
    public var session2: Date?

    /// Creates the request.
    public init(session1: Date?, session2: Date?) {
        self.session1 = session1
        self.session2 = session2
    }
}

/// The answer to `PUT /v1/cycles/{cycle}/schedule`.
public struct CycleScheduleResponse: Codable, Sendable {
    /// The cycle with its new dates.
    public var cycle: CycleInfo
    /// Live shares of the cycle's entries that end before its (new) close: each author signed a
    /// share's end when sharing — by default the cycle's close as it was then.
    public var sharesEndingEarly: Int
    /// When the first of them ends.
    public var firstShareEnd: Date?
    /// How many of them are shares to the group that end by session 2: not on its agenda.
    public var groupSharesGoneBySession2: Int

    /// Creates the answer.
    public init(cycle: CycleInfo, sharesEndingEarly: Int, firstShareEnd: Date?, groupSharesGoneBySession2: Int) {
        self.cycle = cycle
        self.sharesEndingEarly = sharesEndingEarly
        self.firstShareEnd = firstShareEnd
        self.groupSharesGoneBySession2 = groupSharesGoneBySession2
    }
}

/// `GET /v1/cycles/{cycle}/agenda` (facilitator): the session-2 agenda.
public struct AgendaResponse: Codable, Sendable {
    /// One entry shared with the group.
    public struct Item: Codable, Sendable, Equatable {
        /// The entry's title.
        public var title: String
        /// Its author's name.
        public var author: String
        /// Its kind.
        public var kind: String
        /// Its topic (empty when none).
        public var topic: String
        /// When its share ends, if before session 2 begins (it will be gone from the agenda by
        /// then); absent otherwise.
        public var endsBeforeSession2: Date?

        /// Creates an agenda item.
        public init(title: String, author: String, kind: String, topic: String, endsBeforeSession2: Date? = nil) {
            self.title = title
            self.author = author
            self.kind = kind
            self.topic = topic
            self.endsBeforeSession2 = endsBeforeSession2
        }
    }

    /// The items, grouped by topic in the Markdown.
    public var items: [Item]
    /// The agenda as Markdown.
    public var markdown: String

    /// Entries shared with the group in this cycle that the caller cannot read, so not listed
    /// (shared before they were in the group, or not opening for them now).
    public var unreadable: Int
    /// Entries shared with the group in this cycle whose shares have all ended (at the end their
    /// authors signed, perhaps before a session 2 moved later), so no longer listed.
    public var ended: Int

    private enum CodingKeys: String, CodingKey { case items, markdown, unreadable, ended }

    /// Decodes the response; the counts are 0 when absent (a daemon older than the fields).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.decode([Item].self, forKey: .items)
        markdown = try c.decode(String.self, forKey: .markdown)
        unreadable = try c.decodeIfPresent(Int.self, forKey: .unreadable) ?? 0
        ended = try c.decodeIfPresent(Int.self, forKey: .ended) ?? 0
    }

    /// Creates the response.
    public init(items: [Item], markdown: String, unreadable: Int = 0, ended: Int = 0) {
        self.items = items
        self.markdown = markdown
        self.unreadable = unreadable
        self.ended = ended
    }
}
