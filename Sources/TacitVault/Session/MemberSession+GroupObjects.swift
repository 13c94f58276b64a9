import Foundation
import TacitCrypto

/// A cycle's topics and schedule note, as the facilitator wrote them.
public struct CyclePlan: Sendable, Equatable {
    /// The topics.
    public var topics: [String]
    /// A schedule note (may be empty).
    public var note: String

    /// Creates a plan.
    public init(topics: [String], note: String = "") {
        self.topics = topics
        self.note = note
    }
}

extension MemberSession {
    static let planKind = "cycle-plan"

    /// Creates a cycle of `group` (the member must be its facilitator); its topics and note are a
    /// group object sealed to the roster.
    ///
    /// - Throws: `VaultError.notPermitted` for a non-facilitator; `.invalidInput` for session 1 on a
    ///   day already past or session 2 not on a later day than session 1;
    ///   `.peerKeyUnconfirmed` when a member's keys differ from the pinned ones.
    /// - Parameter record: makes the audit record from the new cycle's id; it commits with the cycle.
    public func createCycle(in group: GroupID, session1: Date, session2: Date, sessionMinutes: Int = 90,
                            plan: CyclePlan, recording record: (@Sendable (CycleID) -> AuditDraft)? = nil)
        async throws(VaultError) -> Cycle {
        let keys = try keys()
        let me = me
        try vault.checkNewCycle(session1: session1, session2: session2)
        guard (15...600).contains(sessionMinutes) else { throw VaultError.invalid("a session lasts 15 to 600 minutes") }
        let cycle = Cycle(id: try CycleID.random(), group: group, session1: session1, session2: session2,
                          sessionMinutes: sessionMinutes, createdAt: Date(timeIntervalSince1970: Double(vault.nowSeconds)))
        let objectID = try GroupObjectID.random()
        let date = vault.now
        try await vault.write { access in
            guard let found = try access.group(group) else { throw VaultError.notFound("the group") }
            guard found.facilitator == me else { throw VaultError(.notPermitted, "only the group's facilitator plans cycles") }
            try self.vault.checkSchedule(session1: session1, session2: session2, against: try access.cycles(in: group))
            try access.insertCycle(cycle)
            let content = EntryContent(body: plan.note, tags: plan.topics, created: date)
            let (padded, _) = try PayloadCodec.encode(content)
            let key = try SecretBytes.random(count: 32)
            let ciphertext = try AESGCM.seal(padded, key: key, associatedData: FormatV1.groupObjectPayloadAD(
                objectID, group: group, cycle: cycle.id, kind: Self.planKind, version: 1).bytes)
            let signature = try keys.signing.signature(for: FormatV1.groupObjectSignatureMessage(
                objectID, group: group, cycle: cycle.id, version: 1, ciphertextHash: SHA256.hash(ciphertext),
                commitment: try FormatV1.keyCommitment(key)).bytes)
            let object = GroupObjectRow(id: objectID, group: group, cycle: cycle.id, author: me, kind: Self.planKind, version: 1,
                                        ciphertext: ciphertext,
                                        wrappedKey: try AESGCM.seal(key, key: keys.entryWrap,
                                                                    associatedData: FormatV1.groupObjectKeyAD(objectID, version: 1).bytes),
                                        signature: signature)
            try access.insertGroupObject(object)
            var newPins: [[UInt8]] = []
            for member in try access.members(of: group) where member != me {
                let pinned = try self.pinnedKeys(of: member, access: access, keys: keys, allowFirstUse: true)
                if let element = pinned.newElement { newPins.append(element) }
                try access.insertGroupObjectSeal(objectID, member: member, seal: try SealedBox.seal(
                    key, to: X25519.PublicKey(rawRepresentation: pinned.agreement),
                    context: FormatV1.groupObjectSealContext(objectID, member: member, version: 1)))
            }
            if !newPins.isEmpty { try Self.updateManifest(access: access, keys: keys, removing: [], adding: newPins) }
            try access.appendAudit(record?(cycle.id))
        }
        return cycle
    }

