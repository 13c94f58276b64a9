import Foundation
import TacitCrypto

/// Who a share is for.
public enum ShareAudience: Sendable, Equatable {
    /// The whole roster of the entry's group (the author excluded) at share time.
    case group(GroupID)
    /// Chosen members of the entry's group.
    case members([PrincipalID])
}

/// A share as its author sees it.
public struct ShareInfo: Sendable, Equatable, Identifiable {
    /// The share's id.
    public let id: ShareID
    /// The shared entry.
    public let entry: EntryID
    /// The readers still sealed in.
    public let readers: [PrincipalID]
    /// The entry version the share currently covers.
    public let version: Int
    /// When the share was made.
    public let createdAt: Date
    /// When it expires.
    public let expiresAt: Date
    /// Who opened it, and when first.
    public let reads: [PrincipalID: Date]
    /// Shared with the group (its roster when shared), not with chosen members.
    public let toGroup: Bool
    /// The entry's group, the share's.
    public let group: GroupID?
}

/// An entry shared with the reader, opened with the reader's own keys.
public struct SharedEntry: Sendable, Equatable {
    /// The share.
    public let share: ShareID
    /// Its author.
    public let author: Principal
    /// When it was shared.
    public let sharedAt: Date
    /// When it expires.
    public let expiresAt: Date
    /// The decrypted entry.
    public let entry: Entry
}

/// What `whois` shows about a peer.
public struct PeerIdentity: Sendable, Equatable {
    /// How the member's pin relates to the peer's current keys.
    public enum PinStatus: String, Sendable {
        /// Not pinned yet: pinned at first use.
        case unpinned
        /// Pinned and equal to the current keys.
        case pinned
        /// The current keys differ from the pinned ones (or the pin awaits confirmation after a
        /// report): sharing waits for `confirmPeer`.
        case changed
    }

    /// The peer.
    public let principal: Principal
    /// The fingerprint of their current keys.
    public let fingerprint: String
    /// The fingerprint of the pinned keys, if pinned.
    public let pinnedFingerprint: String?
    /// The pin's status.
    public let status: PinStatus
}

extension MemberSession {
    // MARK: Pins

    /// The pinned public keys of `peer` (pinning them on first use when allowed); the returned
    /// element is the manifest element of a new pin.
    /// `row` and `pin`, when the caller has read them in this transaction already, save the lookups.
    func pinnedKeys(of peer: PrincipalID, row known: PrincipalRow? = nil, pin knownPin: PinRow? = nil, access: StorageAccess,
                    keys: MemberKeys, allowFirstUse: Bool) throws -> (agreement: [UInt8], signing: [UInt8], newElement: [UInt8]?) {
        guard let row = try known ?? access.principal(peer) else { throw VaultError.notFound("the principal") }
        if let pin = try knownPin ?? access.pin(owner: me, peer: peer) {
            guard pin.owner == me, pin.peer == peer, keys.isValidPin(pin) else {
                throw VaultError.tampered("the pinned key of \(row.name)")
            }
            guard pin.agreementPublic == row.agreementPublic, pin.signingPublic == row.signingPublic else {
                throw VaultError(.peerKeyUnconfirmed, "\(row.name)'s keys differ from the pinned ones; compare fingerprints "
                                 + "(tacit whois \(row.name)) and confirm before sharing")
            }
            return (pin.agreementPublic, pin.signingPublic, nil)
        }
        guard allowFirstUse && mayPinOnFirstUse else {
            throw VaultError(.peerKeyUnconfirmed, "\(row.name) is not pinned and your manifest reports a problem; "
                             + "confirm their fingerprint first")
        }
        try access.upsertPin(PinRow(owner: me, peer: peer, agreementPublic: row.agreementPublic,
                                    signingPublic: row.signingPublic,
                                    mac: try keys.pinMAC(peer: peer, agreement: row.agreementPublic, signing: row.signingPublic)))
        return (row.agreementPublic, row.signingPublic,
                try keys.pinElement(peer: peer, agreement: row.agreementPublic, signing: row.signingPublic))
    }

