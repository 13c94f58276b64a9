import Foundation
import TacitCrypto

extension MemberSession {
    // MARK: Entry crypto (format v1, `Keys/README.md` "Entries")

    static func wrapEntryKey(_ key: SecretBytes, columns: EntryColumns, keys: MemberKeys) throws -> [UInt8] {
        try AESGCM.seal(key, key: keys.entryWrap,
                        associatedData: FormatV1.entryKeyAD(columns.id, author: columns.author, version: columns.version).bytes)
    }

    static func unwrapEntryKey(_ row: EntryRow, keys: MemberKeys) throws -> SecretBytes {
        let c = row.columns
        do {
            return try AESGCM.open(row.wrappedKey, key: keys.entryWrap,
                                   associatedData: FormatV1.entryKeyAD(c.id, author: c.author, version: c.version).bytes)
        } catch {
            throw VaultError.wrap(error, "an entry's wrapped key")
        }
    }

    /// Seals a padded payload under a fresh entry key; returns the row and the key.
    static func sealEntry(columns: EntryColumns, padded: SecretBytes, keys: MemberKeys) throws -> (EntryRow, SecretBytes) {
        precondition(columns.sizeBucket == padded.count, "the bucket is the padded size")
        let key = try SecretBytes.random(count: 32)
        let ciphertext = try AESGCM.seal(padded, key: key, associatedData: FormatV1.entryPayloadAD(columns).bytes)
        let row = EntryRow(columns: columns, ciphertext: ciphertext, wrappedKey: try wrapEntryKey(key, columns: columns, keys: keys),
                           needsRekey: false)
        return (row, key)
    }

    /// Opens a row with its entry key: the AD is rebuilt from the row's clear columns, and after
    /// decryption the columns are checked again against what the caller asked for.
    static func openEntry(_ row: EntryRow, key: SecretBytes, expected id: EntryID) throws -> (SecretBytes, EntryContent) {
        let c = row.columns
        guard c.id == id, PayloadCodec.isBucket(c.sizeBucket), row.ciphertext.count == c.sizeBucket + AESGCM.overhead else {
            throw VaultError.tampered("an entry")
        }
        let padded: SecretBytes
        do {
            padded = try AESGCM.open(row.ciphertext, key: key, associatedData: FormatV1.entryPayloadAD(c).bytes)
        } catch {
            throw VaultError.wrap(error, "an entry")
        }
        guard padded.count == c.sizeBucket else { throw VaultError.tampered("an entry") }
        return (padded, try PayloadCodec.decode(padded))
    }

    /// Resolves cycle, group and kind for a new entry of this member at `date`.
    func classify(_ draft: EntryDraft, access: StorageAccess, at date: Date) throws -> (CycleID?, GroupID?, EntryKind) {
        try classify(draft, facts: vault.entryWriteFacts(author: me, cycle: draft.cycle, access: access, at: date), at: date)
    }

    /// `classify` on the write's facts already read: a cycle asked for must exist and be of one of
    /// the member's groups; the kind defaults from the cycle's phase.
    func classify(_ draft: EntryDraft, facts: EntryWriteFacts, at date: Date) throws -> (CycleID?, GroupID?, EntryKind) {
        if draft.cycle != nil {
            guard let cycle = facts.cycle else { throw VaultError.notFound("the cycle") }
            guard facts.authorGroups.contains(cycle.group) else {
                throw VaultError(.notPermitted, "you are not a member of that cycle's group")
            }
        }
        let kind = draft.kind ?? facts.cycle.map { vault.phase(of: $0, at: date).defaultEntryKind } ?? .note
        return (facts.cycle?.id, facts.cycle?.group, kind)
    }