    /// Cancels a cycle of the member's group that has not begun and holds no entry — a cycle
    /// planned on the wrong dates is cancelled and planned again. Its topics go with it.
    ///
    /// - Throws: `VaultError.notFound`; `.notPermitted` for a non-facilitator, a cycle whose
    ///   session 1 has come, or one with entries.
    /// - Parameter record: the audit record; it commits with the cancellation.
    public func cancelCycle(_ id: CycleID, recording record: AuditDraft? = nil) async throws(VaultError) {
        let me = me
        let vault = vault
        try await vault.write { access in
            guard let cycle = try access.cycle(id) else { throw VaultError.notFound("the cycle") }
            guard try access.group(cycle.group)?.facilitator == me else {
                throw VaultError(.notPermitted, "only the group's facilitator cancels its cycles")
            }
            guard vault.phase(of: cycle) == .planning else {
                throw VaultError(.notPermitted, "this cycle has begun: only a cycle before its session 1 can be cancelled")
            }
            let written = try access.countEntries(inCycle: id)
            guard written == 0 else {
                // Entries are their authors' (the facilitator cannot even see them): said, with the way out.
                throw VaultError(.notPermitted, "\(written == 1 ? "an entry was" : "\(written) entries were") already written in this cycle, "
                                 + "and a cycle is cancelled only while it holds none: their authors can delete them "
                                 + "(`tacit list --cycle` shows them their own), or the cycle can run, its dates moved with `tacit cycle reschedule`")
            }
            try access.deleteCycle(id)
            try access.appendAudit(record)
        }
    }

