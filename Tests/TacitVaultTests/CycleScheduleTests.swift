import Foundation
import Testing
@testable import TacitVault

/// A group runs its cycles one after another, so "the current cycle" and an entry's kind are never in doubt.
@Suite struct CycleScheduleTests {
    @Test func aGroupsCyclesFollowOneAnother() async throws {
        let fixture = try await Fixture()
        let (group, cycle, sessions) = try await fixture.group(["fac", "m1", "m2"])
        let facilitator = try #require(sessions["fac"])
        let day: TimeInterval = 86_400
        // Each planned well ahead of its session 1, as cycles are.
        func schedule(_ start: Date, _ end: Date, in group: GroupID) async throws -> Cycle {
            let now = fixture.clock.clock.now()
            fixture.clock.set(start.addingTimeInterval(-60 * day))
            defer { fixture.clock.set(now) }
            return try await facilitator.createCycle(in: group, session1: start, session2: end, plan: CyclePlan(topics: []))
        }
        // Reaching into this cycle from after, from before, inside it or around it: refused, naming its days.
        let overlapping = [
            (cycle.session1.addingTimeInterval(10 * day), cycle.session2.addingTimeInterval(20 * day)),
            (cycle.session1.addingTimeInterval(-10 * day), cycle.session1.addingTimeInterval(day)),
            (cycle.session1.addingTimeInterval(3 * day), cycle.session2.addingTimeInterval(-3 * day)),
            (cycle.session1.addingTimeInterval(-3 * day), cycle.session2.addingTimeInterval(3 * day)),
        ]
        let days = ISO8601DateFormatter()
        days.formatOptions = [.withFullDate]
        for (start, end) in overlapping {
            do {
                _ = try await schedule(start, end, in: group.id)
                Issue.record("a cycle from \(start) to \(end) was scheduled over another")
            } catch let error as VaultError {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("from \(days.string(from: cycle.session1)) to \(days.string(from: cycle.session2))"), "\(error.message)")
            }
        }
        #expect(try await fixture.vault.cycles(in: group.id).count == 1)
        // The next cycle may open at the meeting that closes this one, and one before it may close
        // at the meeting that opens this one.
        _ = try await schedule(cycle.session2, cycle.session2.addingTimeInterval(35 * day), in: group.id)
        _ = try await schedule(cycle.session1.addingTimeInterval(-40 * day), cycle.session1, in: group.id)
        #expect(try await fixture.vault.cycles(in: group.id).count == 3)
    }

    /// A cycle is planned ahead: session 1 may be today, not on a day already past (such a cycle
    /// could not be cancelled, and took the group's place at once).
    @Test func aCycleIsPlannedAhead() async throws {
        let fixture = try await Fixture()
        let (group, cycle, sessions) = try await fixture.group(["fac", "m1", "m2"])
        let day: TimeInterval = 86_400
        fixture.clock.set(cycle.session2.addingTimeInterval(10 * day))  // the fixture's cycle is over
        let now = fixture.clock.clock.now()
        let facilitator = try #require(sessions["fac"])
        await expectVaultError(.invalidInput) {
            _ = try await facilitator.createCycle(in: group.id, session1: now.addingTimeInterval(-day), session2: now.addingTimeInterval(30 * day),
                                                  plan: CyclePlan(topics: []))
        }
        let startOfToday = fixture.vault.calendar.startOfDay(now)
        let earlierToday = max(startOfToday, now.addingTimeInterval(-3_600))
        _ = try await facilitator.createCycle(in: group.id, session1: earlierToday, session2: now.addingTimeInterval(30 * day),
                                              plan: CyclePlan(topics: []))
    }

    /// A group's next cycle opening at the meeting that closes this one: what is written at that
    /// meeting goes to the closing cycle until the new session 1 begins, then to the new one — and
    /// in the week after, to the new cycle's practice, not to the old one's grace days.
    @Test func theNextCycleTakesOverWhenItsSessionOneBegins() async throws {
        let fixture = try await Fixture()
        let (group, cycle, sessions) = try await fixture.group(["fac", "m1", "m2"])
        let hour: TimeInterval = 3_600
        let next = try await sessions["fac"]!.createCycle(in: group.id, session1: cycle.session2.addingTimeInterval(5 * hour),
                                                          session2: cycle.session2.addingTimeInterval(35 * 86_400), plan: CyclePlan(topics: []))
        let vault = fixture.vault!
        let m1 = try await fixture.id("m1")
        func current(at date: Date) throws -> CycleID? {
            try vault.readShort { try vault.currentCycle(of: m1, access: $0, at: date) }?.id
        }
        #expect(try current(at: cycle.session2.addingTimeInterval(hour)) == cycle.id, "at session 2, before the new session 1")
        #expect(try current(at: cycle.session2.addingTimeInterval(6 * hour)) == next.id, "once the new session 1 began")
        #expect(try current(at: cycle.session2.addingTimeInterval(3 * 86_400)) == next.id, "in the old cycle's grace days")
        #expect(try current(at: cycle.session2.addingTimeInterval(-86_400)) == cycle.id, "before either meeting")
    }
    /// A planned cycle's two sessions move; once session 1's day has come only session 2 does (and
    /// session 1's hour on its day); a closed cycle stays as it ran. Refused moves change nothing.
    @Test func aCycleIsRescheduledWithinWhatHasHappened() async throws {
        let fixture = try await Fixture()
        let (group, cycle, sessions) = try await fixture.group(["fac", "m1", "m2"])
        let facilitator = try #require(sessions["fac"])
        let vault = fixture.vault!
        let day: TimeInterval = 86_400
        let now = fixture.clock.clock.now()
        // The fixture's cycle is in its practice: session 1 was two days ago.
        #expect(vault.phase(of: cycle) == .practice)
        await expectVaultError(.notPermitted) {
            _ = try await facilitator.rescheduleCycle(cycle.id, session1: cycle.session1.addingTimeInterval(7 * day), session2: nil)
        }
        await expectVaultError(.notPermitted) {
            _ = try await sessions["m1"]!.rescheduleCycle(cycle.id, session1: nil, session2: cycle.session2.addingTimeInterval(7 * day))
        }
        await expectVaultError(.invalidInput) {
            _ = try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: now.addingTimeInterval(-day))
        }
        await expectVaultError(.invalidInput) {
            _ = try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: cycle.session1.addingTimeInterval(3_600))
        }
        #expect(try await vault.cycle(cycle.id) == cycle, "refused moves changed nothing")

        // Session 2 a week later, and session 1's hour on its own day: the phases follow.
        let later = cycle.session2.addingTimeInterval(7 * day)
        let moved = try await facilitator.rescheduleCycle(cycle.id, session1: cycle.session1.addingTimeInterval(3_600), session2: later,
                                                          recording: AuditDraft(actor: try await fixture.id("fac"), action: "rescheduleCycle",
                                                                                resource: cycle.id.description, decision: "allow", policies: [],
                                                                                policyHash: "", time: now))
        #expect(moved.cycle.session2 == Date(timeIntervalSince1970: later.timeIntervalSince1970.rounded(.down)))
        #expect(try await vault.cycle(cycle.id) == moved.cycle, "stored as answered")
        #expect(vault.phase(of: moved.cycle, at: cycle.session2.addingTimeInterval(-3 * day)) == .practice,
                "three days before the old session 2 is practice again, not reflection")
        #expect(try await vault.auditRecords { $0.action == "rescheduleCycle" }.count == 1)

        // Another cycle of the group bounds it: session 2 cannot reach into the next cycle's days.
        fixture.clock.set(now.addingTimeInterval(-day))
        let next = try await facilitator.createCycle(in: group.id, session1: later.addingTimeInterval(10 * day),
                                                     session2: later.addingTimeInterval(45 * day), plan: CyclePlan(topics: []))
        fixture.clock.set(now)
        await expectVaultError(.invalidInput) {
            _ = try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: next.session1.addingTimeInterval(2 * day))
        }
        // The planned one moves both its sessions (a few days earlier), and not onto a past day.
        let earlier = try await facilitator.rescheduleCycle(next.id, session1: next.session1.addingTimeInterval(-2 * day),
                                                            session2: next.session2.addingTimeInterval(-2 * day))
        #expect(vault.phase(of: earlier.cycle) == .planning)
        await expectVaultError(.invalidInput) {
            _ = try await facilitator.rescheduleCycle(next.id, session1: now.addingTimeInterval(-day), session2: nil)
        }
        // Closed: stays as it ran.
        fixture.clock.set(next.session2.addingTimeInterval(30 * day))
        await expectVaultError(.notPermitted) {
            _ = try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: next.session2.addingTimeInterval(31 * day))
        }
    }

    /// A share's end is signed by its author (without one, the cycle's close as it was then):
    /// moving session 2 says which live shares end before the new close and which group shares
    /// will be gone by session 2 — at every move, not only the first — and leaves them whole.
    @Test func reschedulingSaysWhichSharesEndBeforeTheNewClose() async throws {
        let fixture = try await Fixture()
        let (group, cycle, sessions) = try await fixture.group(["fac", "m1", "m2"])
        let vault = fixture.vault!
        let facilitator = try #require(sessions["fac"]), m1 = try #require(sessions["m1"])
        let day: TimeInterval = 86_400
        let byDefault = try await m1.write(EntryDraft(title: "kept", body: "first"))
        let withEnd = try await m1.write(EntryDraft(title: "chosen", body: "second"))
        let share = try await m1.share(byDefault.id, with: .group(group.id))
        _ = try await m1.share(withEnd.id, with: .members([try await fixture.id("m2"), try await fixture.id("fac")]),
                               until: cycle.session2)
        // A share between two other members is theirs: never counted for the facilitator.
        let aside = try await m1.write(EntryDraft(title: "aside", body: "third"))
        _ = try await m1.share(aside.id, with: .members([try await fixture.id("m2")]), until: cycle.session2.addingTimeInterval(-day))
        let oldEnd = vault.end(of: cycle)
        #expect(try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: cycle.session2).sharesEndingEarly
                == SharesEndingEarly(count: 1, first: cycle.session2, groupSharesGoneBySession2: 0),
                "unmoved: only the share whose author chose an earlier end")

        // A week later: both end before the new close; the group share still outlives session 2.
        let week = try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: cycle.session2.addingTimeInterval(7 * day))
        #expect(week.sharesEndingEarly == SharesEndingEarly(count: 2, first: cycle.session2, groupSharesGoneBySession2: 0))
        // Two weeks later, a second move: the group share now ends before session 2.
        let twoWeeks = try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: cycle.session2.addingTimeInterval(14 * day))
        #expect(twoWeeks.sharesEndingEarly == SharesEndingEarly(count: 2, first: cycle.session2, groupSharesGoneBySession2: 1))
        #expect(vault.end(of: twoWeeks.cycle) > oldEnd)
        // The share still opens (nothing signed was touched), until the end it was made with.
        #expect(try await sessions["m2"]!.sharedEntry(share).entry.content.title == "kept")
        fixture.clock.set(cycle.session2.addingTimeInterval(60))
        let later = try await facilitator.rescheduleCycle(cycle.id, session1: nil, session2: cycle.session2.addingTimeInterval(15 * day))
        #expect(later.sharesEndingEarly == SharesEndingEarly(count: 1, first: oldEnd, groupSharesGoneBySession2: 1),
                "a share that has ended is not counted")
        fixture.clock.set(oldEnd.addingTimeInterval(60))
        await expectVaultError(.notFound) { _ = try await sessions["m2"]!.sharedEntry(share) }
    }
}

