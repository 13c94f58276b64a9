import Foundation
import GRDB
import Testing
import TacitCrypto
@testable import TacitVault

@Suite struct ShareTests {
    @Test func shareFeedFollowsEditsAndRevokes() async throws {
        let f = try await Fixture()
        let (group, cycle, s) = try await f.group(["fac", "ana", "ben", "cai"])
        let ana = s["ana"]!, ben = s["ben"]!, cai = s["cai"]!
        let e = try await ana.write(EntryDraft(title: "shared", body: "v1"))
        let groupShare = try await ana.share(e.id, with: .group(group.id))
        let info = try await ana.shares()
        #expect(info.count == 1)
        #expect(Set(info[0].readers) == Set([try await f.id("fac"), try await f.id("ben"), try await f.id("cai")]))
        #expect(info[0].expiresAt == f.vault.end(of: cycle))
        let opened = try await ben.sharedEntry(groupShare)
        #expect(opened.entry.content.body == "v1")
        #expect(opened.author.name == "ana")
        #expect(try await ana.shares()[0].reads.keys.contains(try await f.id("ben")))
        // A share follows edits.
        try await ana.update(e.id, with: EntryDraft(title: "shared", body: "v2"))
        #expect(try await cai.sharedEntry(groupShare).entry.content.body == "v2")
        #expect(try await ben.feed().entries.map(\.entry.content.body) == ["v2"])
        // Chosen members only.
        let other = try await ana.write(EntryDraft(body: "for ben"))
        _ = try await ana.share(other.id, with: .members([try await f.id("ben")]))
        #expect(try await ben.feed().entries.count == 2)
        #expect(try await cai.feed().entries.count == 1)
        // Revocation deletes seals at once.
        try await ana.revoke(groupShare)
        await expectVaultError(.notFound) { _ = try await ben.sharedEntry(groupShare) }
        #expect(try await cai.feed().entries.isEmpty)
    }

