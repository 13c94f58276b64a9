import Foundation
import GRDB
import Testing
import TacitCrypto
@testable import TacitVault

@Suite struct EntryTests {
    @Test func writeReadUpdateDeleteAndKindFollowsPhase() async throws {
        let f = try await Fixture()
        let (_, cycle, s) = try await f.group(["fac", "ana"])
        let ana = s["ana"]!
        let meta = try await ana.write(EntryDraft(title: "Café notes", body: "Tried **open questions**.",
                                                  tags: ["listening", "1:1"], topic: "feedback"))
        #expect(meta.kind == .practice)
        #expect(meta.cycle == cycle.id)
        #expect(meta.version == 1)
        let read = try await ana.entry(meta.id)
        #expect(read.content.title == "Café notes")
        #expect(read.content.tags == ["listening", "1:1"])
        #expect(read.content.topic == "feedback")
        let updated = try await ana.update(meta.id, with: EntryDraft(title: "Café notes 2", body: "more", kind: .insight))
        #expect(updated.version == 2)
        #expect(updated.kind == .insight)
        let again = try await ana.entry(meta.id)
        #expect(again.content.body == "more")
        #expect(again.content.created == read.content.created)
        // Another member cannot read it: not found, not forbidden.
        await expectVaultError(.notFound) { _ = try await s["fac"]!.entry(meta.id) }
        try await ana.delete(meta.id)
        await expectVaultError(.notFound) { _ = try await ana.entry(meta.id) }
        #expect(try await ana.entries().isEmpty)
    }

    /// An edit made on a copy read before another edit is refused, and the other edit stays.
    @Test func anEditOfAnOlderVersionChangesNothing() async throws {
        let f = try await Fixture()
        let (_, _, s) = try await f.group(["fac", "ana"])
        let ana = s["ana"]!
        let meta = try await ana.write(EntryDraft(title: "Plan", body: "first"))
        // Two terminals read version 1; the first saves, the second's save must not replace it.
        let second = try await ana.update(meta.id, with: EntryDraft(title: "Plan", body: "from the laptop"), expectedVersion: 1)
        #expect(second.version == 2)
        await expectVaultError(.versionConflict) {
            _ = try await ana.update(meta.id, with: EntryDraft(title: "Plan", body: "from the desktop"), expectedVersion: 1)
        }
        let kept = try await ana.entry(meta.id)
        #expect(kept.content.body == "from the laptop")
        #expect(kept.metadata.version == 2)
        // On the newest version the edit goes through.
        let third = try await ana.update(meta.id, with: EntryDraft(title: "Plan", body: "merged"), expectedVersion: 2)
        #expect(third.version == 3)
    }

    @Test func ciphertextLengthsAreOnlyBucketSizes() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        for size in [0, 1, 400, 508, 509, 1000, 5000, 70_000, 140_000] {
            _ = try await s.write(EntryDraft(body: String(repeating: "x", count: size)))
        }
        let lengths = try await f.vault.read { access in
            try Int.fetchAll(access.db, sql: "SELECT length(ciphertext) - 28 FROM entry")
        }
        let buckets = Set([512, 1024, 2048, 4096, 8192, 16384, 32768, 65536] + (2...64).map { $0 * 65536 })
        for length in lengths { #expect(buckets.contains(length), "ciphertext of \(length) + 28 bytes") }
        #expect(Set(lengths).isSuperset(of: [512, 1024, 8192, 131_072, 196_608]))
    }

    @Test func bucketsAndPaddingDecoding() throws {
        #expect(PayloadCodec.bucket(for: 1) == 512)
        #expect(PayloadCodec.bucket(for: 513) == 1024)
        #expect(PayloadCodec.bucket(for: 65536) == 65536)
        #expect(PayloadCodec.bucket(for: 65537) == 131_072)
        #expect(PayloadCodec.bucket(for: 200_000) == 262_144)
        let content = EntryContent(title: "t", body: "b", tags: ["x"], topic: "p", created: Date(timeIntervalSince1970: 5))
        let (padded, bucket) = try PayloadCodec.encode(content)
        #expect(bucket == 512)
        #expect(try PayloadCodec.decode(padded) == content)
        // Non-zero padding is refused.
        var bytes = padded.unprotectedCopy()
        bytes[511] = 1
        #expect(throws: VaultError.self) { _ = try PayloadCodec.decode(SecretBytes(copying: bytes)) }
        // A length past the bucket is refused.
        bytes = padded.unprotectedCopy()
        bytes[0] = 0xFF
        #expect(throws: VaultError.self) { _ = try PayloadCodec.decode(SecretBytes(copying: bytes)) }
    }