    /// Fingerprints and pin status of the principal called `name`.
    ///
    /// - Throws: `VaultError.notFound`.
    public func whois(_ name: String) async throws(VaultError) -> PeerIdentity {
        let me = me
        return try await vault.read { access in
            guard let row = try access.principal(named: name) else { throw VaultError.notFound("the principal") }
            let pin = try access.pin(owner: me, peer: row.id)
            let pinned = pin.map { Fingerprint.format(FormatV1.fingerprint(row.id, agreement: $0.agreementPublic,
                                                                         signing: $0.signingPublic)) }
            let status: PeerIdentity.PinStatus = pin == nil ? .unpinned
                : (pin!.agreementPublic == row.agreementPublic && pin!.signingPublic == row.signingPublic ? .pinned : .changed)
            return PeerIdentity(principal: row.principal, fingerprint: row.principal.fingerprint, pinnedFingerprint: pinned,
                                status: status)
        }
    }

    /// Pins `name`'s current keys after the member compared `fingerprint` with them in person.
    ///
    /// - Throws: `VaultError.peerKeyUnconfirmed` when `fingerprint` is not the current one.
    public func confirmPeer(_ name: String, fingerprint: String) async throws(VaultError) {
        let keys = try keys()
        let me = me
        try await vault.write { access in
            guard let row = try access.principal(named: name) else { throw VaultError.notFound("the principal") }
            guard Fingerprint.normalized(fingerprint) == Fingerprint.normalized(row.principal.fingerprint) else {
                throw VaultError(.peerKeyUnconfirmed, "that is not \(name)'s current fingerprint")
            }
            var removing: [[UInt8]] = []
            if let old = try access.pin(owner: me, peer: row.id) {
                removing.append(try keys.pinElement(peer: row.id, agreement: old.agreementPublic, signing: old.signingPublic))
            }
            try access.upsertPin(PinRow(owner: me, peer: row.id, agreementPublic: row.agreementPublic,
                                        signingPublic: row.signingPublic,
                                        mac: try keys.pinMAC(peer: row.id, agreement: row.agreementPublic,
                                                             signing: row.signingPublic)))
            try Self.updateManifest(access: access, keys: keys, removing: removing,
                                    adding: [try keys.pinElement(peer: row.id, agreement: row.agreementPublic,
                                                                 signing: row.signingPublic)])
        }
    }

    // MARK: Sharing

    /// Seals `key` to each reader and signs the share (format v1 "Shares").
    func signedShare(id: ShareID, entry: EntryRow, key: SecretBytes, readers: [(PrincipalID, [UInt8])], toGroup: Bool,
                     expiresAt: Int64, createdAt: Int64, keys: MemberKeys) throws -> (ShareRow, [SealRow]) {
        let c = entry.columns
        let seals = try readers.map { reader, agreement in
            SealRow(share: id, reader: reader,
                    seal: try SealedBox.seal(key, to: X25519.PublicKey(rawRepresentation: agreement),
                                             context: FormatV1.shareSealContext(id, reader: reader, entry: c.id, version: c.version)))
        }
        let audience = FormatV1.audienceField(readers.map(\.0))
        let commitment = try FormatV1.keyCommitment(key)
        let message = FormatV1.shareSignatureMessage(share: id, entry: c.id, author: c.author, group: c.group, version: c.version,
                                                     audience: audience, expiry: UInt64(max(0, expiresAt)),
                                                     ciphertextHash: SHA256.hash(entry.ciphertext), commitment: commitment,
                                                     toGroup: toGroup)
        let share = ShareRow(id: id, entry: c.id, author: c.author, group: c.group, audience: audience, version: c.version,
                             expiresAt: expiresAt, createdAt: createdAt, commitment: commitment,
                             signature: try keys.signing.signature(for: message.bytes), toGroup: toGroup)
        return (share, seals)
    }

    /// What re-sealing an entry's shares left out: the readers of the signed audience no longer
    /// sealed in (removed from the group, or with a key that no longer matches their pin), and
    /// the shares that ended for want of any reader.
    public struct ResealOutcome: Sendable, Equatable {
        /// Readers no longer sealed in: removed from the group (their seals went with it).
        public var readersRemoved: Set<PrincipalID> = []
        /// Readers still sealed in whose keys no longer match their pins: not sealed to again.
        public var readersWithChangedKeys: Set<PrincipalID> = []
        /// The entries whose shares ended for want of any reader.
        public var entriesWithEndedShares: [EntryID] = []

        /// Nothing left out (yet).
        public init() {}

        /// Nothing was left out.
        public var isEmpty: Bool { readersRemoved.isEmpty && readersWithChangedKeys.isEmpty && entriesWithEndedShares.isEmpty }

        mutating func add(_ other: ResealOutcome) {
            readersRemoved.formUnion(other.readersRemoved)
            readersWithChangedKeys.formUnion(other.readersWithChangedKeys)
            entriesWithEndedShares += other.entriesWithEndedShares
        }
    }