    /// Moves a cycle's sessions: both while it is planned; once session 1's day has come, session 1
    /// stays on its day (its hour may change) and session 2 may move to any later day not already past.
    /// Entries, topics and shares stay in the cycle. A share's end is signed by its author (by
    /// default the cycle's close as it was when they shared), so `sharesEndingEarly` says which
    /// live shares end before the new close: the caller says so.
    ///
    /// - Throws: `VaultError.notFound`; `.notPermitted` for a non-facilitator or a closed cycle, or
    ///   session 1 moved off its day after it came; `.invalidInput` for a session on a day already
    ///   past, session 2 not on a later day than session 1, or days reaching into another cycle.
    /// - Parameter record: the audit record; it commits with the change (none when nothing moved).
    public func rescheduleCycle(_ id: CycleID, session1: Date?, session2: Date?, recording record: AuditDraft? = nil)
        async throws(VaultError) -> (cycle: Cycle, sharesEndingEarly: SharesEndingEarly) {
        let me = me
        let vault = vault
        return try await vault.write { access in
            guard let cycle = try access.cycle(id) else { throw VaultError.notFound("the cycle") }
            guard try access.group(cycle.group)?.facilitator == me else {
                throw VaultError(.notPermitted, "only the group's facilitator reschedules its cycles")
            }
            let phase = vault.phase(of: cycle)
            guard phase != .closed else { throw VaultError(.notPermitted, "this cycle is closed: it stays as it ran") }
            let calendar = vault.calendar
            let today = calendar.startOfDay(vault.now)
            // Stored to the second, as `createCycle` stores them.
            func seconds(_ date: Date?) -> Date? { date.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) } }
            let first = seconds(session1) ?? cycle.session1, second = seconds(session2) ?? cycle.session2
            if phase != .planning {
                guard calendar.startOfDay(first) == calendar.startOfDay(cycle.session1) else {
                    throw VaultError(.notPermitted, "session 1's day has come: session 1 stays on its day, and only session 2 can move")
                }
            } else if calendar.startOfDay(first) < today {
                throw VaultError.invalid("session 1 would be on a day already past (session 1 may be today)")
            }
            guard second > first, calendar.startOfDay(second) > calendar.startOfDay(first) else {
                throw VaultError.invalid("session 2 must be on a later day than session 1")
            }
            if second != cycle.session2 {
                guard calendar.startOfDay(second) >= today else {
                    throw VaultError.invalid("session 2 would be on a day already past (it may be today)")
                }
            }
            let moved = Cycle(id: id, group: cycle.group, session1: first, session2: second,
                              sessionMinutes: cycle.sessionMinutes, createdAt: cycle.createdAt)
            if first != cycle.session1 || second != cycle.session2 {
                try vault.checkSchedule(session1: first, session2: second,
                                        against: try access.cycles(in: cycle.group).filter { $0.id != id })
                try access.updateSchedule(of: id, session1: first, session2: second)
                try access.appendAudit(record)
            }
            let early = try access.sharesEnding(inCycle: id, before: Int64(vault.end(of: moved).timeIntervalSince1970),
                                                session2: Int64(second.timeIntervalSince1970), after: vault.nowSeconds,
                                                visibleTo: me)
            return (moved, early)
        }
    }

    /// The topics and note of `cycle`, opened with the member's seal (or, for the facilitator, their
    /// wrapped key) and checked against the facilitator's pinned signature.
    ///
    /// - Throws: `VaultError.notFound` when nothing is sealed to the member; `.authenticationFailed`.
    public func plan(of cycleID: CycleID) async throws(VaultError) -> CyclePlan {
        let keys = try keys()
        return try await vault.write { access in
            guard let object = try access.groupObjects(ofCycle: cycleID).first(where: { $0.kind == Self.planKind }) else {
                throw VaultError.notFound("the cycle's plan")
            }
            guard let key = try self.groupObjectKey(object, access: access, keys: keys) else {
                throw VaultError.notFound("the cycle's plan")
            }
            let padded = try mapping("a group object") {
                try AESGCM.open(object.ciphertext, key: key, associatedData: FormatV1.groupObjectPayloadAD(
                    object.id, group: object.group, cycle: object.cycle, kind: object.kind, version: object.version).bytes)
            }
            let content = try PayloadCodec.decode(padded)
            return CyclePlan(topics: content.tags, note: content.body)
        }
    }

    /// The key `G` of a group object, from the member's wrapped key (its author) or their seal,
    /// checked against the object's commitment and its author's signature (with the pinned key) —
    /// so what a member opens, or seals on to a newcomer, is what the facilitator signed. `nil`
    /// when nothing is sealed to the member.
    ///
    /// - Throws: `VaultError.authenticationFailed` for a seal, key or signature that does not check.
    private func groupObjectKey(_ object: GroupObjectRow, access: StorageAccess, keys: MemberKeys) throws -> SecretBytes? {
        let key: SecretBytes
        let signing: [UInt8]
        if object.author == me {
            key = try mapping("a group object's wrapped key") {
                try AESGCM.open(object.wrappedKey, key: keys.entryWrap,
                                associatedData: FormatV1.groupObjectKeyAD(object.id, version: object.version).bytes)
            }
            signing = keys.signing.publicKey.rawRepresentation
        } else {
            guard let seal = try access.groupObjectSeal(object.id, for: me) else { return nil }
            key = try mapping("a group object's seal") {
                try SealedBox.open(seal, with: keys.agreement,
                                   context: FormatV1.groupObjectSealContext(object.id, member: me, version: object.version),
                                   plaintextByteCount: 32)
            }
            // Pinning the facilitator at first use changes the member's set of pins: the manifest
            // must learn it in the same transaction, or the next unlock reports a foreign pin.
            let pinned = try self.pinnedKeys(of: object.author, access: access, keys: keys, allowFirstUse: true)
            if let element = pinned.newElement {
                try Self.updateManifest(access: access, keys: keys, removing: [], adding: [element])
            }
            signing = pinned.signing
        }
        let message = FormatV1.groupObjectSignatureMessage(object.id, group: object.group, cycle: object.cycle,
                                                           version: object.version,
                                                           ciphertextHash: SHA256.hash(object.ciphertext),
                                                           commitment: try FormatV1.keyCommitment(key))
        guard try Ed25519.PublicKey(rawRepresentation: signing).isValidSignature(object.signature, for: message.bytes) else {
            throw VaultError.tampered("a group object's signature")
        }
        return key
    }

    /// Seals the group objects the member can open — their own (the facilitator's) and those sealed
    /// to them — to roster members who joined since, at the member's unlock. Each key is checked
    /// against its object's signature first; an object that does not check is left to the others.
    ///
    /// - Returns: how many members were sealed in to at least one object.
    func sealGroupObjectsToNewMembers() async throws(VaultError) -> Int {
        let keys = try keys()
        let me = me
        let logger = vault.logger
        return try await vault.write { access in
            var sealedIn = Set<PrincipalID>()
            for object in try access.groupObjects(heldBy: me) {
                let sealed = try access.sealedMembers(of: object.id)
                let missing = try access.members(of: object.group).filter { $0 != object.author && $0 != me && !sealed.contains($0) }
                guard !missing.isEmpty else { continue }
                let key: SecretBytes
                do {
                    guard let opened = try self.groupObjectKey(object, access: access, keys: keys) else { continue }
                    key = opened
                } catch {
                    logger.warning("a group object did not check; not sealed on", metadata: [
                        "object": "\(object.id)", "error": "\(VaultError.wrap(error).code.rawValue)"])
                    continue
                }
                for member in missing {
                    // Only members whose pinned keys match (or who can be pinned now) are sealed in.
                    guard let pinned = try? self.pinnedKeys(of: member, access: access, keys: keys, allowFirstUse: true) else {
                        continue
                    }
                    if let element = pinned.newElement {
                        try Self.updateManifest(access: access, keys: keys, removing: [], adding: [element])
                    }
                    try access.insertGroupObjectSeal(object.id, member: member, seal: try SealedBox.seal(
                        key, to: X25519.PublicKey(rawRepresentation: pinned.agreement),
                        context: FormatV1.groupObjectSealContext(object.id, member: member, version: object.version)))
                    sealedIn.insert(member)
                }
            }
            return sealedIn.count
        }
    }
}
