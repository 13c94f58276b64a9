import Foundation
import TacitCrypto

extension Vault {
    /// Creates a group. `record`, when given, makes the audit record from the new group's id; it
    /// commits with the group (as each `recording:` of the membership changes below does).
    ///
    /// - Throws: `VaultError.nameUnavailable` for a taken name; `.invalidInput` for one outside `Names`' rule.
    public func createGroup(name: String, recording record: (@Sendable (GroupID) -> AuditDraft)? = nil)
        async throws(VaultError) -> Group {
        try Names.checkGroup(name)
        let group = Group(id: try GroupID.random(), name: name, facilitator: nil,
                          createdAt: Date(timeIntervalSince1970: Double(nowSeconds)))
        try await write { access in
            guard try access.group(named: name) == nil else { throw VaultError(.nameUnavailable, "the group name \(name) is taken") }
            try access.insertGroup(group)
            try access.appendAudit(record?(group.id))
        }
        return group
    }

    /// The group with `id`.
    public func group(_ id: GroupID) async throws(VaultError) -> Group? { try readShort { try $0.group(id) } }

    /// The group called `name`.
    public func group(named name: String) async throws(VaultError) -> Group? { try readShort { try $0.group(named: name) } }

    /// Every group, by name.
    public func groups() async throws(VaultError) -> [Group] { try await read { try $0.groups() } }

    /// The groups `member` belongs to.
    public func groups(of member: PrincipalID) async throws(VaultError) -> [Group] {
        try readShort { try $0.groups(of: member) }
    }

    /// The roster of `group`, by name (the table's own order follows random ids, so a roster
    /// printed twice would differ).
    public func members(of group: GroupID) async throws(VaultError) -> [Principal] {
        try readShort { access in try access.members(of: group).compactMap { try access.principal($0)?.principal } }
            .sorted { $0.name < $1.name }
    }

    /// How the group's size compares with the configured rules, counting the members who take
    /// part: a disabled member holds a place (see `addMember`) but practises no more.
    public func sizeStatus(of group: GroupID) async throws(VaultError) -> GroupSizeStatus {
        let count = try readShort { access in
            try access.activeMembers(of: group).count
        }
        let rules = configuration.groupSize
        if count < rules.allowed.lowerBound { return .belowMinimum }
        if count > rules.allowed.upperBound { return .aboveMaximum }
        return rules.recommended.contains(count) ? .recommended : .allowed
    }

    /// Adds a member to a group (group objects are sealed to them at the facilitator's next unlock).
    ///
    /// - Throws: `VaultError.notFound`; `.notPermitted` for a full group (naming its disabled
    ///   members, who keep their places until removed), a disabled principal, or a principal that
    ///   is not a member (compliance officers and operators never join groups).
    public func addMember(_ principal: PrincipalID, to group: GroupID, recording record: AuditDraft? = nil)
        async throws(VaultError) {
        let maximum = configuration.groupSize.allowed.upperBound
        let nowSeconds = nowSeconds
        try await write { access in
            guard let groupRow = try access.group(group) else { throw VaultError.notFound("the group") }
            guard let row = try access.principal(principal) else { throw VaultError.notFound("the principal") }
            guard row.role == .member else { throw VaultError(.notPermitted, "only members join groups") }
            if try !access.isMember(principal, of: group) {
                guard !row.disabled else { throw VaultError(.notPermitted, "\(row.name) is disabled: a disabled principal joins no group") }
                try Self.requireRoom(in: groupRow, maximum: maximum, access: access)
                try access.addMembership(group, principal, at: nowSeconds)
            }
            try access.appendAudit(record)
        }
    }

    /// Refuses one more member for a group at the configured maximum — added by the operator,
    /// invited into it, or enrolling with such an invitation. A disabled member keeps their place
    /// (removing them also ends their access to the group's shares, which the operator decides), so
    /// the message names them and how to make room.
    ///
    /// - Throws: `VaultError.notPermitted`.
    static func requireRoom(in group: Group, maximum: Int, access: StorageAccess, after: String = "") throws {
        let members = try access.members(of: group.id)
        guard members.count >= maximum else { return }
        var message = members.count == maximum ? "\(group.name) already has \(maximum) members, the most a group may have"
            : "\(group.name) already has \(members.count) members, more than the \(maximum) a group may now have"
        let disabled = try members.compactMap { try access.principal($0) }.filter(\.disabled).map(\.name).sorted()
        if !disabled.isEmpty {
            let who = disabled.count == 1 ? "\(disabled[0]) is disabled" : "\(disabled.joined(separator: ", ")) are disabled"
            let removal = disabled.map { "`tacit group remove \(group.name) \($0)`" }.joined(separator: ", ")
            message += "; \(who) and still counted: \(removal) makes room"
        }
        throw VaultError(.notPermitted, message + after)
    }