    /// After a new version of `entry`: re-seals each share to its readers still sealed in (whose
    /// pinned keys still match) and re-signs it; a share with no reader left is deleted. Says who
    /// and what that left out, so the author can be told.
    @discardableResult
    func resealShares(of entry: EntryRow, key: SecretBytes, access: StorageAccess, keys: MemberKeys) throws -> ResealOutcome {
        var outcome = ResealOutcome()
        for share in try access.shares(of: entry.columns.id) {
            var readers: [(PrincipalID, [UInt8])] = []
            let sealed = try access.seals(of: share.id).map(\.reader)
            for reader in sealed {
                if let pinned = try? pinnedKeys(of: reader, access: access, keys: keys, allowFirstUse: false) {
                    readers.append((reader, pinned.agreement))
                } else {
                    outcome.readersWithChangedKeys.insert(reader)
                }
            }
            // An audience never holds its author; a reader without a seal was removed.
            outcome.readersRemoved.formUnion(Vault.metadata(share).readers.filter { !sealed.contains($0) && $0 != share.author })
            guard !readers.isEmpty else {
                try access.deleteShare(share.id)
                outcome.entriesWithEndedShares.append(share.entry)
                continue
            }
            let (row, seals) = try signedShare(id: share.id, entry: entry, key: key, readers: readers, toGroup: share.toGroup,
                                               expiresAt: share.expiresAt, createdAt: share.createdAt, keys: keys)
            try access.upsertShare(row)
            try access.replaceSeals(of: share.id, with: seals)
        }
        return outcome
    }

    /// Shares an entry: its key sealed to each reader of the audience snapshot (at most 8, pinned
    /// on first use), signed by the author. Default expiry: the end of the entry's cycle.
    ///
    /// `record`, when given, makes the audit record of the share from its new id; it is appended
    /// to the audit chain in the share's own transaction, so the two commit together or not at all.
    ///
    /// - Throws: `VaultError.notFound`; `.notPermitted` for an entry outside a group, readers outside
    ///   the entry's group, an empty audience or more than 8 readers; `.peerKeyUnconfirmed` when a
    ///   reader's keys differ from the pinned ones; `.alreadyShared` when a share of the entry to the
    ///   same audience still runs; `.notPermitted` also for an author no longer in the entry's group.
    public func share(_ entryID: EntryID, with audience: ShareAudience, until expiry: Date? = nil,
                      recording record: (@Sendable (ShareID) -> AuditDraft)? = nil) async throws(VaultError) -> ShareID {
        let keys = try keys()
        let me = me
        let id = try ShareID.random()
        let date = vault.now
        let fallbackLifetime = vault.configuration.shareLifetimeOutsideCycle
        return try await vault.write { access in
            guard let entry = try access.entry(entryID), entry.columns.author == me else { throw VaultError.notFound("the entry") }
            guard let group = entry.columns.group else {
                throw VaultError(.notPermitted, "only entries written in a group can be shared")
            }
            let roster = Set(try access.members(of: group))
            // Sharing is taking part in the group: someone removed from it keeps their entries, and
            // shares nothing more (a share made now would open to its readers if they were added back).
            guard roster.contains(me) else {
                let name = try access.group(group)?.name ?? "the entry's group"
                throw VaultError(.notPermitted, "you are no longer a member of \(name): your entries stay yours, and sharing them ended with it")
            }
            var readers: [PrincipalID]
            var toGroup = false
            switch audience {
            case let .group(chosen):
                toGroup = true
                guard chosen == group else { throw VaultError(.notPermitted, "an entry is shared within its own group") }
                // The group as it takes part: a disabled member reads nothing, so nothing is sealed to them.
                readers = try access.activeMembers(of: group).subtracting([me]).sorted()
            case let .members(chosen):
                readers = Array(Set(chosen)).sorted()
                guard readers.allSatisfy({ roster.contains($0) && $0 != me }) else {
                    throw VaultError(.notPermitted, "readers must be other members of the entry's group")
                }
                if let disabled = try readers.lazy.compactMap({ try access.principal($0) }).first(where: \.disabled) {
                    throw VaultError(.notPermitted, "\(disabled.name) is disabled and reads nothing: share with the others")
                }
            }
            guard !readers.isEmpty else { throw VaultError(.notPermitted, "a share needs at least one reader") }
            // The same audience again would give each reader the entry twice (in their feed, on the
            // agenda): a share still running is said, not doubled.
            let now = Int64(date.timeIntervalSince1970)
            for running in try access.shares(of: entryID) where running.expiresAt > now {
                let same = toGroup ? running.toGroup
                    : !running.toGroup && Set(FormatV1.audience(fromField: running.audience) ?? []) == Set(readers)
                guard !same else {
                    let prefix = String(running.id.description.prefix(8))
                    throw VaultError(.alreadyShared, "this entry is already shared with \(toGroup ? "the group" : "them") as share \(prefix) "
                                     + "(see `tacit shares`): to change who reads it or until when, unshare it and share it again")
                }
            }
            guard readers.count <= 8 else { throw VaultError(.notPermitted, "a share has at most 8 readers") }
            var sealed: [(PrincipalID, [UInt8])] = []
            var newPins: [[UInt8]] = []
            for reader in readers {
                let pinned = try self.pinnedKeys(of: reader, access: access, keys: keys, allowFirstUse: true)
                sealed.append((reader, pinned.agreement))
                if let element = pinned.newElement { newPins.append(element) }
            }
            let expires: Date
            if let expiry {
                expires = expiry
            } else if let cycleID = entry.columns.cycle, let cycle = try access.cycle(cycleID) {
                expires = self.vault.end(of: cycle)
                // A share that would end before it begins is refused, not made.
                guard expires > date else {
                    throw VaultError(.notPermitted, "the entry's cycle is over, and a share ends with it by default: "
                                     + "give an end date (--until) to share it now")
                }
            } else {
                expires = date.addingTimeInterval(fallbackLifetime)
            }
            let key = try Self.unwrapEntryKey(entry, keys: keys)
            _ = try Self.openEntry(entry, key: key, expected: entryID)
            let (row, seals) = try self.signedShare(id: id, entry: entry, key: key, readers: sealed, toGroup: toGroup,
                                                    expiresAt: Int64(expires.timeIntervalSince1970),
                                                    createdAt: Int64(date.timeIntervalSince1970), keys: keys)
            try access.upsertShare(row)
            try access.replaceSeals(of: id, with: seals)
            if !newPins.isEmpty { try Self.updateManifest(access: access, keys: keys, removing: [], adding: newPins) }
            try access.appendAudit(record?(id))
            return id
        }
    }

