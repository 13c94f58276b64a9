import Foundation
import GRDB
import Testing
import TacitCrypto
@testable import TacitVault

@Suite struct TamperTests {
    /// A group with a shared entry, and a second entry to swap with.
    func setUp() async throws -> (Fixture, [String: MemberSession], EntryID, EntryID, ShareID, Group) {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let e1 = try await s["ana"]!.write(EntryDraft(title: "one", body: "first"))
        let e2 = try await s["ana"]!.write(EntryDraft(title: "two", body: "second", kind: .insight))
        let share = try await s["ana"]!.share(e1.id, with: .group(group.id))
        return (f, s, e1.id, e2.id, share, group)
    }

    func flip(_ f: Fixture, table: String, column: String, where clause: String, _ args: [any Sendable], at offset: Int = 40) throws {
        let blob: Data = try f.vault.storage.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE \(clause)", arguments: StatementArgumentsBox.make(args))!
        }
        var bytes = [UInt8](blob)
        bytes[min(offset, bytes.count - 1)] ^= 0x01
        try f.sql("UPDATE \(table) SET \(column) = ? WHERE \(clause)", [Data(bytes)] + args)
    }

    @Test(arguments: ["ciphertext", "wrapped_key"])
    func flippedEntryBytesFailAuthentication(column: String) async throws {
        let (f, s, e1, _, share, _) = try await setUp()
        try flip(f, table: "entry", column: column, where: "id = ?", [e1.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await s["ana"]!.entry(e1) }
        if column == "ciphertext" {
            await expectVaultError(.authenticationFailed) { _ = try await s["ben"]!.sharedEntry(share) }
        }
    }

    @Test(arguments: ["seal", "signature", "commitment"])
    func flippedShareBytesFailAuthentication(column: String) async throws {
        let (f, s, _, _, share, _) = try await setUp()
        let ben = try await f.id("ben")
        if column == "seal" {
            try flip(f, table: "share_seal", column: "seal", where: "share_id = ? AND reader_id = ?", [share.uuid, ben.uuid])
        } else {
            try flip(f, table: "share", column: column, where: "id = ?", [share.uuid], at: 5)
        }
        await expectVaultError(.authenticationFailed) { _ = try await s["ben"]!.sharedEntry(share) }
    }

    /// A share to the group is marked so, and the mark is signed: setting it on a share to chosen
    /// members (to put it on the group's agenda) or clearing it fails the signature check, also
    /// when the share's signature was verified and remembered before.
    @Test func theGroupMarkOfAShareIsSigned() async throws {
        let (f, s, _, e2, share, _) = try await setUp()
        let ben = try await f.id("ben")
        let chosen = try await s["ana"]!.share(e2, with: .members([ben]))
        #expect(try await s["ana"]!.shareInfo(share)?.toGroup == true)
        #expect(try await s["ana"]!.shareInfo(chosen)?.toGroup == false)
        for (id, forged) in [(share, 0), (chosen, 1)] {
            _ = try await s["ben"]!.sharedEntry(id)  // verified and remembered
            try f.sql("UPDATE share SET to_group = ? WHERE id = ?", [forged, id.uuid])
            await expectVaultError(.authenticationFailed) { _ = try await s["ben"]!.sharedEntry(id) }
            try f.sql("UPDATE share SET to_group = ? WHERE id = ?", [1 - forged, id.uuid])
            #expect(try await s["ben"]!.sharedEntry(id).share == id)
        }
        // An edit re-signs the share with its mark.
        let fresh = try await s["ana"]!.write(EntryDraft(title: "three", body: "third"))
        let again = try await s["ana"]!.share(fresh.id, with: .group(try #require(try await s["ana"]!.entry(fresh.id).metadata.group)))
        _ = try await s["ana"]!.update(fresh.id, with: EntryDraft(title: "three", body: "third, edited"))
        #expect(try await s["ben"]!.sharedEntry(again).entry.content.body == "third, edited")
        #expect(try await s["ana"]!.shareInfo(again)?.toGroup == true)
    }

    @Test func flippedWrappedPrivateKeyAndRootFail() async throws {
        let (f, _, _, _, _, _) = try await setUp()
        let ana = try await f.id("ana")
        try flip(f, table: "principal", column: "x25519_private", where: "id = ?", [ana.uuid], at: 20)
        await expectVaultError(.authenticationFailed) { _ = try await f.unlock("ana") }
        let ben = try await f.id("ben")
        try flip(f, table: "principal", column: "wrapped_root_pass", where: "id = ?", [ben.uuid], at: 20)
        await expectVaultError(.invalidCredentials) { _ = try await f.unlock("ben") }
    }

    @Test func movedEntriesFail() async throws {
        let (f, s, e1, e2, _, _) = try await setUp()
        let ana = s["ana"]!
        // Swap the ciphertexts and wrapped keys of two rows.
        try f.sql("""
            UPDATE entry SET ciphertext = (SELECT ciphertext FROM entry WHERE id = ?2), wrapped_key = (SELECT wrapped_key FROM entry WHERE id = ?2) WHERE id = ?1
            """, [e1.uuid, e2.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await ana.entry(e1) }

        for (column, value) in [("kind", "'note'"), ("iso_week", "'2020-W01'"), ("version", "version + 1"),
                                ("size_bucket", "1024"), ("cycle_id", "NULL"), ("group_id", "NULL")] {
            let (g, t, x, _, _, _) = try await setUp()
            try g.sql("UPDATE entry SET \(column) = \(value) WHERE id = ?", [x.uuid])
            await expectVaultError(.authenticationFailed) { _ = try await t["ana"]!.entry(x) }
        }
        // Another member: re-attribute the row to ben.
        let (g, t, x, _, _, _) = try await setUp()
        let ben = try await g.id("ben")
        try g.sql("UPDATE entry SET author_id = ? WHERE id = ?", [ben.uuid, x.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await t["ben"]!.entry(x) }
        // Another group.
        let (h, u, y, _, _, _) = try await setUp()
        let otherGroup = try await h.vault.createGroup(name: "other2")
        try h.sql("UPDATE entry SET group_id = ? WHERE id = ?", [otherGroup.id.uuid, y.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await u["ana"]!.entry(y) }
    }

    /// Counts stored as integers (versions, counters, sequences, scrypt parameters) become unsigned
    /// in the formats: a negative one, as a flipped sign bit leaves, is a tampering error, never a
    /// trap. Found by the soak's byte flips (an entry version of -3 crashed the unlock).
    @Test func negativeStoredCountsAreTamperingNotCrashes() async throws {
        for column in ["version", "size_bucket"] {
            let (f, s, _, _, _, _) = try await setUp()
            try f.sql("UPDATE entry SET \(column) = -3")
            await expectVaultError(.authenticationFailed) { _ = try await s["ana"]!.entries() }
        }
        let (g, t, _, _, share, _) = try await setUp()
        try g.sql("UPDATE share SET version = -3")
        await expectVaultError(.authenticationFailed) { _ = try await t["ben"]!.sharedEntry(share) }
        let (f, _, _, _, _, _) = try await setUp()
        try f.sql("UPDATE principal SET scrypt_log2n = -3 WHERE name = 'ana'")
        await expectVaultError(.authenticationFailed) { _ = try await f.unlock("ana") }
        try f.sql("UPDATE instance_state SET write_counter = -3")
        await expectVaultError(.authenticationFailed) { _ = try await f.vault.state() }
    }

    /// Re-encrypting an entry after a revocation does not seal it again to a reader whose key no
    /// longer matches the pin; the unlock report names them as such (not as removed), so the
    /// author can be told why they no longer read it.
    @Test func aReaderWithAChangedKeyIsLeftOutOfTheResealAndNamed() async throws {
        let (f, s, e1, _, share, _) = try await setUp()
        let ben = try await f.id("ben"), fac = try await f.id("fac")
        let aside = try await s["ana"]!.share(e1, with: .members([fac]))
        let fake = try X25519.PrivateKey().publicKey.rawRepresentation
        try f.sql("UPDATE principal SET x25519_public = ? WHERE id = ?", [Data(fake), ben.uuid])
        try await s["ana"]!.revoke(aside)
        let report = try await f.unlock("ana").report
        #expect(report.entriesRekeyed == 1)
        #expect(report.resealed.readersWithChangedKeys == [ben] && report.resealed.readersRemoved.isEmpty, "\(report)")
        #expect(report.resealed.entriesWithEndedShares.isEmpty, "fac still reads the group share")
        #expect(try await f.vault.shareMetadata(share)?.readers == [fac])
    }

    /// An edit re-seals the entry's shares itself; what that leaves out is told to its caller
    /// (the login after it has nothing left to say).
    @Test func anEditTellsWhoItsResealLeftOut() async throws {
        let (f, s, _, e2, _, group) = try await setUp()
        let ben = try await f.id("ben")
        _ = try await s["ana"]!.share(e2, with: .members([ben]))
        try await f.vault.removeMember(ben, from: group.id)
        let heard = Locked(MemberSession.ResealOutcome())
        _ = try await s["ana"]!.update(e2, with: EntryDraft(title: "two, edited", body: "second", kind: .insight),
                                       resealed: { found in heard.withLock { $0 = found } })
        let outcome = heard.withLock { $0 }
        #expect(outcome.readersRemoved == [ben] && outcome.entriesWithEndedShares == [e2], "\(outcome)")
    }

    @Test func changedPublicKeyOfAPeerBlocksSharingUntilConfirmed() async throws {
        let (f, s, _, e2, _, group) = try await setUp()
        let ben = try await f.id("ben")
        // ben is pinned by ana's first share; replace his public key in the database.
        let fake = try X25519.PrivateKey().publicKey.rawRepresentation
        try f.sql("UPDATE principal SET x25519_public = ? WHERE id = ?", [Data(fake), ben.uuid])
        await expectVaultError(.peerKeyUnconfirmed) { _ = try await s["ana"]!.share(e2, with: .members([ben])) }
        let who = try await s["ana"]!.whois("ben")
        #expect(who.status == .changed)
        #expect(who.fingerprint != who.pinnedFingerprint)
        await expectVaultError(.peerKeyUnconfirmed) { try await s["ana"]!.confirmPeer("ben", fingerprint: who.pinnedFingerprint!) }
        try await s["ana"]!.confirmPeer("ben", fingerprint: who.fingerprint)
        _ = try await s["ana"]!.share(e2, with: .group(group.id))
        #expect(try await s["ana"]!.whois("ben").status == .pinned)
        // The confirmation kept the manifest consistent.
        #expect(try await f.unlock("ana").report.problems.isEmpty)
    }
}