    /// Removes a member from a group: their seals on every share and group object of the group are
    /// deleted in the same transaction, and each affected entry is marked for re-keying at its
    /// author's next unlock.
    ///
    /// - Throws: `VaultError.notFound` when they are not a member.
    public func removeMember(_ principal: PrincipalID, from group: GroupID, recording record: AuditDraft? = nil)
        async throws(VaultError) {
        try await write { access in
            guard try access.removeMembership(group, principal) else { throw VaultError.notFound("the membership") }
            // A facilitator who leaves the group stops being its facilitator: added back later,
            // they are a member until the operator appoints them again.
            try access.clearFacilitator(group, ifItIs: principal)
            let affected = try access.deleteSeals(of: principal, inGroup: group)
            try access.markForRekey(affected)
            try access.deleteGroupObjectSeals(of: principal, inGroup: group)
            try access.appendAudit(record)
        }
    }

    /// Appoints `principal`, a member of `group`, as its facilitator.
    ///
    /// - Throws: `VaultError.notPermitted` for a non-member or a disabled one.
    public func appointFacilitator(_ principal: PrincipalID, of group: GroupID, recording record: AuditDraft? = nil)
        async throws(VaultError) {
        try await write { access in
            guard try access.isMember(principal, of: group) else {
                throw VaultError(.notPermitted, "the facilitator must be a member of the group")
            }
            if let row = try access.principal(principal), row.disabled {
                throw VaultError(.notPermitted, "\(row.name) is disabled: appoint a member who takes part")
            }
            try access.setFacilitator(group, principal)
            try access.appendAudit(record)
        }
    }

    // MARK: Cycles

    /// The cycles of `group`, by session 1.
    public func cycles(in group: GroupID) async throws(VaultError) -> [Cycle] { try readShort { try $0.cycles(in: group) } }

    /// The cycle with `id`.
    public func cycle(_ id: CycleID) async throws(VaultError) -> Cycle? { try readShort { try $0.cycle(id) } }

    /// The phase of `cycle` at `date` (default: the vault's clock).
    public func phase(of cycle: Cycle, at date: Date? = nil) -> CyclePhase {
        phaseBoundaries.boundaries(of: cycle, calendar: calendar, configuration: configuration).phase(at: date ?? now)
    }

    /// The most weeks of practice between a cycle's two sessions, and how far ahead session 1 may be
    /// planned: a mistyped year (session 2 in 9999) had made a cycle that refused every later one.
    public static let longestCycleWeeks = 26
    public static let furthestPlanningDays = 366

    /// The dates of a new cycle, checked before anything else is (the policy's "closed cycle"
    /// refusal had answered a new cycle mistyped into the past): session 2 on a later day than
    /// session 1, session 1 not on a day already past, and the span `checkSpan` allows.
    ///
    /// - Throws: `VaultError.invalidInput` saying which.
    public func checkNewCycle(session1: Date, session2: Date) throws(VaultError) {
        guard session2 > session1 else { throw VaultError.invalid("session 2 must come after session 1") }
        // On one day the phases cannot follow one another (session 1's day would be session 2's).
        guard calendar.startOfDay(session2) > calendar.startOfDay(session1) else {
            throw VaultError.invalid("session 2 must be on a later day than session 1")
        }
        // A cycle begun already could not be cancelled (that is for cycles still being planned),
        // and would be the group's current cycle at once: a mistyped past date blocked the group.
        guard calendar.startOfDay(session1) >= calendar.startOfDay(now) else {
            throw VaultError.invalid("session 1 is on a day already past: a cycle is planned ahead (session 1 may be today)")
        }
        try checkSpan(session1: session1, session2: session2)
    }

    /// At most `longestCycleWeeks` between the sessions, and session 1 within
    /// `furthestPlanningDays` of today.
    func checkSpan(session1: Date, session2: Date) throws(VaultError) {
        // Counted in the calendar's days: in seconds, a daylight-saving change in between made
        // exactly 26 weeks an hour longer, and refused.
        let days = calendar.days(from: session1, to: session2)
        guard days <= 7 * Self.longestCycleWeeks else {
            let extra = days % 7 == 0 ? "" : " and \(days % 7) day\(days % 7 == 1 ? "" : "s")"
            throw VaultError.invalid("session 2 is \(days / 7) weeks\(extra) after session 1: a cycle's practice "
                                     + "weeks are at most \(Self.longestCycleWeeks)")
        }
        guard session1.timeIntervalSince(now) <= Double(Self.furthestPlanningDays) * 86_400 else {
            throw VaultError.invalid("session 1 is more than a year ahead: plan a cycle at most \(Self.furthestPlanningDays) days ahead")
        }
    }