    func newEntry(_ draft: EntryDraft, access: StorageAccess, keys: MemberKeys, at date: Date,
                  classified: (CycleID?, GroupID?, EntryKind)? = nil, id: EntryID? = nil) throws -> (EntryRow, [UInt8]) {
        let prepared = try prepareEntry(draft, classified: classified ?? classify(draft, access: access, at: date), keys: keys,
                                        at: date, decodingBack: false, id: id)
        try access.insertEntry(prepared.row)
        return (prepared.row, prepared.element)
    }

    /// A new entry sealed and ready to insert: everything of a write that needs no database.
    struct PreparedEntry: Sendable {
        let row: EntryRow
        /// Its element of the manifest's set.
        let element: [UInt8]
        /// With `decodingBack`, the content exactly as a read will return it (the payload stores
        /// times in milliseconds).
        let content: EntryContent?
    }

    /// Pads and seals `draft` as a new entry of `classified` (cycle, group, kind) under a fresh entry
    /// key and a fresh id (or `id`: a jot's, which the entry takes over).
    func prepareEntry(_ draft: EntryDraft, classified: (CycleID?, GroupID?, EntryKind), keys: MemberKeys, at date: Date,
                      decodingBack: Bool, id: EntryID? = nil) throws -> PreparedEntry {
        let (cycle, group, kind) = classified
        let created = draft.created ?? date
        // Not edited yet: an imported entry or an opened jot keeps its own time as its last change
        // (stamping the import's time made `show` call it edited).
        let content = EntryContent(title: draft.title, body: draft.body, tags: draft.tags, topic: draft.topic,
                                   created: created, updated: created)
        let (padded, bucket) = try PayloadCodec.encode(content)
        let columns = EntryColumns(id: try id ?? EntryID.random(), author: me, group: group, cycle: cycle, kind: kind,
                                   isoWeek: vault.calendar.isoWeek(created), sizeBucket: bucket, version: 1)
        let (row, _) = try Self.sealEntry(columns: columns, padded: padded, keys: keys)
        return PreparedEntry(row: row, element: try keys.entryElement(columns.id, version: 1),
                             content: decodingBack ? try PayloadCodec.decode(padded) : nil)
    }

    // MARK: Public entry operations

    /// Writes a new entry: payload padded to its bucket, sealed under a fresh entry key, with the
    /// manifest updated in the same transaction. A returned write is on disk.
    ///
    /// - Throws: `VaultError.locked`, `.invalidInput`, `.notFound` / `.notPermitted` for a cycle of
    ///   another group, `.integrityViolation` when the manifest was edited.
    public func write(_ draft: EntryDraft) async throws(VaultError) -> EntryMetadata {
        try await writeEntry(draft).metadata
    }

    /// Writes a new entry as `write(_:)` does and returns it whole, as a read of it would.
    public func writeEntry(_ draft: EntryDraft) async throws(VaultError) -> Entry {
        try await writeEntry(draft, deciding: { _ in VaultError?.none }).get()
    }

