import Foundation
import TacitCrypto

/// One event for the audit log, before it is chained: who did what to which resource, and what the
/// policy engine decided. Never content.
public struct AuditDraft: Sendable, Equatable {
    /// Who acted; `nil` for an unauthenticated request.
    public var actor: PrincipalID?
    /// The action (`readShared`, `writeEntry`, `unlock`, …).
    public var action: String
    /// The resource's id (an entry, share, group or cycle id), or a short label.
    public var resource: String
    /// `allow` or `deny`.
    public var decision: String
    /// The ids of the policies that determined the decision.
    public var policies: [String]
    /// SHA-256 (hex) of the policy text in force.
    public var policyHash: String
    /// When, by the daemon's clock.
    public var time: Date

    /// Creates an audit event.
    public init(actor: PrincipalID?, action: String, resource: String, decision: String, policies: [String],
                policyHash: String, time: Date) {
        self.actor = actor
        self.action = action
        self.resource = resource
        self.decision = decision
        self.policies = policies
        self.policyHash = policyHash
        self.time = time
    }
}

/// A record of the hash-chained audit log: `hash = SHA-256(previous hash ‖ record)`.
public struct AuditRecord: Sendable, Equatable {
    /// Position in the chain, from 1.
    public let sequence: UInt64
    /// The event.
    public let draft: AuditDraft
    /// This record's chain hash.
    public let hash: [UInt8]
}

/// The result of recomputing the audit chain.
public struct AuditChainCheck: Sendable, Equatable {
    /// Whether every hash chains and the head matches the instance state.
    public let isIntact: Bool
    /// How many records were checked.
    public let records: UInt64
    /// The head hash.
    public let head: [UInt8]
    /// The place (from 1) of the first record that does not chain, when not intact.
    public let firstBroken: UInt64?
}

extension Vault {
    /// Appends `drafts` to the audit chain in one transaction and returns the new head.
    ///
    /// - Throws: `VaultError.storage`.
    @discardableResult
    public func appendAudit(_ drafts: [AuditDraft]) async throws(VaultError) -> [UInt8] {
        guard !drafts.isEmpty else { return try await read { try $0.instanceState().auditHead } }
        return try await write { access in try Self.appendAudit(drafts, access: access) }
    }

    /// Appends `drafts` to the audit chain inside the caller's transaction (a write whose record
    /// must commit with it, or not at all) and returns the new head.
    static func appendAudit(_ drafts: [AuditDraft], access: StorageAccess) throws -> [UInt8] {
        var head = try access.instanceState().auditHead
        var sequence = try access.lastAuditSequence()
        for draft in drafts {
            sequence += 1
            let record = encode(draft, sequence: UInt64(sequence))
            head = SHA256.hash(head + record)
            try access.insertAuditRecord(sequence: sequence, record: record, hash: head)
        }
        // The head is set once per batch: the window's flush of a busy daemon carries dozens of
        // reads' records, and an UPDATE for each cost it about a sixth more writer CPU
        // (`tacit-bench vault`, audit step: 1.57–1.72 → 1.36–1.46 durable writes' worth).
        if !drafts.isEmpty { try access.setAuditHead(head) }
        return head
    }

    /// The latest `latest` audit records that `include` accepts, oldest first.
    ///
    /// The log is read one record at a time and only the matches kept are held: it grows without
    /// bound (every shared read adds a record), and a listing must not need memory for all of it.
    ///
    /// - Parameter unreadable: when given, a record that cannot be decoded is passed to it (its
    ///   sequence) and left out, so one damaged record does not hide the intact ones.
    /// - Throws: `VaultError.storage`; `.integrityViolation` for a record that cannot be decoded,
    ///   when `unreadable` is not given.
    public func auditRecords(latest: Int = .max, where include: @Sendable @escaping (AuditDraft) -> Bool = { _ in true },
                             unreadable: (@Sendable (UInt64) -> Void)? = nil)
        async throws(VaultError) -> [AuditRecord] {
        guard latest > 0 else { return [] }
        // Matches are kept up to twice `latest`, then cut back to the latest `latest`.
        let high = latest > Int.max / 2 ? Int.max : 2 * latest
        return try await read { access in
            var kept: [AuditRecord] = []
            try access.forEachAuditRecord { sequence, record, hash in
                guard let draft = try Self.decodeStored(sequence, record, unreadable: unreadable), include(draft) else { return }
                if kept.count == high { kept.removeFirst(kept.count - latest) }
                kept.append(AuditRecord(sequence: UInt64(sequence), draft: draft, hash: hash))
            }
            return Array(kept.suffix(latest))
        }
    }

    /// The latest `count` audit records, oldest first, read from the end of the log.
    ///
    /// - Parameter unreadable: as for `auditRecords(latest:where:unreadable:)`; a record left out
    ///   still counts toward `count`.
    /// - Throws: `VaultError.storage`; `.integrityViolation` for a record that cannot be decoded,
    ///   when `unreadable` is not given.
    public func latestAuditRecords(_ count: Int, unreadable: (@Sendable (UInt64) -> Void)? = nil)
        async throws(VaultError) -> [AuditRecord] {
        guard count > 0 else { return [] }
        return try await read { access in
            try access.latestAuditRecords(count).compactMap { row in
                try Self.decodeStored(row.sequence, row.record, unreadable: unreadable).map {
                    AuditRecord(sequence: UInt64(row.sequence), draft: $0, hash: row.hash)
                }
            }
        }
    }