    /// Refuses a schedule whose session days reach into one of `others`: a group runs its cycles one
    /// after another, so the current cycle and an entry's kind are never in doubt. A session 1 may
    /// fall on the day of the previous cycle's session 2 (one meeting closes a cycle and opens the next).
    ///
    /// - Throws: `VaultError.invalidInput` naming the other cycle's session days.
    func checkSchedule(session1: Date, session2: Date, against others: [Cycle]) throws(VaultError) {
        try checkSpan(session1: session1, session2: session2)
        let new = PhaseBoundaries(session1: session1, session2: session2, calendar: calendar, configuration: configuration)
        for other in others {
            let old = phaseBoundaries.boundaries(of: other, calendar: calendar, configuration: configuration)
            guard new.day1 < old.day2 && old.day1 < new.day2 else { continue }
            let day = ISO8601DateFormatter()
            day.timeZone = configuration.timeZone
            day.formatOptions = [.withFullDate]
            throw VaultError.invalid("the group has a cycle from \(day.string(from: other.session1)) to \(day.string(from: other.session2)); "
                                     + "a group's cycles follow one another (a session 1 may be on the day of the previous session 2)")
        }
    }

    /// When `cycle` closes: the end of session 2's day plus the grace days. The default share expiry.
    public func end(of cycle: Cycle) -> Date {
        phaseBoundaries.boundaries(of: cycle, calendar: calendar, configuration: configuration).closed
    }

    /// `member`'s current cycle, among their groups' cycles that are not closed: the earliest whose
    /// session 1 has begun and whose session 2 has not come (its practice), else the earliest in its
    /// session 2 days (session 2 and the grace days after it), else the earliest on its session 1
    /// day, else the next to start, else none.
    ///
    /// So when a group's next cycle opens at the meeting that closes this one (its session 1 on the
    /// day of this one's session 2), what is written at that meeting goes to the cycle it closes
    /// until the new session 1 begins, and to the new cycle from then on — not for a further week
    /// of grace days to the old one.
    func currentCycle(of member: PrincipalID, access: StorageAccess, at date: Date) throws -> Cycle? {
        currentCycle(among: try access.groupsWithCycles(of: member).flatMap(\.cycles), at: date)
    }

    /// The current cycle among the cycles of a member's groups (see `currentCycle(of:access:at:)`).
    func currentCycle(among cycles: [Cycle], at date: Date) -> Cycle? {
        let open = cycles.map { (cycle: $0, phase: phase(of: $0, at: date)) }.filter { $0.phase != .closed }
        func earliest(_ chosen: [(cycle: Cycle, phase: CyclePhase)]) -> Cycle? {
            chosen.min { $0.cycle.session1 < $1.cycle.session1 }?.cycle
        }
        let practising = open.filter { date >= $0.cycle.session1 && [.session1, .practice, .reflection].contains($0.phase) }
        return earliest(practising) ?? earliest(open.filter { $0.phase == .session2 })
            ?? earliest(open.filter { $0.phase == .session1 }) ?? earliest(open)
    }

    /// `member`'s current cycle now.
    public func currentCycle(of member: PrincipalID) async throws(VaultError) -> Cycle? {
        let date = now
        return try readShort { try self.currentCycle(of: member, access: $0, at: date) }
    }

    // MARK: Sealed notes

    /// Seals a note to `member`'s own X25519 key without their passphrase; it becomes a practice
    /// entry of their current cycle at their next unlock.
    ///
    /// - Parameter expectedKey: the X25519 public key the client believes is the member's (from the
    ///   capture token); a mismatch is refused so a swapped key cannot capture notes.
    /// - Parameter record: makes the audit record from the new jot's id; it commits with the jot.
    /// - Throws: `VaultError.notFound`, `.peerKeyUnconfirmed` on a key mismatch, `.principalDisabled`.
    @discardableResult
    public func jot(_ text: String, for member: PrincipalID, expectedKey: [UInt8]? = nil,
                    recording record: (@Sendable (JotID) -> AuditDraft)? = nil) async throws(VaultError) -> JotID {
        let id = try JotID.random()
        let date = now
        try await write { access in
            guard let row = try access.principal(member) else { throw VaultError.notFound("the member") }
            guard !row.disabled else { throw VaultError(.principalDisabled, "\(row.name) was disabled by the operator") }
            if let expectedKey, expectedKey != row.agreementPublic {
                throw VaultError(.peerKeyUnconfirmed, "the member's key changed since the capture token was issued")
            }
            let (padded, _) = try PayloadCodec.encode(EntryContent(body: text, created: date))
            let box = try SealedBox.seal(padded, to: X25519.PublicKey(rawRepresentation: row.agreementPublic),
                                         context: FormatV1.jotContext(id, member: member))
            try access.insertJot(JotRow(id: id, principal: member, box: box))
            try access.appendAudit(record?(id))
        }
        return id
    }

    /// How many jots wait for `member`'s next unlock.
    public func pendingJots(for member: PrincipalID) async throws(VaultError) -> Int {
        try await read { try $0.jots(of: member).count }
    }
}