    /// Writes a new entry as `writeEntry(_:)` does, decided inside the write's own transaction:
    /// `decide` gets the facts of the write (the draft's cycle or the member's current one, its
    /// group, the member's groups) from the same snapshot the write goes on, and returns `nil` to
    /// write or the caller's refusal, which comes back as `.failure` with nothing written.
    ///
    /// One transaction instead of a read for the decision and a write after it: no window between
    /// them, and a durable write through the daemon pays for one transaction, not two. The entry is
    /// sealed before the transaction, on this task's thread, for the cycle, group and kind that the
    /// member's previous write's facts give; the transaction uses that sealed row only when its own
    /// facts give the same, and seals again otherwise. So the one writer, which every durable write
    /// in the vault waits for, does no sealing while nothing changed.
    ///
    /// `record`, when given, makes the audit record of the write (from the new entry's id), which is
    /// appended to the audit chain in the same transaction: the write and its record commit together
    /// or not at all, and share one sync of the log.
    ///
    /// - Parameters:
    ///   - decide: runs inside the transaction; it must not block or wait.
    ///   - record: runs inside the transaction after the entry is in; it must not block or wait.
    /// - Throws: as `writeEntry(_:)`; a cycle asked for that does not exist or is not of the
    ///   member's groups is `.notFound` / `.notPermitted` even when `decide` let it through.
    public func writeEntry<Refusal: Error & Sendable>(
        _ draft: EntryDraft, deciding decide: @escaping @Sendable (EntryWriteFacts) -> Refusal?,
        recording record: (@Sendable (EntryID) -> AuditDraft)? = nil
    ) async throws(VaultError) -> Result<Entry, Refusal> {
        let keys = try keys()
        let date = vault.now
        let me = me
        let guess = lastWriteFacts.withLock { last in last.flatMap { $0.requested == draft.cycle ? $0.facts : nil } }
        let sealedAhead = guess.flatMap { facts in
            try? prepareEntry(draft, classified: classify(draft, facts: facts, at: date), keys: keys, at: date, decodingBack: true)
        }
        let refused = Locked<Refusal?>(nil)
        do {
            return .success(try await vault.write { access in
                let facts = try self.vault.entryWriteFacts(author: me, cycle: draft.cycle, access: access, at: date)
                self.lastWriteFacts.withLock { $0 = (draft.cycle, facts) }
                if let refusal = decide(facts) {
                    refused.withLock { $0 = refusal }
                    throw VaultError(.notPermitted, "the write was refused")
                }
                let (cycle, group, kind) = try self.classify(draft, facts: facts, at: date)
                let entry: PreparedEntry
                if let sealedAhead, sealedAhead.row.columns.cycle == cycle, sealedAhead.row.columns.group == group,
                   sealedAhead.row.columns.kind == kind {
                    entry = sealedAhead
                    self.sealing.withLock { $0.ahead += 1 }
                } else {
                    entry = try self.prepareEntry(draft, classified: (cycle, group, kind), keys: keys, at: date, decodingBack: true)
                    self.sealing.withLock { $0.inWriter += 1 }
                }
                try access.insertEntry(entry.row)
                try Self.updateManifest(access: access, keys: keys, removing: [], adding: [entry.element])
                try access.appendAudit(record?(entry.row.columns.id))
                guard let content = entry.content else { throw VaultError(.storage, "a new entry's content was not decoded") }
                return Entry(metadata: EntryMetadata(entry.row.columns), content: content)
            })
        } catch {
            if let refusal = refused.withLock({ $0 }) { return .failure(refusal) }
            throw error
        }
    }

    /// Imports many entries in one transaction (one manifest update); `drafts` is consumed lazily,
    /// so a large import holds one payload at a time. `record`, when given, makes the import's
    /// audit record from the number written; it commits with the entries.
    ///
    /// - Returns: the number of entries written.
    public func importEntries<S: Sequence & Sendable>(_ drafts: S, recording record: (@Sendable (Int) -> AuditDraft)? = nil)
        async throws(VaultError) -> Int where S.Element == EntryDraft {
        let keys = try keys()
        let date = vault.now
        return try await vault.write { access in
            var set = [UInt8].zeroHash
            var count = 0
            // Classification depends only on (cycle, kind) within one transaction: resolve each pair once.
            var classified: [String: (CycleID?, GroupID?, EntryKind)] = [:]
            for draft in drafts {
                let cacheKey = "\(draft.cycle?.description ?? "-")/\(draft.kind?.rawValue ?? "-")"
                let resolved = try classified[cacheKey] ?? self.classify(draft, access: access, at: date)
                classified[cacheKey] = resolved
                let (_, element) = try self.newEntry(draft, access: access, keys: keys, at: date, classified: resolved)
                xorInPlace(&set, element)
                count += 1
            }
            try Self.updateManifest(access: access, keys: keys, removing: [], adding: [set])
            try access.appendAudit(record?(count))
            return count
        }
    }

