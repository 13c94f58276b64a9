import Foundation
import GRDB
import Testing
import TacitCrypto
@testable import TacitVault

/// What the session remembers to be fast — folded text for search, the last manifest it verified —
/// must never change an answer: edits and deletes show at once, tampering still fails, locking
/// forgets everything, and the check at unlock trusts nothing remembered.
@Suite struct CacheTests {
    // MARK: Search cache

    @Test func searchSeesEditsAndDeletesAtOnce() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let e = try await s.write(EntryDraft(title: "Monday", body: "alpha practice"))
        _ = try await s.write(EntryDraft(body: "unrelated"))
        #expect(try await s.search("alpha").map(\.id) == [e.id])
        #expect(s.searchCache.count == 2)
        try await s.update(e.id, with: EntryDraft(title: "Monday", body: "beta practice"))
        #expect(try await s.search("alpha").isEmpty)
        #expect(try await s.search("beta").map(\.id) == [e.id])
        try await s.delete(e.id)
        #expect(try await s.search("beta").isEmpty)
        #expect(try await s.search("practice").isEmpty)
        #expect(s.searchCache.count == 1)
    }

    @Test func searchSeesChangesMadeThroughAnotherSession() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let first = try await f.unlock("ana"), second = try await f.unlock("ana")
        let e = try await first.write(EntryDraft(body: "gamma"))
        #expect(try await first.search("gamma").count == 1)
        // The other session edits, deletes and writes: the first one's cache is checked against the stored versions.
        try await second.update(e.id, with: EntryDraft(body: "delta"))
        #expect(try await first.search("gamma").isEmpty)
        #expect(try await first.search("delta").count == 1)
        let added = try await second.write(EntryDraft(body: "delta again"))
        #expect(Set(try await first.search("delta").map(\.id)) == [e.id, added.id])
        try await second.delete(e.id)
        #expect(try await first.search("delta").map(\.id) == [added.id])
    }

    @Test func lockForgetsTheSearchCache() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        _ = try await s.write(EntryDraft(body: "epsilon"))
        _ = try await s.search("epsilon")
        #expect(s.searchCache.count == 1)
        s.lock()
        #expect(s.searchCache.count == 0)
        await expectVaultError(.locked) { _ = try await s.search("epsilon") }
        // A locked cache takes nothing back (a search still running when the session locked).
        let id = try EntryID.random()
        s.searchCache.store([id: SearchCacheItem(version: 1, content: EntryContent(body: "epsilon", created: Date()))],
                            live: [id])
        #expect(s.searchCache.count == 0)
    }

    @Test func searchStillFailsOnTamperedEntriesItHasCached() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let e = try await s.write(EntryDraft(body: "zeta"))
        #expect(try await s.search("zeta").count == 1)
        // Flip a ciphertext byte: the match comes from the cache, but what is returned is opened
        // from the row, and fails.
        let stored: Data = try await f.vault.storage.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT ciphertext FROM entry WHERE id = ?", arguments: [e.id.uuid])!
        }
        var bytes = [UInt8](stored)
        bytes[40] ^= 0x01
        try f.sql("UPDATE entry SET ciphertext = ? WHERE id = ?", [Data(bytes), e.id.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await s.search("zeta") }
        // A row moved to another version is decrypted again, not served from the cache.
        try f.sql("UPDATE entry SET version = 2 WHERE id = ?", [e.id.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await s.search("zeta") }
    }

    @Test func searchFiltersUseTheStoredColumnsAndTheCachedTimes() async throws {
        let f = try await Fixture()
        let (_, cycle, sessions) = try await f.group(["fac", "ana"])
        let s = sessions["ana"]!
        let now = f.clock.clock.now()
        let old = try await s.write(EntryDraft(body: "theta", tags: ["Écoute", "Team Work"], kind: .insight,
                                               created: now.addingTimeInterval(-86_400 * 10)))
        let recent = try await s.write(EntryDraft(body: "theta"))
        for _ in 0..<2 { // cold, then from the cache
            #expect(Set(try await s.search("theta").map(\.id)) == [old.id, recent.id])
            #expect(try await s.search("theta", filter: SearchFilter(kind: .insight)).map(\.id) == [old.id])
            #expect(try await s.search("", filter: SearchFilter(tag: "ECOUTE")).map(\.id) == [old.id])
            #expect(try await s.search("", filter: SearchFilter(tag: "team  work")).map(\.id) == [old.id])
            #expect(try await s.search("", filter: SearchFilter(tag: "team")).isEmpty)
            #expect(try await s.search("", filter: SearchFilter(from: now.addingTimeInterval(-86_400))).map(\.id) == [recent.id])
            #expect(try await s.search("", filter: SearchFilter(to: now.addingTimeInterval(-86_400))).map(\.id) == [old.id])
            #expect(Set(try await s.search("", filter: SearchFilter(cycle: cycle.id)).map(\.id)) == [old.id, recent.id])
        }
        // Newest first, as before.
        #expect(try await s.search("theta").map(\.id) == [recent.id, old.id])
    }

    @Test func asciiFoldingIsFoundationsFolding() {
        for byte in UInt8(0)..<0x80 {
            let text = "a\(Character(UnicodeScalar(byte)))B"
            #expect(SearchFolding.folded(text) == Array(SearchFolding.foldedByFoundation(text).utf8), "byte \(byte)")
        }
        let samples = ["  Active\tLISTENING \r\n in  meetings  ", "", "   ", "MiXeD 123 !?\u{0B}\u{0C}end", "\"quoted\" words"]
        for text in samples {
            #expect(SearchFolding.folded(text) == Array(SearchFolding.foldedByFoundation(text).utf8), "\(text)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let text = String((0..<40).map { _ in Character(UnicodeScalar(UInt8.random(in: 0..<0x80, using: &generator))) })
            #expect(SearchFolding.folded(text) == Array(SearchFolding.foldedByFoundation(text).utf8))
        }
    }

    @Test func nonASCIITextMatchesItsFoldedForms() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let e = try await s.write(EntryDraft(title: "Straße", body: "Ｗｉｄｅ café\nÉCOLE  d'été, e\u{301}te"))
        for query in ["strasse", "STRASSE", "wide", "cafe ecole", "\"ecole d'ete\"", "\"cafe ecole\"", "ete"] {
            #expect(try await s.search(query).map(\.id) == [e.id], "\(query)")
        }
        #expect(try await s.search("\"strasse wide\"").isEmpty) // title and body are separate
    }

    // MARK: ISO weeks

    @Test(arguments: ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Chatham", "Asia/Kolkata"])
    func rememberedISOWeeksAreFoundations(zone: String) {
        let calendar = CalendarMath(timeZone: TimeZone(identifier: zone)!)
        var generator = SystemRandomNumberGenerator()
        var date = Date(timeIntervalSince1970: 1_700_000_000)
        for step in 0..<3_000 {
            // Mostly small steps (to cross week boundaries and DST changes), sometimes a jump.
            date += step % 97 == 0 ? Double.random(in: -3e8...3e8, using: &generator) : Double.random(in: 0...40_000, using: &generator)
            #expect(calendar.isoWeek(date) == calendar.computedISOWeek(date))
            let edge = calendar.startOfDay(date)
            #expect(calendar.isoWeek(edge) == calendar.computedISOWeek(edge))
            #expect(calendar.isoWeek(edge - 0.001) == calendar.computedISOWeek(edge - 0.001))
        }
    }

    // MARK: Manifest

    @Test func entryElementMatchesTheCanonicalEncoding() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let keys = try s.keys()
        for version in [0, 1, 2, 255, 256, 65_537, Int(Int32.max)] {
            let id = try EntryID.random()
            #expect(try keys.entryElement(id, version: version)
                    == keys.manifestElement(FormatV1.manifestEntryElement(id, version: version)))
        }
    }

    @Test func aRememberedManifestNeverHidesTampering() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let e1 = try await s.write(EntryDraft(body: "one"))
        _ = try await s.write(EntryDraft(body: "two"))
        #expect(try s.keys().verifiedManifest.withLock { $0 } != nil)

        // An edited manifest: the session's next write verifies the MAC and refuses.
        let saved: Row = try f.vault.storage.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM manifest")! }
        try f.sql("UPDATE manifest SET set_hash = zeroblob(32)")
        await expectVaultError(.integrityViolation) { _ = try await s.write(EntryDraft(body: "three")) }
        try f.sql("UPDATE manifest SET set_hash = ?", [saved["set_hash"] as Data])

        // An entry dropped through raw SQL while the session stays unlocked: the session keeps
        // writing (its manifest row is intact), and the next unlock still reports the drop.
        try f.sql("DELETE FROM entry WHERE id = ?", [e1.id.uuid])
        _ = try await s.write(EntryDraft(body: "four"))
        #expect(try await f.unlock("ana").report.problems == [.entriesOrPinsChanged])

        // An older, validly MAC'd manifest put back: writes still go on (the MAC is valid, as
        // before any caching), and the next unlock reports the entry the old set lacks.
        try await s.acknowledgeReport()
        let older: Row = try f.vault.storage.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM manifest")! }
        let five = try await s.write(EntryDraft(body: "five"))
        #expect(try await f.unlock("ana").report.problems.isEmpty)
        try f.sql("UPDATE manifest SET counter = ?, set_hash = ?, mac = ?",
                  [older["counter"] as Int64, older["set_hash"] as Data, older["mac"] as Data])
        _ = try await s.write(EntryDraft(body: "six"))
        #expect(try await f.unlock("ana").report.problems == [.entryResurrected(five.id)])
    }

    @Test func anUneventfulUnlockWritesNothing() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        _ = try await s.write(EntryDraft(body: "one"))
        let before = try await f.vault.state()
        let again = try await f.unlock("ana")
        #expect(try await f.vault.state() == before)
        #expect(again.report.manifestCounter == 1)
        // A waiting jot still makes unlocking write.
        try await f.vault.jot("captured", for: s.principal.id)
        let third = try await f.unlock("ana")
        #expect(third.report.jotsOpened == 1)
        #expect(third.report.manifestCounter == 2)
        #expect(try await f.vault.state().counter > before.counter)
    }

    // MARK: Opened share keys

    @Test func shareKeysAreOpenedOncePerSealAndForgottenAtLock() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let entry = try await s["ana"]!.write(EntryDraft(title: "one", body: "first version"))
        let share = try await s["ana"]!.share(entry.id, with: .group(group.id))
        let ben = s["ben"]!
        #expect(try ben.keys().openedShareKeyCount == 0)
        #expect(try await ben.sharedEntry(share).entry.content.body == "first version")
        #expect(try ben.keys().openedShareKeyCount == 1)
        #expect(try await ben.sharedEntry(share).entry.content.body == "first version")
        #expect(try ben.keys().openedShareKeyCount == 1, "a reread opens no second key")
        // An edit reseals the share under a new key and version: the remembered key is not used.
        try await s["ana"]!.update(entry.id, with: EntryDraft(title: "one", body: "second version"))
        #expect(try await ben.sharedEntry(share).entry.content.body == "second version")
        #expect(try ben.keys().openedShareKeyCount == 2)
        ben.lock()
        await expectVaultError(.locked) { _ = try await ben.sharedEntry(share) }
        let again = try await f.unlock("ben")
        #expect(try again.keys().openedShareKeyCount == 0, "a new session remembers nothing")
    }

    @Test func theShareKeysASessionRemembersAreBounded() async throws {
        let f = try await Fixture()
        let (_, _, s) = try await f.group(["fac", "ana"])
        let keys = try s["ana"]!.keys()
        var opened = 0
        for index in 0...MemberKeys.openedShareKeysLimit {
            let context = FormatV1.shareSealContext(ShareID(UUID()), reader: PrincipalID(UUID()), entry: EntryID(UUID()), version: index)
            _ = try keys.shareKey(seal: [UInt8](repeating: UInt8(index & 0xFF), count: 48), context: context) {
                opened += 1
                return try SecretBytes.random(count: 32)
            }
            #expect(keys.openedShareKeyCount <= MemberKeys.openedShareKeysLimit)
        }
        #expect(opened == MemberKeys.openedShareKeysLimit + 1, "every seal was new")
        #expect(keys.openedShareKeyCount >= 1, "the seal opened last is remembered")
    }

    @Test func aRememberedShareKeyNeverOpensAChangedOrMovedSeal() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let first = try await s["ana"]!.write(EntryDraft(body: "first entry"))
        let second = try await s["ana"]!.write(EntryDraft(body: "second entry"))
        let firstShare = try await s["ana"]!.share(first.id, with: .group(group.id))
        let secondShare = try await s["ana"]!.share(second.id, with: .group(group.id))
        let ben = s["ben"]!, benID = try await f.id("ben")
        _ = try await ben.sharedEntry(firstShare)
        _ = try await ben.sharedEntry(secondShare)
        #expect(try ben.keys().openedShareKeyCount == 2)
        let seal: Data = try await f.vault.storage.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT seal FROM share_seal WHERE share_id = ? AND reader_id = ?",
                              arguments: [firstShare.uuid, benID.uuid])!
        }
        // The first share's seal, whose key is remembered, moved to the second share: its context
        // (share, entry) differs, so it is opened afresh and refused.
        try f.sql("UPDATE share_seal SET seal = ? WHERE share_id = ? AND reader_id = ?", [seal, secondShare.uuid, benID.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await ben.sharedEntry(secondShare) }
        // A flipped byte in a seal whose key is remembered: other bytes, no hit, refused.
        var flipped = [UInt8](seal)
        flipped[40] ^= 0x01
        try f.sql("UPDATE share_seal SET seal = ? WHERE share_id = ? AND reader_id = ?", [Data(flipped), firstShare.uuid, benID.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await ben.sharedEntry(firstShare) }
        // Put back, the first share reads again.
        try f.sql("UPDATE share_seal SET seal = ? WHERE share_id = ? AND reader_id = ?", [seal, firstShare.uuid, benID.uuid])
        #expect(try await ben.sharedEntry(firstShare).entry.content.body == "first entry")
    }

    // MARK: Verified pins

    @Test func aPinIsCheckedOnceAndAChangedPinIsCheckedAgain() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let entry = try await s["ana"]!.write(EntryDraft(body: "shared"))
        let share = try await s["ana"]!.share(entry.id, with: .group(group.id))
        let ben = s["ben"]!, benID = try await f.id("ben"), anaID = try await f.id("ana")
        #expect(try ben.keys().verifiedPinCount == 0)
        _ = try await ben.sharedEntry(share)
        _ = try await ben.sharedEntry(share)
        #expect(try ben.keys().verifiedPinCount == 1, "ben's pin of ana, checked once, is kept")
        // A forged MAC on the pin already checked is a different row: checked again, and refused.
        let mac: Data = try await f.vault.storage.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT mac FROM pin WHERE owner_id = ? AND peer_id = ?", arguments: [benID.uuid, anaID.uuid])!
        }
        var forged = [UInt8](mac)
        forged[0] ^= 0x01
        try f.sql("UPDATE pin SET mac = ? WHERE owner_id = ? AND peer_id = ?", [Data(forged), benID.uuid, anaID.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await ben.sharedEntry(share) }
        // Put back, it reads again.
        try f.sql("UPDATE pin SET mac = ? WHERE owner_id = ? AND peer_id = ?", [mac, benID.uuid, anaID.uuid])
        #expect(try await ben.sharedEntry(share).entry.content.body == "shared")
        let again = try await f.unlock("ben")
        #expect(try again.keys().verifiedPinCount == 0, "a new session remembers nothing")
    }

    // MARK: Verified share signatures

    @Test func aShareSignatureIsVerifiedOnceAndTheMemoryOfItIsBounded() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let entry = try await s["ana"]!.write(EntryDraft(body: "shared"))
        let share = try await s["ana"]!.share(entry.id, with: .group(group.id))
        let ben = s["ben"]!
        let before = f.vault.verifiedShares.count
        _ = try await ben.sharedEntry(share)
        _ = try await ben.sharedEntry(share)
        #expect(f.vault.verifiedShares.count == before + 1, "one share, verified once, remembered once")
        // A forged signature is a different share to the memo: verified, and refused.
        let signature: Data = try await f.vault.storage.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT signature FROM share WHERE id = ?", arguments: [share.uuid])!
        }
        var forged = [UInt8](signature)
        forged[10] ^= 0x01
        try f.sql("UPDATE share SET signature = ? WHERE id = ?", [Data(forged), share.uuid])
        await expectVaultError(.authenticationFailed) { _ = try await ben.sharedEntry(share) }
        try f.sql("UPDATE share SET signature = ? WHERE id = ?", [signature, share.uuid])
        #expect(try await ben.sharedEntry(share).entry.content.body == "shared")

        // Bounded: past its capacity the memo starts again, and what it then learns it keeps.
        let memo = f.vault.verifiedShares
        for index in 0..<(memo.capacity + 10) { memo.insert(Array("share \(index)".utf8)) }
        #expect(memo.count <= memo.capacity)
        #expect(memo.contains(Array("share \(memo.capacity + 9)".utf8)))
        #expect(!memo.contains(Array("share 0".utf8)))
    }

    // MARK: The memo under every cache

    @Test func aMemoKeepsAtMostItsCapacityAndForgetsOnlyWhenANewKeyComes() {
        let memo = BoundedMemo<Int, String>(capacity: 3)
        var made = 0
        for key in [1, 2, 1, 3, 2] { _ = memo.value(for: key) { made += 1; return "value \(key)" } }
        #expect(made == 3, "a remembered key is not computed again")
        #expect(memo.count == 3)
        // A known key replaced when full keeps the others.
        memo.remember("changed", for: 2)
        #expect(memo.count == 3 && memo[1] == "value 1" && memo[2] == "changed")
        // A fourth key: the memo starts again with it alone.
        memo.remember("value 4", for: 4)
        #expect(memo.count == 1 && memo[4] == "value 4" && memo[1] == nil)
        // A failed computation remembers nothing.
        struct Refused: Error {}
        #expect(throws: Refused.self) { _ = try memo.value(for: 5) { () throws(Refused) -> String in throw Refused() } }
        #expect(memo[5] == nil && memo.count == 1)
    }
}
