import Foundation
import Testing
import TacitCrypto
@testable import TacitVault

/// The daemon decides requests on facts read in one snapshot; they must be the same facts the
/// single-purpose lookups return.
@Suite struct PolicyFactsTests {
    @Test func shareReadFactsMatchTheSingleLookups() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let ana = s["ana"]!
        let e = try await ana.write(EntryDraft(title: "t", body: "shared"))
        let shareID = try await ana.share(e.id, with: .group(group.id))
        let ben = try await f.id("ben"), anaID = try await f.id("ana")
        let missing = try ShareID.random()

        let facts = try await f.vault.shareReadFacts([shareID, missing], reader: ben)
        #expect(facts.readerGroups == [group.id])
        #expect(facts.shares.keys.sorted { $0.description < $1.description } == [shareID])
        let read = try #require(facts.shares[shareID])
        #expect(read.share == (try await f.vault.shareMetadata(shareID)))
        #expect(read.entry == (try await f.vault.entryMetadata(e.id)))
        #expect(read.author.id == anaID)
        #expect(read.authorGroups == (try await f.vault.groupIDs(of: anaID)))
        #expect(read.group?.id == group.id)
        // Revoked shares are deleted: they drop out of the facts.
        try await ana.revoke(shareID)
        #expect(try await f.vault.shareReadFacts([shareID], reader: ben).shares.isEmpty)
    }

    /// A read after the first decides on the same facts, from its one-statement lookup, and
    /// writes nothing (it found the reader's pin of the author and their earlier read).
    @Test func aRepeatedReadDecidesOnTheSameFactsAndWritesNothing() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let ana = s["ana"]!, ben = s["ben"]!
        let e = try await ana.write(EntryDraft(title: "t", body: "shared"))
        let shareID = try await ana.share(e.id, with: .group(group.id))
        let benID = try await f.id("ben")
        _ = try await ben.sharedEntry(shareID)

        let seen = Locked<(ShareReadFacts, [GroupID])?>(nil)
        let before = f.vault.writeStatistics.commits
        let read = try await ben.sharedEntry(shareID) { facts, readerGroups in
            seen.withLock { $0 = (facts, readerGroups) }
            return true
        }
        #expect(read.entry.content.body == "shared")
        #expect(f.vault.writeStatistics.commits == before)
        let (facts, readerGroups) = try #require(seen.withLock { $0 })
        let expected = try #require(try await f.vault.shareReadFacts([shareID], reader: benID).shares[shareID])
        #expect(readerGroups == [group.id])
        #expect(facts.share == expected.share)
        #expect(facts.entry == expected.entry)
        #expect(facts.author.id == expected.author.id)
        #expect(facts.authorGroups == expected.authorGroups)
        #expect(facts.group?.id == group.id && facts.group?.name == expected.group?.name)
        // A refusal and a revoked share look alike.
        await #expect(throws: VaultError.self) { try await ben.sharedEntry(shareID) { _, _ in false } }
        try await ana.revoke(shareID)
        await #expect(throws: VaultError.self) { try await ben.sharedEntry(shareID) }
    }

    /// Two principals' groups in one statement come in the order of the single lookup.
    @Test func bothPrincipalsGroupsMatchTheSingleLookups() async throws {
        let f = try await Fixture()
        let (first, _, _) = try await f.group(["ana", "ben"])
        let ana = try await f.id("ana"), ben = try await f.id("ben")
        for _ in 0..<4 {
            let group = try await f.vault.createGroup(name: "g-\(UUID().uuidString.prefix(6).lowercased())")
            try await f.vault.addMember(ana, to: group.id)
        }
        let both = try f.vault.storage.readSync { try $0.groupIDs(of: ana, and: ben) }
        #expect(both.first.count == 5)
        #expect(both.first == (try await f.vault.groupIDs(of: ana)))
        #expect(both.second == [first.id])
        let same = try f.vault.storage.readSync { try $0.groupIDs(of: ana, and: ana) }
        #expect(same.first == both.first && same.second == both.first)
    }

    @Test func entryWriteFactsFindTheCycle() async throws {
        let f = try await Fixture()
        let (group, cycle, _) = try await f.group(["fac", "ana"])
        let ana = try await f.id("ana")
        let current = try await f.vault.entryWriteFacts(author: ana, cycle: nil)
        #expect(current.cycle?.id == cycle.id)
        #expect(current.group?.id == group.id)
        #expect(current.authorGroups == [group.id])
        #expect(try await f.vault.entryWriteFacts(author: ana, cycle: cycle.id).cycle?.id == cycle.id)
        #expect(try await f.vault.entryWriteFacts(author: ana, cycle: try CycleID.random()).cycle == nil)
        try await f.enroll("loner")
        let loner = try await f.vault.entryWriteFacts(author: try await f.id("loner"), cycle: nil)
        #expect(loner.cycle == nil && loner.group == nil && loner.authorGroups.isEmpty)

        // A second group without cycles still counts among the author's groups; a cycle asked for
        // in a group the author is not in is found, with its group, for the decision to refuse.
        let quiet = try await f.vault.createGroup(name: "aaa-quiet")
        try await f.vault.addMember(ana, to: quiet.id)
        let (otherGroup, otherCycle, _) = try await f.group(["fac2", "ben"])
        let both = try await f.vault.entryWriteFacts(author: ana, cycle: nil)
        #expect(both.authorGroups == [quiet.id, group.id])
        #expect(both.cycle?.id == cycle.id && both.group?.id == group.id)
        let foreign = try await f.vault.entryWriteFacts(author: ana, cycle: otherCycle.id)
        #expect(foreign.cycle?.id == otherCycle.id && foreign.group?.id == otherGroup.id)
        #expect(!foreign.authorGroups.contains(otherGroup.id))
    }

    /// A write decided inside its own transaction: the decision sees the write's facts, a refusal
    /// writes nothing and comes back as the caller's own error, and a cycle of another group is
    /// refused by the vault whatever the decision says.
    @Test func aWriteIsDecidedOnItsOwnFacts() async throws {
        struct Refused: Error, Equatable {}
        let f = try await Fixture()
        let (group, cycle, s) = try await f.group(["fac", "ana"])
        let (_, otherCycle, _) = try await f.group(["fac2", "ben"])
        let ana = s["ana"]!
        let seen = Locked<[EntryWriteFacts]>([])
        let written = try await ana.writeEntry(EntryDraft(body: "allowed")) { facts in
            seen.withLock { $0.append(facts) }
            return Refused?.none
        }.get()
        #expect(written.metadata.cycle == cycle.id && written.metadata.group == group.id)
        let facts = try #require(seen.withLock { $0.first })
        #expect(facts.cycle?.id == cycle.id && facts.group?.id == group.id && facts.authorGroups == [group.id])

        let refused = try await ana.writeEntry(EntryDraft(body: "refused")) { _ in Refused() }
        #expect(throws: Refused.self) { try refused.get() }
        #expect(try await ana.entries().map(\.content.body) == ["allowed"])
        // The manifest agrees (a new unlock checks it).
        #expect(try await f.unlock("ana").entries().count == 1)

        await expectVaultError(.notPermitted) {
            _ = try await ana.writeEntry(EntryDraft(body: "elsewhere", cycle: otherCycle.id)) { _ in Refused?.none }
        }
        await expectVaultError(.notFound) {
            _ = try await ana.writeEntry(EntryDraft(body: "nowhere", cycle: try CycleID.random())) { _ in Refused?.none }
        }
        #expect(try await ana.entries().count == 1)
    }

    /// A new entry is sealed ahead, outside the writer, for the cycle and group of the member's
    /// last write; the write uses that row only when its own facts give the same. When the member
    /// moved to another group in between, the entry is sealed again for where it really goes: the
    /// row sealed ahead would read back whole, but filed under the old group and cycle.
    @Test func anEntrySealedAheadIsUsedOnlyWhereTheWriteGoes() async throws {
        let f = try await Fixture()
        let (north, northCycle, s) = try await f.group(["fac", "ana"])
        let (south, southCycle, _) = try await f.group(["fac2", "ben"])
        let ana = s["ana"]!
        let anaID = try await f.id("ana")

        let first = try await ana.writeEntry(EntryDraft(body: "first"))
        let second = try await ana.writeEntry(EntryDraft(body: "second"))
        #expect([first, second].allSatisfy { $0.metadata.cycle == northCycle.id && $0.metadata.group == north.id })
        // The first had nothing to guess from; the second was sealed ahead.
        #expect(ana.sealing.withLock { $0 } == (ahead: 1, inWriter: 1))

        try await f.vault.removeMember(anaID, from: north.id)
        try await f.vault.addMember(anaID, to: south.id)
        let moved = try await ana.writeEntry(EntryDraft(body: "moved"))
        #expect(moved.metadata.cycle == southCycle.id && moved.metadata.group == south.id)
        #expect(ana.sealing.withLock { $0 } == (ahead: 1, inWriter: 2))
        let read = try await ana.entry(moved.metadata.id)
        #expect(read.content.body == "moved" && read.metadata.group == south.id)
        // The manifest agrees (a new unlock checks it).
        #expect(try await f.unlock("ana").entries().count == 3)
    }

    /// A write's audit record is appended in the write's own transaction: there when the write
    /// returns, naming the new entry, chained; a refused write leaves neither entry nor record.
    /// Edits and deletions likewise.
    @Test func aWritesAuditRecordCommitsWithIt() async throws {
        struct Refused: Error {}
        let f = try await Fixture()
        let (_, _, s) = try await f.group(["fac", "ana"])
        let ana = s["ana"]!
        let anaID = try await f.id("ana")
        let record: @Sendable (EntryID) -> AuditDraft = { id in
            AuditDraft(actor: anaID, action: "writeEntry", resource: id.description, decision: "allow", policies: [],
                       policyHash: "test", time: Date(timeIntervalSince1970: 1_767_225_600))
        }
        let before = try await f.vault.auditRecords().count

        let written = try await ana.writeEntry(EntryDraft(body: "audited"), deciding: { _ in Refused?.none }, recording: record).get()
        let records = try await f.vault.auditRecords()
        #expect(records.count == before + 1)
        #expect(records.last?.draft == record(written.metadata.id))

        let refused = try await ana.writeEntry(EntryDraft(body: "refused"), deciding: { _ in Refused() }, recording: record)
        #expect(throws: Refused.self) { try refused.get() }
        #expect(try await f.vault.auditRecords().count == before + 1)
        #expect(try await ana.entries().count == 1)

        // Edits and deletions carry theirs the same way; one that fails leaves none.
        await expectVaultError(.notFound) {
            _ = try await ana.update(try EntryID.random(), with: EntryDraft(body: "nowhere"), recording: record(written.metadata.id))
        }
        try await ana.update(written.metadata.id, with: EntryDraft(body: "edited"), recording: record(written.metadata.id))
        try await ana.delete(written.metadata.id, recording: record(written.metadata.id))
        #expect(try await f.vault.auditRecords().count == before + 3)
        #expect(try await ana.entries().isEmpty)
        #expect(try await f.vault.verifyAuditChain().isIntact)
    }

    /// Shares, revocations and membership changes carry their records the same way: each one
    /// that commits appends its record in its own transaction; each one refused appends none.
    @Test func sharesAndMembershipChangesCommitTheirRecordsWithThem() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let ana = s["ana"]!
        let anaID = try await f.id("ana"), benID = try await f.id("ben")
        @Sendable func record(_ action: String, _ resource: String) -> AuditDraft {
            AuditDraft(actor: anaID, action: action, resource: resource, decision: "allow", policies: [],
                       policyHash: "test", time: Date(timeIntervalSince1970: 1_767_225_600))
        }
        func count() async throws -> Int {
            let records = try await f.vault.auditRecords()
            return records.count
        }
        let entry = try await ana.write(EntryDraft(body: "shared"))
        let before = try await count()

        // Refused: a reader outside the group, a share of nobody's entry, a revocation of nothing.
        let outsider = try await f.enroll("zed")
        await expectVaultError(.notPermitted) {
            _ = try await ana.share(entry.id, with: .members([outsider.principal.id])) { record("shareEntry", $0.description) }
        }
        await expectVaultError(.notFound) {
            _ = try await ana.share(try EntryID.random(), with: .group(group.id)) { record("shareEntry", $0.description) }
        }
        await expectVaultError(.notFound) { try await ana.revoke(try ShareID.random(), recording: record("revokeShare", "none")) }
        #expect(try await count() == before)

        let share = try await ana.share(entry.id, with: .group(group.id)) { record("shareEntry", $0.description) }
        #expect(try await f.vault.auditRecords().last?.draft == record("shareEntry", share.description))
        try await ana.revoke(share, recording: record("revokeShare", share.description))
        #expect(try await f.vault.auditRecords().last?.draft == record("revokeShare", share.description))
        #expect(try await count() == before + 2)

        // Membership: a refused change appends nothing, each done one appends its record.
        await expectVaultError(.notFound) {
            try await f.vault.removeMember(outsider.principal.id, from: group.id, recording: record("removeMember", "refused"))
        }
        await expectVaultError(.notPermitted) {
            try await f.vault.appointFacilitator(outsider.principal.id, of: group.id, recording: record("appointFacilitator", "refused"))
        }
        await expectVaultError(.notFound) { try await f.vault.disable(try PrincipalID.random(), recording: record("disable", "refused")) }
        #expect(try await count() == before + 2)
        try await f.vault.removeMember(benID, from: group.id, recording: record("removeMember", "ben"))
        try await f.vault.addMember(benID, to: group.id, recording: record("addMember", "ben"))
        try await f.vault.appointFacilitator(benID, of: group.id, recording: record("appointFacilitator", "ben"))
        try await f.vault.disable(benID, recording: record("disable", "ben"))
        let south = try await f.vault.createGroup(name: "south") { record("createGroup", $0.description) }
        let last = try await f.vault.auditRecords().suffix(5).map(\.draft)
        #expect(last == [record("removeMember", "ben"), record("addMember", "ben"), record("appointFacilitator", "ben"),
                         record("disable", "ben"), record("createGroup", south.id.description)])
        #expect(try await f.vault.verifyAuditChain().isIntact)
    }

    /// What the daemon returns after a write is what a read of the entry returns.
    @Test func writeEntryReturnsWhatAReadReturns() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let ana = try await f.unlock("ana")
        f.clock.set(Date(timeIntervalSince1970: 1_767_225_600.123_456))
        let written = try await ana.writeEntry(EntryDraft(title: "Título", body: "body ✓", tags: ["a", "b"], topic: "feedback"))
        #expect(written == (try await ana.entry(written.metadata.id)))
    }
}

/// What the compliance metrics may see: only what is stored when a release is made
/// (docs/metrics-schema.md, "Counted activity").
@Suite struct MetricsFactsTests {
    @Test func revokedSharesAndDeletedEntriesStopCounting() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let ana = s["ana"]!
        let kept = try await ana.write(EntryDraft(body: "kept"))
        let withdrawn = try await ana.write(EntryDraft(body: "withdrawn"))
        _ = try await ana.share(kept.id, with: .group(group.id))
        let revoked = try await ana.share(withdrawn.id, with: .group(group.id))
        let anaID = try await f.id("ana")
        var facts = try await f.vault.metricsFacts()
        #expect(facts.shares.filter { $0.author == anaID }.count == 2)
        #expect(facts.entries.filter { $0.author == anaID }.count == 2)

        try await ana.revoke(revoked)
        facts = try await f.vault.metricsFacts()
        #expect(facts.shares.filter { $0.author == anaID }.count == 1)
        try await ana.delete(withdrawn.id)
        facts = try await f.vault.metricsFacts()
        #expect(facts.entries.filter { $0.author == anaID }.count == 1)
        #expect(facts.entries.allSatisfy { $0.group == group.id })
    }
}