    @Test func auditenceRules() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana"])
        try await f.enroll("outsider")
        let e = try await s["ana"]!.write(EntryDraft(body: "x"))
        await expectVaultError(.notPermitted) { _ = try await s["ana"]!.share(e.id, with: .members([try await f.id("outsider")])) }
        await expectVaultError(.notPermitted) { _ = try await s["ana"]!.share(e.id, with: .members([try await f.id("ana")])) }
        let other = try await f.vault.createGroup(name: "other")
        await expectVaultError(.notPermitted) { _ = try await s["ana"]!.share(e.id, with: .group(other.id)) }
        await expectVaultError(.notFound) { _ = try await s["fac"]!.share(e.id, with: .group(group.id)) }
    }

    @Test func shareExpires() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana"])
        let e = try await s["ana"]!.write(EntryDraft(body: "x"))
        let share = try await s["ana"]!.share(e.id, with: .group(group.id), until: f.clock.clock.now().addingTimeInterval(3600))
        _ = try await s["fac"]!.sharedEntry(share)
        f.clock.advance(days: 1)
        await expectVaultError(.notFound) { _ = try await s["fac"]!.sharedEntry(share) }
    }

    /// The entry key a reader holds, taken from their seal (what a reader could keep).
    func capturedKey(_ f: Fixture, session: MemberSession, share: ShareID) async throws -> (SecretBytes, EntryID) {
        let keys = try session.keys()
        let me = session.principal.id
        return try await f.vault.read { access in
            let row = try access.share(share)!
            let seal = try access.seal(of: share, for: me)!
            let key = try SealedBox.open(seal, with: keys.agreement,
                                         context: FormatV1.shareSealContext(share, reader: me, entry: row.entry, version: row.version),
                                         plaintextByteCount: 32)
            return (key, row.entry)
        }
    }

    func opens(_ f: Fixture, key: SecretBytes, entry: EntryID) async throws -> Bool {
        try await f.vault.read { access in
            let row = try access.entry(entry)!
            return (try? AESGCM.open(row.ciphertext, key: key, associatedData: FormatV1.entryPayloadAD(row.columns).bytes)) != nil
        }
    }

    @Test func revokedReaderKeyOpensNothingAfterAuthorsUnlock() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let e = try await s["ana"]!.write(EntryDraft(body: "secret plans"))
        let share = try await s["ana"]!.share(e.id, with: .group(group.id))
        let (key, entry) = try await capturedKey(f, session: s["ben"]!, share: share)
        #expect(try await opens(f, key: key, entry: entry))
        try await s["ana"]!.revoke(share)
        // Until the author unlocks, the policy engine is the barrier; then the key opens nothing.
        let ana = try await f.unlock("ana")
        #expect(ana.report.entriesRekeyed == 1)
        #expect(!(try await opens(f, key: key, entry: entry)))
        #expect(try await ana.entry(e.id).content.body == "secret plans")
        #expect(ana.report.problems.isEmpty)
    }

    @Test func removedMemberLosesSealsAtOnceAndKeyAfterUnlock() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben", "cai"])
        let e = try await s["ana"]!.write(EntryDraft(body: "roster"))
        let share = try await s["ana"]!.share(e.id, with: .group(group.id))
        let (key, entry) = try await capturedKey(f, session: s["ben"]!, share: share)
        try await f.vault.removeMember(try await f.id("ben"), from: group.id)
        await expectVaultError(.notFound) { _ = try await s["ben"]!.sharedEntry(share) }
        let ana = try await f.unlock("ana")
        #expect(ana.report.entriesRekeyed == 1)
        #expect(!(try await opens(f, key: key, entry: entry)))
        // Remaining readers still read it, under the new version.
        let opened = try await s["cai"]!.sharedEntry(share)
        #expect(opened.entry.content.body == "roster")
        #expect(opened.entry.metadata.version == 2)
        #expect(!(try await ana.shares()[0].readers.contains(try await f.id("ben"))))
    }

    /// Someone removed from a group shares nothing more from it — with the group or with anyone in
    /// it — and keeps reading their own entries; added back, they share again.
    @Test func aRemovedMemberSharesNothingMore() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben", "cai"])
        let e = try await s["ana"]!.write(EntryDraft(body: "mine"))
        let anaID = try await f.id("ana")
        try await f.vault.removeMember(anaID, from: group.id)
        for audience in [ShareAudience.group(group.id), .members([try await f.id("ben")])] {
            await expectVaultError(.notPermitted) { _ = try await s["ana"]!.share(e.id, with: audience) }
        }
        #expect(try await s["ana"]!.shares().isEmpty)
        #expect(try await s["ana"]!.entry(e.id).content.body == "mine")
        try await f.vault.addMember(anaID, to: group.id)
        _ = try await s["ana"]!.share(e.id, with: .group(group.id))
    }

    /// An entry shared again with the same audience while the first share runs is refused by
    /// name (each reader had found it twice in their feed, the agenda listed it twice); another
    /// audience, or the same one after unsharing, is a new share.
    @Test func sharingAgainWithTheSameAudienceIsRefused() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben", "cai"])
        let ana = s["ana"]!
        let e = try await ana.write(EntryDraft(body: "once"))
        let (ben, cai) = (try await f.id("ben"), try await f.id("cai"))
        let first = try await ana.share(e.id, with: .group(group.id))
        await expectVaultError(.alreadyShared) { _ = try await ana.share(e.id, with: .group(group.id)) }
        let pair = try await ana.share(e.id, with: .members([ben, cai]))
        await expectVaultError(.alreadyShared) { _ = try await ana.share(e.id, with: .members([cai, ben])) }
        _ = try await ana.share(e.id, with: .members([ben]))
        try await ana.revoke(first)
        _ = try await ana.share(e.id, with: .group(group.id))
        try await ana.revoke(pair)
        _ = try await ana.share(e.id, with: .members([ben, cai]))
        #expect(try await ana.shares().count == 3)
    }

    @Test func groupsRefuseMoreThanTheAllowedSize() async throws {
        let f = try await Fixture()
        let g = try await f.vault.createGroup(name: "big")
        for i in 0..<8 { try await f.enroll("m\(i)", group: g.id) }
        try await f.enroll("m8")
        await expectVaultError(.notPermitted) { try await f.vault.addMember(try await f.id("m8"), to: g.id) }
        #expect(try await f.vault.sizeStatus(of: g.id) == .allowed)
        try await f.enroll("op", role: .admin)
        let small = try await f.vault.createGroup(name: "small")
        await expectVaultError(.notPermitted) { try await f.vault.addMember(try await f.id("op"), to: small.id) }
    }
}