    /// Reads one of the member's own entries.
    ///
    /// - Throws: `VaultError.notFound` (also for another member's entry: existence does not leak),
    ///   `.authenticationFailed` when anything stored was changed.
    public func entry(_ id: EntryID) async throws(VaultError) -> Entry {
        let keys = try keys()
        let me = me
        return try vault.readShort { access in
            guard let row = try access.entry(id), row.columns.author == me else { throw VaultError.notFound("the entry") }
            let key = try Self.unwrapEntryKey(row, keys: keys)
            let (_, content) = try Self.openEntry(row, key: key, expected: id)
            return Entry(metadata: EntryMetadata(row.columns), content: content)
        }
    }

    /// Every entry of the member, decrypted, newest first.
    ///
    /// - Throws: `.authenticationFailed` on the first entry that fails to verify.
    public func entries() async throws(VaultError) -> [Entry] {
        let keys = try keys()
        let me = me
        return try await vault.read { access in
            try access.entries(by: me).map { row in
                let (_, content) = try Self.openEntry(row, key: try Self.unwrapEntryKey(row, keys: keys), expected: row.columns.id)
                return Entry(metadata: EntryMetadata(row.columns), content: content)
            }.sorted { a, b in
                a.content.created != b.content.created ? a.content.created > b.content.created : a.metadata.id > b.metadata.id
            }
        }
    }

    /// Replaces an entry's content with a new version under a new entry key; its shares follow
    /// (re-sealed to their remaining readers and re-signed) in the same transaction, as does
    /// `record` (the edit's audit record), when given. With `expectedVersion`, the edit is made
    /// only on that version: one made on a copy read before another edit changes nothing.
    ///
    /// - Throws: as `entry(_:)`; `versionConflict` when the entry is past `expectedVersion`.
    @discardableResult
    ///
    /// `resealed`, when given, hears what re-sealing the entry's shares left out, once the edit is
    /// committed: a reader removed since (or with a changed key) is dropped by an edit as by a
    /// re-key at login, which then has nothing left to tell.
    public func update(_ id: EntryID, with draft: EntryDraft, expectedVersion: Int? = nil,
                       recording record: AuditDraft? = nil,
                       resealed: (@Sendable (ResealOutcome) -> Void)? = nil) async throws(VaultError) -> EntryMetadata {
        let keys = try keys()
        let me = me
        let date = vault.now
        defer { searchCache.remove(id) }
        let (metadata, outcome) = try await vault.write { access in
            guard let row = try access.entry(id), row.columns.author == me else { throw VaultError.notFound("the entry") }
            // Checked in the write's own transaction, so no other edit can come between.
            if let expectedVersion, expectedVersion != row.columns.version {
                throw VaultError(.versionConflict, "the entry was changed after version \(expectedVersion) was read "
                                 + "(it is at version \(row.columns.version) now): nothing was saved")
            }
            let (_, old) = try Self.openEntry(row, key: try Self.unwrapEntryKey(row, keys: keys), expected: id)
            let content = EntryContent(title: draft.title, body: draft.body, tags: draft.tags, topic: draft.topic,
                                       created: old.created, updated: date)
            let (padded, bucket) = try PayloadCodec.encode(content)
            var columns = row.columns
            columns.kind = draft.kind ?? columns.kind
            columns.sizeBucket = bucket
            columns.version += 1
            let (newRow, key) = try Self.sealEntry(columns: columns, padded: padded, keys: keys)
            try access.replaceEntry(newRow, previousVersion: row.columns.version)
            let outcome = try self.resealShares(of: newRow, key: key, access: access, keys: keys)
            try Self.updateManifest(access: access, keys: keys,
                                    removing: [try keys.entryElement(id, version: row.columns.version)],
                                    adding: [try keys.entryElement(id, version: columns.version)])
            try access.appendAudit(record)
            return (EntryMetadata(columns), outcome)
        }
        resealed?(outcome)
        return metadata
    }

