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
}