    /// Revokes a share: its seals are deleted at once and the entry is re-encrypted under a fresh
    /// key at the author's next unlock (until then the policy engine is the barrier).
    ///
    /// `record`, when given, is appended to the audit chain in the revocation's own transaction.
    ///
    /// - Throws: `VaultError.notFound`.
    public func revoke(_ shareID: ShareID, recording record: AuditDraft? = nil) async throws(VaultError) {
        let me = me
        try await vault.write { access in
            guard let share = try access.share(shareID), share.author == me else { throw VaultError.notFound("the share") }
            try access.deleteShare(shareID)
            try access.markForRekey([share.entry])
            try access.appendAudit(record)
        }
    }

    /// The member's own shares.
    public func shares() async throws(VaultError) -> [ShareInfo] {
        let me = me
        return try await vault.read { access in try access.shares(by: me).map { try Self.info(of: $0, access: access) } }
    }

    /// One of the member's own shares; `nil` for a share that does not exist or is another's.
    public func shareInfo(_ id: ShareID) async throws(VaultError) -> ShareInfo? {
        let me = me
        return try vault.readShort { access in
            guard let share = try access.share(id), share.author == me else { return nil }
            return try Self.info(of: share, access: access)
        }
    }

    private static func info(of share: ShareRow, access: StorageAccess) throws -> ShareInfo {
        ShareInfo(id: share.id, entry: share.entry, readers: try access.seals(of: share.id).map(\.reader),
                  version: share.version, createdAt: Date(timeIntervalSince1970: Double(share.createdAt)),
                  expiresAt: Date(timeIntervalSince1970: Double(share.expiresAt)),
                  reads: Dictionary(try access.reads(of: share.id).map {
                      ($0.0, Date(timeIntervalSince1970: Double($0.1)))
                  }, uniquingKeysWith: { a, _ in a }), toGroup: share.toGroup, group: share.group)
    }

    // MARK: Reading shares

