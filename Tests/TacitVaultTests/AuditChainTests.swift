import Foundation
import GRDB
import Testing
import TacitCrypto
@testable import TacitVault

/// The audit chain as `verifyAuditChain` checks it, against the changes someone with write access
/// to the database file (and not to the instance's keys) could make: an edited record, a deleted,
/// swapped or renumbered one, a cut-off tail. And the listings that read only the end of the log.
@Suite struct AuditChainTests {
    /// A vault with `count` records: actions `act1…`, resources alternating `even`/`odd`.
    func chain(_ count: Int) async throws -> Fixture {
        let f = try await Fixture()
        let drafts = (1...count).map { index in
            AuditDraft(actor: nil, action: "act\(index)", resource: index % 2 == 0 ? "even" : "odd", decision: "allow",
                       policies: ["p\(index)"], policyHash: "h", time: Date(timeIntervalSince1970: 1_767_225_600 + Double(index)))
        }
        try await f.vault.appendAudit(drafts)
        return f
    }

    func records(_ f: Fixture) throws -> [(sequence: Int64, record: Data, hash: Data)] {
        try f.vault.storage.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, record, hash FROM audit_record ORDER BY sequence").map {
                ($0["sequence"], $0["record"], $0["hash"])
            }
        }
    }

    @Test func anUntouchedChainIsIntact() async throws {
        let f = try await chain(12)
        let check = try await f.vault.verifyAuditChain()
        #expect(check.isIntact)
        #expect(check.records == 12)
        #expect(check.firstBroken == nil)
    }

    @Test func anEditedRecordBreaksTheChainWhereItIs() async throws {
        let f = try await chain(12)
        var record = [UInt8](try records(f)[4].record)
        record[record.count - 1] ^= 1
        try f.sql("UPDATE audit_record SET record = ? WHERE sequence = 5", [Data(record)])
        let check = try await f.vault.verifyAuditChain()
        #expect(!check.isIntact)
        #expect(check.firstBroken == 5)
        #expect(check.records == 12)
    }

    /// A record edited together with its own hash still breaks the chain at the next record.
    @Test func anEditedRecordWithItsHashRecomputedBreaksTheNextLink() async throws {
        let f = try await chain(12)
        let rows = try records(f)
        var record = [UInt8](rows[4].record)
        record[record.count - 1] ^= 1
        let hash = SHA256.hash([UInt8](rows[3].hash) + record)
        try f.sql("UPDATE audit_record SET record = ?, hash = ? WHERE sequence = 5", [Data(record), Data(hash)])
        let check = try await f.vault.verifyAuditChain()
        #expect(!check.isIntact)
        #expect(check.firstBroken == 6)
    }

    @Test func aDeletedRecordBreaksTheChain() async throws {
        let f = try await chain(12)
        try f.sql("DELETE FROM audit_record WHERE sequence = 7")
        let check = try await f.vault.verifyAuditChain()
        #expect(!check.isIntact)
        #expect(check.firstBroken == 7)
        #expect(check.records == 11)
    }

    @Test func swappedRecordsBreakTheChain() async throws {
        let f = try await chain(12)
        let rows = try records(f)
        try f.sql("UPDATE audit_record SET record = ?, hash = ? WHERE sequence = 3", [rows[3].record, rows[3].hash])
        try f.sql("UPDATE audit_record SET record = ?, hash = ? WHERE sequence = 4", [rows[2].record, rows[2].hash])
        let check = try await f.vault.verifyAuditChain()
        #expect(!check.isIntact)
        #expect(check.firstBroken == 3)
    }

    /// The last records cut off: every remaining link holds, the head does not.
    @Test func aTruncatedTailDoesNotMatchTheHead() async throws {
        let f = try await chain(12)
        try f.sql("DELETE FROM audit_record WHERE sequence > 10")
        let check = try await f.vault.verifyAuditChain()
        #expect(!check.isIntact)
        #expect(check.records == 10)
        #expect(check.firstBroken == 11)
    }

    /// A sequence column renumbered to zero or below is a broken link, reported, not a trap.
    @Test func aRenumberedRecordIsReportedNotTrapped() async throws {
        for value in [0, -5] {
            let f = try await chain(4)
            try f.sql("UPDATE audit_record SET sequence = ? WHERE sequence = 1", [value])
            let check = try await f.vault.verifyAuditChain()
            #expect(!check.isIntact)
            #expect(check.firstBroken == 1)
            await expectVaultError(.integrityViolation) { _ = try await f.vault.auditRecords() }
        }
    }

    /// A record that is not of the format: the chain breaks there and the listing refuses it.
    @Test func anUnreadableRecordIsBrokenAndNotListed() async throws {
        let f = try await chain(4)
        let rows = try records(f)
        let junk = Data([0, 1, 2])
        let hash = SHA256.hash([UInt8](rows[1].hash) + [UInt8](junk))
        try f.sql("UPDATE audit_record SET record = ?, hash = ? WHERE sequence = 3", [junk, Data(hash)])
        let check = try await f.vault.verifyAuditChain()
        #expect(check.firstBroken == 3)
        await expectVaultError(.integrityViolation) { _ = try await f.vault.auditRecords() }
        // Asked to, the listings leave it out, say which it was, and keep the others.
        let skipped = Locked<[UInt64]>([])
        let tell: @Sendable (UInt64) -> Void = { sequence in skipped.withLock { $0.append(sequence) } }
        #expect(try await f.vault.auditRecords(unreadable: tell).map(\.sequence) == [1, 2, 4])
        #expect(try await f.vault.latestAuditRecords(3, unreadable: tell).map(\.sequence) == [2, 4])
        #expect(skipped.withLock { $0 } == [3, 3])
    }

    /// The listings keep the latest matches, oldest first, also across the points where the
    /// filtered listing cuts back what it holds.
    @Test func theListingsKeepTheLatestRecordsInOrder() async throws {
        let f = try await chain(25)
        for latest in [1, 2, 3, 5, 12, 13, 40] {
            let odd = try await f.vault.auditRecords(latest: latest) { $0.resource == "odd" }
            let expected = Array(stride(from: 1, through: 25, by: 2).map(UInt64.init).suffix(latest))
            #expect(odd.map(\.sequence) == expected, "latest \(latest)")
            #expect(odd.allSatisfy { $0.draft.action == "act\($0.sequence)" })
            let tail = try await f.vault.latestAuditRecords(latest)
            #expect(tail.map(\.sequence) == Array((1...25).map(UInt64.init).suffix(latest)), "latest \(latest)")
        }
        #expect(try await f.vault.auditRecords(latest: 0).isEmpty)
        #expect(try await f.vault.latestAuditRecords(0).isEmpty)
        #expect(try await f.vault.auditRecords().count == 25)
    }

    /// The chain's check reads a record's shape and sequence in place; it must answer exactly what
    /// the full parse does, for records and for every truncation and one-byte change of them.
    /// The chain's check reads a record's shape and sequence in place. Against the format itself
    /// (length-prefixed fields: the label, then the 8-byte sequence): no truncation or extension
    /// of a record passes; a changed byte of the label fails it, one of the sequence changes the
    /// sequence read, one of any other field's content leaves it; a changed length prefix fails
    /// it or, reframed, still reads the original.
    @Test func theInPlaceSequenceFollowsTheFormat() throws {
        let drafts = [
            AuditDraft(actor: nil, action: "readShared", resource: "r", decision: "allow", policies: ["a", "b"],
                       policyHash: "h", time: Date(timeIntervalSince1970: 1_767_225_600)),
            AuditDraft(actor: try PrincipalID.random(), action: "unlock", resource: "", decision: "deny", policies: [],
                       policyHash: String(repeating: "f", count: 64), time: Date(timeIntervalSince1970: 0)),
        ]
        var checked = 0
        for (index, draft) in drafts.enumerated() {
            let sequence = UInt64(index) * 0x0101_0101 + 7
            let record = Vault.encode(draft, sequence: sequence)
            #expect(Vault.sequence(of: record) == sequence)
            #expect(Vault.parse(record)?.sequence == sequence)
            for variant in (0..<record.count).map({ Array(record.prefix($0)) }) + [record + [0, 0], record + [0], record + [0, 1, 9]] {
                #expect(Vault.sequence(of: variant) == nil, "\(variant)")
                #expect(Vault.parse(variant) == nil, "\(variant)")
                checked += 1
            }
            // Where each field's length prefix and content lie, walked here from the format.
            var prefixes: Set<Int> = [], contents: [Range<Int>] = []
            var at = 0
            while at < record.count {
                let length = Int(record[at]) << 8 | Int(record[at + 1])
                prefixes.formUnion([at, at + 1])
                contents.append((at + 2)..<(at + 2 + length))
                at += 2 + length
            }
            #expect(contents.count == 9 && contents[1].count == 8)
            for position in record.indices {
                for value: UInt8 in [0, 0xFF, record[position] ^ 1] where value != record[position] {
                    var changed = record
                    changed[position] = value
                    let read = Vault.sequence(of: changed)
                    if prefixes.contains(position) {
                        #expect(read == nil || read == sequence, "prefix byte \(position)")
                    } else if contents[0].contains(position) {
                        #expect(read == nil, "label byte \(position)")
                    } else if contents[1].contains(position) {
                        #expect(read == changed[contents[1]].reduce(0) { $0 << 8 | UInt64($1) }, "sequence byte \(position)")
                    } else {
                        #expect(read == sequence, "content byte \(position)")
                    }
                    #expect(Vault.parse(changed)?.sequence == read)
                    checked += 1
                }
            }
        }
        #expect(checked > 500)
        // Well-framed records of the wrong shape: a field of the wrong length, one field too many
        // or too few, another label.
        func crafted(_ label: DomainLabel = .auditRecord, sequence: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 9],
                     time: [UInt8] = [UInt8](repeating: 0, count: 8), actor: [UInt8] = [], rest: Int = 5) -> [UInt8] {
            var encoding = CanonicalEncoding(label)
            for field in [sequence, time, actor] { encoding.append(field) }
            for _ in 0..<rest { encoding.append([UInt8(ascii: "x")]) }
            return encoding.bytes
        }
        #expect(Vault.sequence(of: crafted()) == 9)
        #expect(Vault.sequence(of: crafted(actor: [UInt8](repeating: 1, count: 16))) == 9)
        for wrong in [crafted(actor: [1, 2, 3, 4]), crafted(sequence: [9]), crafted(time: [1, 2]), crafted(rest: 6),
                      crafted(rest: 4), crafted(.anchor)] {
            #expect(Vault.parse(wrong) == nil)
            #expect(Vault.sequence(of: wrong) == nil)
        }
    }
}