/// A facilitator removed from their group stops facilitating it: added back, they are a member
/// until appointed again (they had silently become facilitator again), and another member can be
/// appointed meanwhile.
@Suite struct FacilitatorRemovalTests {
    @Test func aRemovedFacilitatorIsNoLongerTheGroupsFacilitator() async throws {
        let f = try await Fixture()
        let (group, _, _) = try await f.group(["fac", "ana", "bo"])
        let fac = try await f.id("fac")
        #expect(try await f.vault.group(group.id)?.facilitator == fac)
        try await f.vault.removeMember(fac, from: group.id)
        #expect(try await f.vault.group(group.id)?.facilitator == nil)
        try await f.vault.addMember(fac, to: group.id)
        #expect(try await f.vault.group(group.id)?.facilitator == nil, "re-adding does not re-appoint")
        // Removing another member leaves the facilitator in place.
        try await f.vault.appointFacilitator(fac, of: group.id)
        try await f.vault.removeMember(try await f.id("bo"), from: group.id)
        #expect(try await f.vault.group(group.id)?.facilitator == fac)
    }
}

/// A cycle's span is counted in calendar days, so a daylight-saving change between its sessions
/// does not make exactly 26 weeks "26 weeks" too many (it was counted in seconds).
@Suite struct CycleSpanTests {
    @Test func twentySixWeeksAcrossADaylightSavingChangeAreAllowed() async throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let calendar = CalendarMath(timeZone: berlin)
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = berlin
        let first = try #require(gregorian.date(from: DateComponents(year: 2026, month: 9, day: 7, hour: 9)))
        let exactly = try #require(gregorian.date(from: DateComponents(year: 2027, month: 3, day: 8, hour: 9)))
        #expect(exactly.timeIntervalSince(first) > Double(26 * 7 * 86_400), "the clocks went back in between")
        #expect(calendar.days(from: first, to: exactly) == 26 * 7)
        #expect(calendar.days(from: first, to: try #require(gregorian.date(byAdding: .day, value: 1, to: exactly))) == 26 * 7 + 1)

        // The vault's own check, on a vault that keeps Berlin's days.
        var template = Array("/tmp/tv-XXXXXX".utf8CString)
        let root = URL(fileURLWithPath: String(cString: try #require(mkdtemp(&template))))
        defer { try? FileManager.default.removeItem(at: root) }
        let clock = TestClock(first.addingTimeInterval(-7 * 86_400))
        let vault = try await Vault.open(directory: root.appendingPathComponent("Data"), keysDirectory: root.appendingPathComponent("Keys"),
                                         configuration: VaultConfiguration(scryptParameters: .fastForTesting, scryptPolicy: .testing,
                                                                           clock: clock.clock, timeZone: berlin))
        defer { try? vault.close() }
        try vault.checkNewCycle(session1: first, session2: exactly)
        await expectVaultError(.invalidInput) {
            try vault.checkNewCycle(session1: first, session2: exactly.addingTimeInterval(86_400))
        }
    }
}