    /// Opens a share. With `recordingRead` the reader's first read is recorded; in a read-only
    /// transaction pass `false` and make sure the author is pinned already (`canOpenReadOnly`).
    func openShare(_ share: ShareRow, seal: [UInt8], access: StorageAccess, keys: MemberKeys, at date: Date,
                   recordingRead: Bool = true) throws -> SharedEntry {
        guard let rows = try ShareRows.load(share, access: access) else { throw VaultError.notFound("the shared entry") }
        return try openShare(rows, seal: seal, access: access, keys: keys, at: date, recordingRead: recordingRead)
    }

    /// `openShare` on rows already read in this transaction (each fetched once per request).
    func openShare(_ rows: ShareRows, seal: [UInt8], pin: PinRow? = nil, access: StorageAccess, keys: MemberKeys, at date: Date,
                   recordingRead: Bool) throws -> SharedEntry {
        let share = rows.share, entry = rows.entry, author = rows.author
        guard date.timeIntervalSince1970 < Double(share.expiresAt) else { throw VaultError.notFound("the share") }
        let c = entry.columns
        guard share.version == c.version, share.group == c.group else { throw VaultError.tampered("a share") }
        let context = FormatV1.shareSealContext(share.id, reader: me, entry: c.id, version: c.version)
        let (key, commitment) = try mapping("a share's seal") {
            try keys.shareKey(seal: seal, context: context) {
                try SealedBox.open(seal, with: keys.agreement, context: context, plaintextByteCount: 32)
            }
        }
        guard ConstantTime.equals(commitment, share.commitment),
              let audience = FormatV1.audience(fromField: share.audience), audience.contains(me) else {
            throw VaultError.tampered("a share")
        }
        let pinned = try pinnedKeys(of: share.author, row: author, pin: pin, access: access, keys: keys, allowFirstUse: true)
        if let element = pinned.newElement { try Self.updateManifest(access: access, keys: keys, removing: [], adding: [element]) }
        // The signature is verified once per (share, version) and remembered (`Vault.verifiedShares`). The
        // cache key includes the signature, the pinned key and the ciphertext's length, and the
        // ciphertext is still authenticated by GCM under the committed key at every read.
        let cacheKey = SHA256.hash(share.id.bytes + Array("\(share.version)/\(share.expiresAt)".utf8) + share.signature
                                   + pinned.signing + share.audience + commitment + [share.toGroup ? 1 : 0])
        if !vault.verifiedShares.contains(cacheKey) {
            let message = FormatV1.shareSignatureMessage(share: share.id, entry: c.id, author: share.author, group: share.group,
                                                         version: c.version, audience: share.audience,
                                                         expiry: UInt64(max(0, share.expiresAt)),
                                                         ciphertextHash: SHA256.hash(entry.ciphertext), commitment: commitment,
                                                         toGroup: share.toGroup)
            let verifier = try mapping("a pinned signing key") { try Ed25519.PublicKey(rawRepresentation: pinned.signing) }
            guard verifier.isValidSignature(share.signature, for: message.bytes) else {
                throw VaultError.tampered("a share's signature")
            }
            vault.verifiedShares.insert(cacheKey)
        }
        let (_, content) = try Self.openEntry(entry, key: key, expected: share.entry)
        if recordingRead { try access.recordRead(share.id, by: me, at: Int64(date.timeIntervalSince1970)) }
        return SharedEntry(share: share.id, author: author.principal,
                           sharedAt: Date(timeIntervalSince1970: Double(share.createdAt)),
                           expiresAt: Date(timeIntervalSince1970: Double(share.expiresAt)),
                           entry: Entry(metadata: EntryMetadata(c), content: content))
    }