    /// Entries written in the same second (an import of a jrnl file, whose times have minutes only)
    /// are paged through without one repeated or skipped, and every listing orders them alike (the
    /// listing and the export had put them in different orders).
    @Test func entriesOfTheSameSecondPageThroughOnceEach() async throws {
        let f = try await Fixture()
        let (_, _, s) = try await f.group(["fac", "ana"])
        let ana = s["ana"]!
        var written: Set<EntryID> = []
        for index in 0..<40 { written.insert(try await ana.write(EntryDraft(title: "same second \(index)", body: "x")).id) }
        var seen: [EntryID] = []
        var offset = 0
        while true {
            let page = try await ana.search("", offset: offset, limit: 7)
            seen += page.entries.map(\.metadata.id)
            offset += page.entries.count
            if page.entries.isEmpty || offset >= page.total { break }
        }
        #expect(seen.count == 40 && Set(seen) == written, "\(seen.count) listed, \(Set(seen).count) distinct")
        #expect(try await ana.search("", offset: 0, limit: 40).entries.map(\.metadata.id) == seen)
        #expect(try await ana.entries().map(\.metadata.id) == seen)
        // An id's start (as tables show it) finds that entry alone: how the CLI resolves typed ids.
        let one = try #require(written.first)
        let found = try await ana.search("", filter: SearchFilter(idPrefix: String(one.description.prefix(8))), offset: 0, limit: 10)
        #expect(found.entries.map(\.metadata.id) == [one] && found.total == 1)
    }

    @Test func searchIsCaseAndDiacriticInsensitiveWithPhrasesAndFilters() async throws {
        let f = try await Fixture()
        let (_, cycle, s) = try await f.group(["fac", "ana"])
        let ana = s["ana"]!
        _ = try await ana.write(EntryDraft(title: "Réunion d'équipe", body: "We practised active listening today.",
                                           tags: ["Écoute"]))
        _ = try await ana.write(EntryDraft(title: "Delegation", body: "Listening, then active questions.", kind: .insight))
        _ = try await ana.write(EntryDraft(title: "Other", body: "nothing relevant", tags: ["misc"]))
        #expect(try await ana.search("reunion").count == 1)
        #expect(try await ana.search("LISTENING active").count == 2)
        #expect(try await ana.search("\"active listening\"").count == 1)
        #expect(try await ana.search("listening", filter: SearchFilter(kind: .insight)).count == 1)
        #expect(try await ana.search("", filter: SearchFilter(tag: "ecoute")).count == 1)
        #expect(try await ana.search("", filter: SearchFilter(cycle: cycle.id)).count == 3)
        #expect(try await ana.search("absent").isEmpty)
        // Tags and topics are searched too (as the README says), each as a field of its own.
        _ = try await ana.write(EntryDraft(title: "Zeta", body: "body only", tags: ["qwertytag", "second"], topic: "Giving feedback"))
        #expect(try await ana.search("qwertytag").map(\.content.title) == ["Zeta"])
        #expect(try await ana.search("ecoute").map(\.content.title) == ["Réunion d'équipe"])
        #expect(try await ana.search("\"giving feedback\"").map(\.content.title) == ["Zeta"])
        #expect(try await ana.search("\"only giving\"").isEmpty, "a phrase does not run from the text into the topic")
        #expect(try await ana.search("\"qwertytag second\"").isEmpty, "nor from one tag into the next")
    }

    @Test func phasesFollowTheInjectedClock() async throws {
        let f = try await Fixture()
        let day = 86_400.0
        let start = f.clock.clock.now()
        let cycle = Cycle(id: try CycleID.random(), group: try GroupID.random(), session1: start.addingTimeInterval(10 * day),
                          session2: start.addingTimeInterval(40 * day), sessionMinutes: 90, createdAt: start)
        let v = f.vault!
        #expect(v.phase(of: cycle, at: start) == .planning)
        #expect(v.phase(of: cycle, at: start.addingTimeInterval(10 * day + 3600)) == .session1)
        #expect(v.phase(of: cycle, at: start.addingTimeInterval(12 * day)) == .practice)
        #expect(v.phase(of: cycle, at: start.addingTimeInterval(35 * day)) == .reflection)
        #expect(v.phase(of: cycle, at: start.addingTimeInterval(40 * day + 3600)) == .session2)
        #expect(v.phase(of: cycle, at: start.addingTimeInterval(46 * day)) == .session2)
        #expect(v.phase(of: cycle, at: start.addingTimeInterval(48 * day + 1)) == .closed)
        #expect(CyclePhase.session1.defaultEntryKind == .commitment)
        #expect(CyclePhase.reflection.defaultEntryKind == .reflection)
        #expect(CyclePhase.planning.defaultEntryKind == .note)
    }

