import Foundation
import Testing
@testable import TacitMetrics

/// A released number and the members whose activity feeds it (empty for public cells, which
/// depend on rosters and schedules alone).
struct SupportedCell {
    let metric: MetricID
    let support: Set<UUID>
}

/// The members a signed combination `Σ sᵢ·cellᵢ` depends on: a member is in it when, for some
/// metric, the coefficients of the cells of that metric whose support holds them do not cancel.
/// (Different metrics are different functions of a member's activity, so they never cancel.)
func support(of combination: [(cell: SupportedCell, sign: Int)]) -> Set<UUID> {
    var net: [MetricID: [UUID: Int]] = [:]
    for (cell, sign) in combination where sign != 0 {
        for member in cell.support { net[cell.metric, default: [:]][member, default: 0] += sign }
    }
    return net.values.reduce(into: Set<UUID>()) { result, members in
        result.formUnion(members.filter { $0.value != 0 }.keys)
    }
}

/// The smallest non-empty support over every sum and difference of `cells`:
/// every pair (a + b, a − b), every subset sum, and every signed combination within each metric —
/// which is every signed combination, since supports of different metrics only add up.
func smallestExposure(_ cells: [SupportedCell]) -> Int? {
    var smallest: Int?
    func note(_ members: Set<UUID>) {
        guard !members.isEmpty else { return }
        smallest = min(smallest ?? .max, members.count)
    }
    for a in cells.indices {
        note(support(of: [(cells[a], 1)]))
        for b in cells.indices where b > a {
            note(support(of: [(cells[a], 1), (cells[b], 1)]))
            note(support(of: [(cells[a], 1), (cells[b], -1)]))
        }
    }
    // Subset sums cannot cancel, so their support is the union: enumerate them over the distinct
    // cells with bitmasks of member indices.
    var distinct: [SupportedCell] = []
    for cell in cells where !distinct.contains(where: { $0.metric == cell.metric && $0.support == cell.support }) {
        distinct.append(cell)
    }
    // (A union is never smaller than its smallest non-empty part, already checked above; the
    // enumeration is kept for small sets as a guard on that reasoning.)
    let everyone = Array(distinct.reduce(into: Set<UUID>()) { $0.formUnion($1.support) })
    if distinct.count <= 20 && everyone.count <= 64 {
        let index = Dictionary(uniqueKeysWithValues: everyone.enumerated().map { ($1, $0) })
        let masks = distinct.map { $0.support.reduce(UInt64(0)) { $0 | (1 << UInt64(index[$1]!)) } }
        for subset in 1..<(1 << distinct.count) {
            var union: UInt64 = 0
            for bit in masks.indices where subset & (1 << bit) != 0 { union |= masks[bit] }
            if union != 0 { smallest = min(smallest ?? .max, union.nonzeroBitCount) }
        }
    }
    for metric in Set(cells.map(\.metric)) {
        let same = cells.filter { $0.metric == metric }
        precondition(same.count <= 8, "too many cells of one metric to enumerate")
        var signs = [Int](repeating: -1, count: same.count)
        while true {
            note(support(of: zip(same, signs).map { ($0, $1) }))
            var i = 0
            while i < signs.count && signs[i] == 1 { signs[i] = -1; i += 1 }
            if i == signs.count { break }
            signs[i] += 1
        }
    }
    return smallest
}

@Suite struct DifferencingTests {
    /// Four groups of 5–7 (one member on two rosters), a group of 4 left out, two releases in the
    /// period (two days).
    @Test func noSumOrDifferenceOfReleasedCellsIsolatesFewerThanFiveMembers() async throws {
        var groups = [5, 6, 5, 7].map { Fixture.group(size: $0) }
        groups[3].memberIDs[0] = groups[0].memberIDs[0]
        groups.append(Fixture.group(size: 4))
        // Only group 1's cycle ends in March, so cycles-completed has a smaller support.
        for index in [0, 2, 3] { groups[index].cycles[0].session2 = Fixture.date("2026-04-07") }
        let input = Fixture.input(groups: groups)
        let tally = try CohortTally.count(input, period: Fixture.period, configuration: .standard, recordSupport: true)
        #expect(tally.support[.cyclesCompleted]?.count == 6)

        let clock = TestClock("2026-03-30")
        let ledger = InMemoryBudgetLedger()
        let exporter = Fixture.exporter(ledger: ledger, clock: clock)
        let first = try await exporter.export(period: Fixture.period) { input }
        clock.set("2026-03-31")
        let second = try await exporter.export(period: Fixture.period) { input }

        var cells: [SupportedCell] = []
        for release in [first.release, second.release] {
            #expect(release.status == .released)
            // No metric at two levels in one release: each metric once, all at the cohort level.
            #expect(Set(release.cells.map(\.metric)).count == release.cells.count)
            for cell in release.cells {
                cells.append(SupportedCell(metric: cell.metric, support: tally.support[cell.metric] ?? []))
            }
        }
        // Across the period's releases every metric has one level (one support).
        for metric in MetricID.allCases {
            #expect(Set(cells.filter { $0.metric == metric }.map(\.support)).count <= 1, "\(metric) at two levels")
        }
        let exposure = try #require(smallestExposure(cells))
        #expect(exposure >= 5, "a combination of released cells depends on only \(exposure) members")
    }