    /// Opens an entry shared with the member.
    ///
    /// `authorize`, when given, decides on the share's facts (`ShareReadFacts` and the reader's
    /// groups) read in the same transaction as the entry, before anything is opened; a refusal is
    /// `.notFound`, as for a share that does not exist.
    ///
    /// - Throws: `VaultError.notFound` for a share not sealed to them or expired;
    ///   `.authenticationFailed` for a changed seal, signature, commitment or ciphertext;
    ///   `.peerKeyUnconfirmed` when the author's keys differ from the pinned ones.
    public func sharedEntry(_ shareID: ShareID,
                            authorize: (@Sendable (ShareReadFacts, [GroupID]) -> Bool)? = nil) async throws(VaultError) -> SharedEntry {
        let keys = try keys()
        let me = me
        let date = vault.now
        // The share, its entry and its author are read once and serve both the decision (taken
        // before anything opens; a refusal is the same 404 as a share that does not exist) and the
        // opening.
        @Sendable func load(_ access: StorageAccess) throws -> (ShareRows, seal: [UInt8]) {
            guard let rows = try ShareRows.load(shareID, access: access) else { throw VaultError.notFound("the share") }
            if let authorize {
                let facts = try ShareReadFacts(rows, authorGroups: try access.groupIDs(of: rows.share.author), access: access)
                guard authorize(facts, try access.groupIDs(of: me)) else { throw VaultError.notFound("the share") }
            }
            guard let seal = try access.seal(of: shareID, for: me) else { throw VaultError.notFound("the share") }
            return (rows, seal)
        }
        // Every read after the first needs no write (the author is pinned, the read recorded), so it
        // runs in a read transaction: no write counter, no fsync. Its rows come in one statement
        // and the two principals' groups in another.
        let repeated: SharedEntry? = try vault.readShort { access in
            guard let read = try access.shareRead(shareID, reader: me) else { throw VaultError.notFound("the share") }
            if let authorize {
                let groups = try access.groupIDs(of: read.rows.share.author, and: me)
                let facts = ShareReadFacts(read.rows, authorGroups: groups.first, group: read.group)
                guard authorize(facts, groups.second) else { throw VaultError.notFound("the share") }
            }
            guard let seal = read.seal else { throw VaultError.notFound("the share") }
            guard let pin = read.pin, read.hasRead else { return nil }
            return try self.openShare(read.rows, seal: seal, pin: pin, access: access, keys: keys, at: date, recordingRead: false)
        }
        if let repeated { return repeated }
        return try await vault.write { access in
            let (rows, seal) = try load(access)
            return try self.openShare(rows, seal: seal, access: access, keys: keys, at: date, recordingRead: true)
        }
    }

    /// The entries shared with the member that their keys open, newest share first, and how many
    /// shares failed to open (each failure is logged without content).
    public func feed() async throws(VaultError) -> (entries: [SharedEntry], failures: Int) {
        let keys = try keys()
        let me = me
        let date = vault.now
        let logger = vault.logger
        // Listing the feed is not reading: it records no reads, and needs a write only to pin an
        // author seen for the first time.
        let needsPins = try await vault.read { access in
            try access.sharesSealed(to: me).contains { try access.pin(owner: me, peer: $0.0.author) == nil }
        }
        let body: @Sendable (StorageAccess) throws -> (entries: [SharedEntry], failures: Int) = { access in
            var entries: [SharedEntry] = [], failures = 0
            for (share, seal) in try access.sharesSealed(to: me) where date.timeIntervalSince1970 < Double(share.expiresAt) {
                do {
                    entries.append(try self.openShare(share, seal: seal, access: access, keys: keys, at: date,
                                                      recordingRead: false))
                } catch {
                    failures += 1
                    logger.warning("a shared entry did not open", metadata: ["share": "\(share.id)",
                                                                             "error": "\(VaultError.wrap(error).code.rawValue)"])
                }
            }
            return (entries.sorted { a, b in
                a.sharedAt != b.sharedAt ? a.sharedAt > b.sharedAt : a.share > b.share
            }, failures)
        }
        return needsPins ? try await vault.write(body) : try await vault.read(body)
    }
}

/// The rows of a repeated read of a share (see `StorageAccess.shareRead(_:reader:)`): besides
/// `ShareRows`, the entry's group, and the reader's seal, pin of the author and earlier read.
struct ShareReadRows {
    let rows: ShareRows
    let group: Group?
    let seal: [UInt8]?
    let pin: PinRow?
    let hasRead: Bool
}

/// The rows a read of one share needs besides its seal: the share, its entry (by the share's
/// author) and that author, each fetched once.
struct ShareRows {
    let share: ShareRow
    let entry: EntryRow
    let author: PrincipalRow

    /// `nil` when the entry or the author is gone, or the entry is not the share's author's.
    static func load(_ share: ShareRow, access: StorageAccess) throws -> ShareRows? {
        guard let entry = try access.entry(share.entry), entry.columns.author == share.author,
              let author = try access.principal(share.author) else { return nil }
        return ShareRows(share: share, entry: entry, author: author)
    }

    /// The rows of the share `id`, in one statement; `nil` as for `load(_:access:)`, or when the
    /// share is not there.
    static func load(_ id: ShareID, access: StorageAccess) throws -> ShareRows? {
        guard let (share, entry, author) = try access.shareWithEntryAndAuthor(id), entry.columns.author == share.author else {
            return nil
        }
        return ShareRows(share: share, entry: entry, author: author)
    }
}