    @Test func phaseBoundariesAreRememberedPerSessionDates() async throws {
        let f = try await Fixture()
        let day = 86_400.0
        let start = f.clock.clock.now()
        let v = f.vault!
        let id = try CycleID.random(), group = try GroupID.random()
        let cycle = Cycle(id: id, group: group, session1: start.addingTimeInterval(10 * day),
                          session2: start.addingTimeInterval(40 * day), sessionMinutes: 90, createdAt: start)
        let before = v.phaseBoundaries.count
        for hour in 0..<100 { _ = v.phase(of: cycle, at: start.addingTimeInterval(Double(hour) * 3600)) }
        _ = v.end(of: cycle)
        #expect(v.phaseBoundaries.count == before + 1)
        // The same cycle moved: its new dates decide, not the remembered ones.
        let moved = Cycle(id: id, group: group, session1: start.addingTimeInterval(-60 * day),
                          session2: start.addingTimeInterval(-30 * day), sessionMinutes: 90, createdAt: start)
        #expect(v.phase(of: cycle, at: start) == .planning)
        #expect(v.phase(of: moved, at: start) == .closed)
        #expect(v.end(of: moved) < v.end(of: cycle))
        // Bounded: more distinct cycles than the capacity start the memo again.
        for index in 0...PhaseBoundaryMemo.capacity {
            let other = Cycle(id: id, group: group, session1: start.addingTimeInterval(Double(index + 1) * day),
                              session2: start.addingTimeInterval(Double(index + 30) * day), sessionMinutes: 90, createdAt: start)
            #expect(v.phase(of: other, at: start) == .planning)
        }
        #expect(v.phaseBoundaries.count <= PhaseBoundaryMemo.capacity)
    }

    @Test func cyclePlanIsSealedToTheRosterAndNewMembersAtFacilitatorsUnlock() async throws {
        let f = try await Fixture()
        let (group, cycle, s) = try await f.group(["fac", "ana"])
        #expect(try await s["ana"]!.plan(of: cycle.id).topics == ["feedback"])
        #expect(try await s["fac"]!.plan(of: cycle.id).topics == ["feedback"])
        try await f.enroll("ben", group: group.id)
        let ben = try await f.unlock("ben")
        await expectVaultError(.notFound) { _ = try await ben.plan(of: cycle.id) }
        let fac = try await f.unlock("fac")
        #expect(fac.report.membersSealedIn == 1)
        #expect(try await ben.plan(of: cycle.id).topics == ["feedback"])
        // Reading the plan pinned the facilitator for ben: his manifest knew, so his next unlock is clean.
        ben.lock()
        #expect(try await f.unlock("ben").report.problems.isEmpty)
    }

    /// A newcomer need not wait for the facilitator: any member who can open the plan seals it on
    /// at their unlock, once; and only a key that checks against the facilitator's signature.
    @Test func aMembersUnlockSealsTheCyclePlanToANewcomer() async throws {
        let f = try await Fixture()
        let (group, cycle, _) = try await f.group(["fac", "ana"])
        try await f.enroll("ben", group: group.id)
        let ben = try await f.unlock("ben")
        await expectVaultError(.notFound) { _ = try await ben.plan(of: cycle.id) }
        #expect(try await f.unlock("ana").report.membersSealedIn == 1)
        #expect(try await ben.plan(of: cycle.id).topics == ["feedback"])
        #expect(try await f.unlock("fac").report.membersSealedIn == 0, "sealed in once")
        #expect(try await f.unlock("ana").report.membersSealedIn == 0)
    }