    /// The event in a stored record; for one that cannot be decoded, `nil` after telling
    /// `unreadable`, or an error when there is no `unreadable` to tell.
    private static func decodeStored(_ sequence: Int64, _ record: [UInt8],
                                     unreadable: (@Sendable (UInt64) -> Void)?) throws(VaultError) -> AuditDraft? {
        guard sequence >= 1, let parsed = parse(record) else {
            guard let unreadable else { throw VaultError(.integrityViolation, "audit record \(sequence) cannot be read") }
            unreadable(UInt64(max(0, sequence)))
            return nil
        }
        return parsed.draft
    }

    /// Recomputes the chain from the first record and compares it with the stored hashes and head,
    /// reading one record at a time (the log grows without bound).
    ///
    /// - Throws: `VaultError.storage`.
    public func verifyAuditChain() async throws(VaultError) -> AuditChainCheck {
        try await read { access in try Self.checkAuditChain(access) }
    }

    /// `verifyAuditChain`'s work on one database (the vault's, or a backup's before it is staged).
    static func checkAuditChain(_ access: StorageAccess) throws -> AuditChainCheck {
        let storedHead = try access.instanceState().auditHead
        var head = [UInt8](repeating: 0, count: 32)
        var records: Int64 = 0
        var firstBroken: Int64?
        try access.forEachAuditRecord { sequence, record, hash in
            records += 1
            guard firstBroken == nil else { return }
            head = SHA256.hash(head + record)
            // A record is broken where its place, the sequence stored beside it, the sequence
            // inside it or its hash disagree.
            if sequence != records || Self.sequence(of: record) != UInt64(records) || !ConstantTime.equals(head, hash) {
                firstBroken = records
            }
        }
        if let firstBroken {
            return AuditChainCheck(isIntact: false, records: UInt64(records), head: storedHead, firstBroken: UInt64(firstBroken))
        }
        let intact = ConstantTime.equals(head, storedHead)
        return AuditChainCheck(isIntact: intact, records: UInt64(records), head: storedHead,
                               firstBroken: intact ? nil : UInt64(records + 1))
    }

    // MARK: record encoding (Keys/README.md, "Other secrets": the audit chain)

    static func encode(_ draft: AuditDraft, sequence: UInt64) -> [UInt8] {
        var encoding = CanonicalEncoding(.auditRecord)
        encoding.append(sequence)
        encoding.append(UInt64(max(0, draft.time.timeIntervalSince1970.rounded(.down))))
        encoding.append(draft.actor.map { $0.bytes } ?? [])
        encoding.append(String(draft.action.prefix(200)))
        encoding.append(String(draft.resource.prefix(200)))
        encoding.append(draft.decision)
        encoding.append(draft.policies.joined(separator: ","))
        encoding.append(draft.policyHash)
        return encoding.bytes
    }

    /// The byte ranges of a stored record's nine fields when it has this format's shape — the
    /// label, an 8-byte sequence and time, a 16-byte or empty actor — or `nil`. Reads in place,
    /// copying no field: the chain's check runs it on every record (copying each record's nine
    /// fields into arrays and strings was most of the time `tacit audit verify` took).
    static func fieldRanges(of record: [UInt8]) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(9)
        var index = 0
        while index < record.count {
            guard ranges.count < 9, index + 2 <= record.count else { return nil }
            let length = Int(record[index]) << 8 | Int(record[index + 1])
            index += 2
            guard index + length <= record.count else { return nil }
            ranges.append(index..<(index + length))
            index += length
        }
        guard ranges.count == 9, record[ranges[0]].elementsEqual(DomainLabel.auditRecord.text.utf8),
              ranges[1].count == 8, ranges[2].count == 8, ranges[3].count == 16 || ranges[3].isEmpty else { return nil }
        return ranges
    }

    /// The sequence inside a stored record of this format's shape (`fieldRanges`), or `nil`.
    static func sequence(of record: [UInt8]) -> UInt64? {
        fieldRanges(of: record).map { record[$0[1]].reduce(0) { $0 << 8 | UInt64($1) } }
    }

    /// A stored record's sequence and event; `nil` when it is not a record of this format.
    static func parse(_ record: [UInt8]) -> (sequence: UInt64, draft: AuditDraft)? {
        guard let ranges = fieldRanges(of: record) else { return nil }
        let fields = ranges.map { Array(record[$0]) }
        func text(_ index: Int) -> String { String(decoding: fields[index], as: UTF8.self) }
        let sequence = fields[1].reduce(0) { $0 << 8 | UInt64($1) }
        let seconds = fields[2].reduce(0) { $0 << 8 | UInt64($1) }
        let actor: PrincipalID? = fields[3].isEmpty ? nil : PrincipalID(UUID(uuid: (
            fields[3][0], fields[3][1], fields[3][2], fields[3][3], fields[3][4], fields[3][5], fields[3][6], fields[3][7],
            fields[3][8], fields[3][9], fields[3][10], fields[3][11], fields[3][12], fields[3][13], fields[3][14],
            fields[3][15])))
        let policies = text(7).isEmpty ? [] : text(7).split(separator: ",").map(String.init)
        return (sequence, AuditDraft(actor: actor, action: text(4), resource: text(5), decision: text(6), policies: policies,
                                     policyHash: text(8), time: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }
}

extension StorageAccess {
    /// Appends `draft`, when there is one, to the audit chain inside this transaction: the record of
    /// a change (`recording:`) commits with the change or not at all.
    func appendAudit(_ draft: AuditDraft?) throws {
        if let draft { _ = try Vault.appendAudit([draft], access: self) }
    }
}