    /// Rosters change during a month: a release whose population differs from an earlier one's by
    /// one to four members is withheld, so no two releases of the period can be differenced down to
    /// them; a change of five or more is released.
    @Test func rosterChangesWithinAPeriodCannotSingleMembersOut() async throws {
        let configuration = try MetricsConfiguration(monthlyBudget: try Rational(2, 1))
        var groups = [5, 6, 5].map { Fixture.group(size: $0) }
        let clock = TestClock("2026-03-20")
        let ledger = InMemoryBudgetLedger()
        let exporter = Fixture.exporter(configuration: configuration, ledger: ledger, clock: clock)
        var released: [SupportedCell] = []
        func export(_ day: String) async throws -> MetricsRelease {
            clock.set(day)
            let input = Fixture.input(groups: groups)
            let release = try await exporter.export(period: Fixture.period) { input }.release
            if release.status == .released {
                let tally = try CohortTally.count(input, period: Fixture.period, configuration: configuration, recordSupport: true)
                released += release.cells.map { SupportedCell(metric: $0.metric, support: tally.support[$0.metric] ?? []) }
            }
            return release
        }
        #expect(try await export("2026-03-20").status == .released)
        groups[0].memberIDs.append(UUID())                       // one member joins
        let afterOne = try await export("2026-03-21")
        #expect(afterOne.withheldBecause == [.populationChanged])
        #expect(afterOne.privacy.epsilonSpent == .zero)
        #expect(afterOne.htmlBytes().text.contains("rosters changed by fewer than 5 members"))
        groups[1].memberIDs.removeLast()                         // and another leaves: still two
        #expect(try await export("2026-03-22").withheldBecause == [.populationChanged])
        groups.append(Fixture.group(size: 5))                    // a new group of five: seven in all
        #expect(try await export("2026-03-23").status == .released)
        #expect(try await ledger.spent(on: Fixture.period) == .one)

        let exposure = try #require(smallestExposure(released))
        #expect(exposure >= 5, "two releases of the period differ in only \(exposure) members")
    }

    @Test func thePopulationBlobRoundTrips() throws {
        let population = CohortPopulation(members: (0..<7).map { _ in UUID() }, cycleMembers: (0..<3).map { _ in UUID() })
        #expect(try CohortPopulation(decoding: population.encoded) == population)
        #expect(population.encoded.count == 1 + 4 + 7 * 16 + 4 + 3 * 16)
        #expect(try CohortPopulation(decoding: []) == nil)
        #expect(throws: MetricsError.self) { try CohortPopulation(decoding: population.encoded.dropLast(1).map { $0 }) }
        #expect(throws: MetricsError.self) { try CohortPopulation(decoding: [2] + population.encoded.dropFirst()) }
    }

    @Test func theCheckerCatchesAMetricAtTwoLevels() {
        // A negative control: if a cohort count and the same count without one member were both
        // released, their difference would be that member alone.
        let members = (0..<15).map { _ in UUID() }
        let cohort = SupportedCell(metric: .membersWrote, support: Set(members))
        let allButOne = SupportedCell(metric: .membersWrote, support: Set(members.dropFirst()))
        #expect(smallestExposure([cohort, allButOne]) == 1)
        // …and per-group cells beside a cohort cell would let a group of four be differenced out.
        let groupOfFour = SupportedCell(metric: .membersShared, support: Set(members.prefix(4)))
        let cohortShared = SupportedCell(metric: .membersShared, support: Set(members))
        #expect(smallestExposure([cohortShared, groupOfFour]) == 4)
    }

    @Test func theSchemaHasNoCellBelowTheCohort() {
        // Every metric of the closed set is a cohort total: no per-group or per-member cell exists
        // to be asked for.
        #expect(MetricID.allCases.count == 16)
        #expect(MetricID.allCases.allSatisfy { !$0.rawValue.contains("group-") && !$0.rawValue.contains("member-") })
    }
}

@Suite struct PopulationOrderTests {
    @Test func idsAreSortedBytewiseAndOnce() {
        let ids = (0..<200).map { _ in UUID() }
        let population = CohortPopulation(members: ids + ids.prefix(10), cycleMembers: [])
        let bytes = population.members.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        #expect(population.members.count == 200)
        #expect(zip(bytes, bytes.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
    }
}