    /// Deletes an entry: ciphertext, wrapped key, shares and seals go in one transaction
    /// (`secure_delete` zeroes the freed cells), with `record` (the deletion's audit record) when given.
    ///
    /// - Throws: `VaultError.notFound`.
    public func delete(_ id: EntryID, recording record: AuditDraft? = nil) async throws(VaultError) {
        let keys = try keys()
        let me = me
        defer { searchCache.remove(id) }
        try await vault.write { access in
            guard let row = try access.entry(id), row.columns.author == me else { throw VaultError.notFound("the entry") }
            try access.deleteEntry(id)
            try Self.updateManifest(access: access, keys: keys,
                                    removing: [try keys.entryElement(id, version: row.columns.version)], adding: [])
            try access.appendAudit(record)
        }
    }

    // MARK: Jots and re-keying at unlock

    /// Opens every pending jot into a practice entry of the cycle that was the member's when it was
    /// jotted — or a note, the kind of an entry outside a cycle's phases, when none was — deleting
    /// the sealed form in the same transaction. Returns how many, and how many became notes.
    func openJots() async throws(VaultError) -> (all: Int, notes: Int) {
        let keys = try keys()
        let me = me
        let date = vault.now
        return try await vault.write { access in
            var added: [[UInt8]] = [], notes = 0
            for jot in try access.jots(of: me) {
                let padded = try mapping("a sealed note") {
                    try SealedBox.open(jot.box, with: keys.agreement, context: FormatV1.jotContext(jot.id, member: me))
                }
                guard PayloadCodec.isBucket(padded.count) else { throw VaultError.tampered("a sealed note") }
                let content = try PayloadCodec.decode(padded)
                let draft = EntryDraft(title: content.title, body: content.body, tags: content.tags, topic: content.topic,
                                       kind: .practice, created: content.created)
                // Under the jot's id: the one its author was given when jotting; and in the cycle that
                // was the member's when it was jotted, not the one open at this login (a jot from a
                // cycle's practice weeks opened after its close had gone into the next cycle, or none).
                var classified = try self.classify(draft, access: access, at: content.created)
                // Jotted between cycles (or before the first): a note, as a write then would be.
                if classified.0 == nil {
                    classified.2 = .note
                    notes += 1
                }
                let (_, element) = try self.newEntry(draft, access: access, keys: keys, at: date, classified: classified,
                                                     id: EntryID(jot.id.uuid))
                added.append(element)
                try access.deleteJot(jot.id)
            }
            if !added.isEmpty { try Self.updateManifest(access: access, keys: keys, removing: [], adding: added) }
            return (added.count, notes)
        }
    }

    /// Re-encrypts every entry marked by a revocation or a removal under a fresh key (a new
    /// version) and re-seals it to its remaining readers.
    func rekeyMarkedEntries() async throws(VaultError) -> (count: Int, outcome: ResealOutcome) {
        let keys = try keys()
        let me = me
        return try await vault.write { access in
            let marked = try access.entriesNeedingRekey(by: me)
            var removing: [[UInt8]] = [], adding: [[UInt8]] = []
            var outcome = ResealOutcome()
            for row in marked {
                let (padded, _) = try Self.openEntry(row, key: try Self.unwrapEntryKey(row, keys: keys), expected: row.columns.id)
                var columns = row.columns
                columns.version += 1
                let (newRow, key) = try Self.sealEntry(columns: columns, padded: padded, keys: keys)
                try access.replaceEntry(newRow, previousVersion: row.columns.version)
                outcome.add(try self.resealShares(of: newRow, key: key, access: access, keys: keys))
                self.searchCache.remove(row.columns.id)
                removing.append(try keys.entryElement(row.columns.id, version: row.columns.version))
                adding.append(try keys.entryElement(columns.id, version: columns.version))
            }
            if !marked.isEmpty { try Self.updateManifest(access: access, keys: keys, removing: removing, adding: adding) }
            return (marked.count, outcome)
        }
    }
}
