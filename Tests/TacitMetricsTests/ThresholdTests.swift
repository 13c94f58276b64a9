import Foundation
import Testing
@testable import TacitMetrics

@Suite struct ThresholdTests {
    @Test func fourteenMembersAreWithheldWhole() async throws {
        // Three groups of five where one member sits on two rosters: 14 distinct members.
        var groups = [Fixture.group(size: 5), Fixture.group(size: 5), Fixture.group(size: 5)]
        groups[2].memberIDs[0] = groups[0].memberIDs[0]
        let export = try await Fixture.exporter().export(period: Fixture.period) { [groups] in Fixture.input(groups: groups) }
        #expect(export.release.status == .withheld)
        #expect(export.release.withheldBecause == [.tooFewMembers])
        #expect(export.release.value(of: .members) == 14)
        #expect(export.release.value(of: .membersWrote) == nil)
        #expect(export.release.cells.allSatisfy { $0.metric.isPublic })
        #expect(export.charged == .zero)
        #expect(export.release.cohort == nil && export.release.groups.isEmpty)
        #expect(export.html.bytes.text.contains("withheld"))
    }

    @Test func twoLargeGroupsAreTooFewGroups() async throws {
        let export = try await Fixture.exporter().export(period: Fixture.period) { Fixture.input(sizes: [8, 8]) }
        #expect(export.release.status == .withheld)
        #expect(export.release.withheldBecause == [.tooFewGroups])
    }

    @Test func fifteenMembersInGroupsOfFiveAreReleased() async throws {
        let export = try await Fixture.exporter().export(period: Fixture.period) { Fixture.input(sizes: [5, 5, 5]) }
        #expect(export.release.status == .released)
        #expect(export.release.value(of: .groups) == 3)
        #expect(export.release.value(of: .members) == 15)
        #expect(export.release.cells.map(\.metric) == MetricID.allCases)
        #expect(export.charged == MetricsConfiguration.standard.releaseEpsilon)
    }

    @Test func aGroupOfFourIsLeftOutAndItsActivityNotCounted() throws {
        let input = Fixture.input(sizes: [5, 5, 5, 4])
        let tally = try CohortTally.count(input, period: Fixture.period, configuration: .standard)
        #expect(tally.withheld.isEmpty)
        #expect(tally.exact[.groups] == 3)
        #expect(tally.exact[.groupsLeftOut] == 1)
        #expect(tally.exact[.members] == 15)
        #expect(tally.exact[.membersWrote] == 15)
        #expect(tally.exact[.membersShared] == 15)
        #expect(tally.exact[.cyclesEnded] == 3)
        #expect(tally.exact[.cyclesCompleted] == 3)
        #expect(tally.includedGroups.count == 3)
        #expect(!tally.includedGroups.contains(input.groups[3].id))
    }

    @Test func aRaisedThresholdLeavesOutMore() throws {
        let config = try MetricsConfiguration(minimumGroupMembers: 6)
        let tally = try CohortTally.count(Fixture.input(sizes: [6, 6, 6, 5]), period: Fixture.period, configuration: config)
        #expect(tally.exact[.groups] == 3 && tally.exact[.groupsLeftOut] == 1 && tally.exact[.members] == 18)
    }

    @Test func onlyGroupsRunningACycleInTheMonthAreTheCohort() throws {
        let active = [Fixture.group(size: 5), Fixture.group(size: 5), Fixture.group(size: 5)]
        let finishedLastYear = Fixture.group(size: 6, session1: "2025-01-06", session2: "2025-02-03")
        let graceOnly = Fixture.group(size: 6, session1: "2026-02-02", session2: "2026-02-25") // grace runs to 4 March
        let tally = try CohortTally.count(Fixture.input(groups: active + [finishedLastYear, graceOnly]),
                                          period: Fixture.period, configuration: .standard)
        #expect(tally.exact[.groups] == 4)
        #expect(tally.exact[.members] == 21)
        #expect(tally.exact[.cyclesEnded] == 3)   // the grace-only group's session 2 was in February
    }
}