    @Test func aGroupObjectThatDoesNotCheckIsNotSealedOn() async throws {
        let f = try await Fixture()
        let (group, cycle, _) = try await f.group(["fac", "ana"])
        try await f.enroll("ben", group: group.id)
        let ben = try await f.unlock("ben")
        try f.sql("UPDATE group_object SET signature = ?", [Data(repeating: 7, count: 64)])
        let ana = try await f.unlock("ana")
        #expect(ana.report.membersSealedIn == 0, "a key that fails the facilitator's signature is not passed on")
        await expectVaultError(.notFound) { _ = try await ben.plan(of: cycle.id) }
        await expectVaultError(.authenticationFailed) { _ = try await ana.plan(of: cycle.id) }
    }

    @Test func jotsBecomePracticeEntriesAtNextUnlock() async throws {
        let f = try await Fixture()
        let (_, cycle, _) = try await f.group(["fac", "ana"])
        let ana = try await f.id("ana")
        let jot = try await f.vault.jot("quick thought after the 1:1", for: ana)
        #expect(try await f.vault.pendingJots(for: ana) == 1)
        await expectVaultError(.peerKeyUnconfirmed) {
            try await f.vault.jot("x", for: ana, expectedKey: [UInt8](repeating: 1, count: 32))
        }
        let s = try await f.unlock("ana")
        #expect(s.report.jotsOpened == 1)
        #expect(try await f.vault.pendingJots(for: ana) == 0)
        let entries = try await s.entries()
        #expect(entries.count == 1)
        #expect(entries[0].content.body == "quick thought after the 1:1")
        #expect(entries[0].metadata.kind == .practice)
        #expect(entries[0].metadata.cycle == cycle.id)
        // The entry is found under the id the jot was given.
        #expect(entries[0].metadata.id.uuid == jot.uuid)
        #expect(try await s.entry(EntryID(jot.uuid)).content.body == "quick thought after the 1:1")
    }

    /// A jot goes into the cycle that was the member's when it was jotted, however late the login
    /// that opens it: it had gone into whatever cycle was open at that login (here the next one).
    @Test func aJotOpenedAfterItsCycleClosedStaysInThatCycle() async throws {
        let f = try await Fixture()
        let (group, cycle, s) = try await f.group(["fac", "ana"])
        let ana = try await f.id("ana")
        _ = try await f.vault.jot("noted during the practice weeks", for: ana)
        // Weeks later: the cycle has closed and the next one is under way.
        f.clock.advance(days: 45)
        let now = f.clock.clock.now()
        let next = try await s["fac"]!.createCycle(in: group.id, session1: now.addingTimeInterval(86_400),
                                                   session2: now.addingTimeInterval(86_400 * 36), plan: CyclePlan(topics: []))
        f.clock.advance(days: 2)
        let opened = try await f.unlock("ana")
        #expect(opened.report.jotsOpened == 1)
        let entry = try #require(try await opened.entries().first)
        #expect(entry.metadata.cycle == cycle.id && entry.metadata.cycle != next.id)
        #expect(entry.metadata.kind == .practice)
    }

    @Test func importIsOneTransaction() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let before = try await f.vault.state().counter
        let count = try await s.importEntries((0..<50).lazy.map { EntryDraft(title: "n\($0)", body: "body \($0)") })
        #expect(count == 50)
        #expect(try await f.vault.state().counter == before + 1)
        #expect(try await s.entries().count == 50)
        let again = try await f.unlock("ana")
        #expect(again.report.problems.isEmpty)
    }

    /// Checked on the writer, the connection whose commits must be durable (GRDB's pool turns it
    /// to NORMAL when it enables WAL; a reader would still say FULL).
    @Test func storagePragmas() async throws {
        let f = try await Fixture()
        let (sync, secure, fk, journal) = try await f.vault.write { access in
            (try Int.fetchOne(access.db, sql: "PRAGMA synchronous")!, try Int.fetchOne(access.db, sql: "PRAGMA secure_delete")!,
             try Int.fetchOne(access.db, sql: "PRAGMA foreign_keys")!, try String.fetchOne(access.db, sql: "PRAGMA journal_mode")!)
        }
        #expect(sync == 2)
        #expect(secure == 1)
        // The page cache is bounded on the writer and on the readers alike.
        #expect(try await f.vault.write { try Int.fetchOne($0.db, sql: "PRAGMA cache_size")! } == -512)
        #expect(try await f.vault.read { try Int.fetchOne($0.db, sql: "PRAGMA cache_size")! } == -512)
        #expect(fk == 1)
        #expect(journal == "wal")
    }
}