@Suite struct CountingTests {
    @Test func countsFollowTheWeekRuleKindsBandsAndCycles() throws {
        let groups = [Fixture.group(size: 5), Fixture.group(size: 5), Fixture.group(size: 5)]
        let members = groups.flatMap(\.memberIDs)
        var entries: [EntryFacts] = []
        func add(_ member: Int, _ kind: EntryKind, _ week: String, cycle: Bool = false) {
            let group = groups[member / 5]
            entries.append(EntryFacts(author: members[member], group: group.id, cycle: cycle ? group.cycles[0].id : nil,
                                      kind: kind, isoWeek: Fixture.week(week)))
        }
        // Member 0: 7 entries in March (band 6+), every kind.
        for (n, kind) in EntryKind.allCases.enumerated() { add(0, kind, "2026-W1\(n)") }
        add(0, .note, "2026-W10"); add(0, .note, "2026-W11")
        // Member 1: 2026-W14's Thursday is 2 April, so these two do not count for March.
        add(1, .practice, "2026-W14"); add(1, .practice, "2026-W14")
        // Member 2: 2026-W09's Thursday is 26 February: not March either; one in W10 does.
        add(2, .insight, "2026-W09"); add(2, .insight, "2026-W10")
        // Member 3: three entries, band 3–5.
        for _ in 0..<3 { add(3, .commitment, "2026-W12") }
        // Every member of group 0 reflects in its cycle (reflections written in February count).
        for member in 0..<5 { add(member, .reflection, "2026-W09", cycle: true) }
        // Group 1 misses one reflection; group 2 writes none.
        for member in 5..<9 { add(member, .reflection, "2026-W13", cycle: true) }
        let shares = [ShareFacts(author: members[0], group: groups[0].id, isoWeek: Fixture.week("2026-W11")),
                      ShareFacts(author: members[1], group: groups[0].id, isoWeek: Fixture.week("2026-W14"))]
        let tally = try CohortTally.count(MetricsInput(groups: groups, entries: entries, shares: shares),
                                          period: Fixture.period, configuration: .standard)
        // Wrote in March: 0, 2, 3, and 5…8 (reflections in W13).
        #expect(tally.exact[.membersWrote] == 7)
        #expect(tally.exact[.membersShared] == 1)
        #expect(tally.exact[.membersWroteCommitment] == 2)
        #expect(tally.exact[.membersWrotePractice] == 1)
        #expect(tally.exact[.membersWroteReflection] == 5)
        #expect(tally.exact[.membersWroteInsight] == 2)
        #expect(tally.exact[.membersWroteNote] == 1)
        #expect(tally.exact[.membersBand0] == 8)
        #expect(tally.exact[.membersBand1to2] == 5)
        #expect(tally.exact[.membersBand3to5] == 1)
        #expect(tally.exact[.membersBand6Plus] == 1)
        #expect(tally.exact[.cyclesEnded] == 3)
        #expect(tally.exact[.cyclesCompleted] == 1)
        #expect(tally.sensitivity[.cyclesCompleted] == 1)
    }

    @Test func aMemberOnTwoRostersCountsOnceAndRaisesTheCycleSensitivity() throws {
        var groups = [Fixture.group(size: 5), Fixture.group(size: 5), Fixture.group(size: 5), Fixture.group(size: 5)]
        groups[1].memberIDs[0] = groups[0].memberIDs[0]
        let tally = try CohortTally.count(Fixture.input(groups: groups), period: Fixture.period, configuration: .standard)
        #expect(tally.exact[.members] == 19)
        #expect(tally.exact[.membersWrote] == 19)
        // That member's reflections decide two cycles ending in March.
        #expect(tally.sensitivity[.cyclesCompleted] == 2)
        #expect(MetricID.noisy.filter { $0 != .cyclesCompleted }.allSatisfy { tally.sensitivity[$0] == 1 })
    }

    @Test func aGroupListedTwiceIsRefused() {
        let group = Fixture.group(size: 5)
        #expect(throws: MetricsError.self) {
            try CohortTally.count(MetricsInput(groups: [group, group], entries: [], shares: []),
                                  period: Fixture.period, configuration: .standard)
        }
    }
}
