import Foundation
import Testing
@testable import TacitMetrics

/// Counts how often the metadata query ran.
final class QueryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var calls: Int { lock.withLock { count } }
    func input(_ make: () -> MetricsInput) -> MetricsInput { lock.withLock { count += 1 }; return make() }
}

@Suite struct LedgerTests {
    let input = Fixture.input(sizes: [5, 6, 7])

    @Test func aRepeatTheSameDayIsByteIdenticalAndFree() async throws {
        let ledger = InMemoryBudgetLedger()
        let exporter = Fixture.exporter(ledger: ledger)
        let queries = QueryCounter()
        let first = try await exporter.export(period: Fixture.period) { [input] in queries.input { input } }
        let again = try await exporter.export(period: Fixture.period) { [input] in queries.input { input } }
        #expect(!first.isRepeat && again.isRepeat)
        #expect(again.charged == .zero)
        for format in ExportFormat.allCases {
            #expect(first.file(format) == again.file(format), "\(format) differs")
        }
        #expect(queries.calls == 1, "a repeat must not run the metadata query")
        #expect(await ledger.records.count == 1)
        #expect(try await ledger.spent(on: Fixture.period) == Rational.half)
    }

    @Test func aLaterDayIsChargedAgainUntilTheBudgetIsSpent() async throws {
        let ledger = InMemoryBudgetLedger()
        let clock = TestClock("2026-04-02")
        let exporter = Fixture.exporter(ledger: ledger, clock: clock)
        let day1 = try await exporter.export(period: Fixture.period) { [input] in input }
        #expect(day1.release.privacy.budgetLeft == Rational.half)
        clock.set("2026-04-03")
        let day2 = try await exporter.export(period: Fixture.period) { [input] in input }
        #expect(!day2.isRepeat && day2.charged == Rational.half)
        #expect(day2.release.madeOn.description == "2026-04-03")
        #expect(day2.release.privacy.budgetLeft == .zero)
        #expect(day2.json.bytes != day1.json.bytes)
        clock.set("2026-04-04")
        let refused = await #expect(throws: MetricsError.self) {
            _ = try await exporter.export(period: Fixture.period) { [input] in input }
        }
        #expect(refused?.code == .budgetExhausted)
        #expect(await ledger.records.count == 2)
        // The same day's release is still there, free.
        clock.set("2026-04-03")
        let repeated = try await exporter.export(period: Fixture.period) { [input] in input }
        #expect(repeated.isRepeat && repeated.json == day2.json)
        // Another month has its own budget.
        clock.set("2026-04-04")
        let february = try await exporter.export(period: try MetricsPeriod(parsing: "2026-02")) { [input] in input }
        #expect(february.release.period.description == "2026-02" && !february.isRepeat)
    }

    @Test func aFailedExportChargesNothing() async throws {
        let ledger = InMemoryBudgetLedger()
        struct QueryFailed: Error {}
        await #expect(throws: QueryFailed.self) {
            try await Fixture.exporter(ledger: ledger).export(period: Fixture.period) { throw QueryFailed() }
        }
        await #expect(throws: MetricsError.self) {
            try await Fixture.exporter(ledger: ledger, random: FailingRandom()).export(period: Fixture.period) { [input] in input }
        }
        let bad = MetricsInput(groups: input.groups + [input.groups[0]], entries: [], shares: [])
        await #expect(throws: MetricsError.self) {
            try await Fixture.exporter(ledger: ledger).export(period: Fixture.period) { bad }
        }
        #expect(await ledger.records.isEmpty)
        let next = try await Fixture.exporter(ledger: ledger).export(period: Fixture.period) { [input] in input }
        #expect(!next.isRepeat && next.charged == Rational.half)
    }

    @Test func parallelExportsOnManyDaysNeverOverspend() async throws {
        let ledger = InMemoryBudgetLedger()
        let days = (10...31).map { "2026-03-\($0)" }
        let outcomes = await withTaskGroup(of: Result<MetricsExport, any Error>.self) { group in
            for day in days {
                let exporter = Fixture.exporter(ledger: ledger, clock: TestClock(day))
                group.addTask { [input] in
                    do { return .success(try await exporter.export(period: Fixture.period) { input }) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let released = outcomes.compactMap { try? $0.get() }
        let refusals = outcomes.compactMap { outcome -> MetricsError? in
            if case .failure(let error) = outcome { return error as? MetricsError } else { return nil }
        }
        #expect(released.count == 2, "budget 1 pays for exactly two releases of 1/2")
        #expect(refusals.count == days.count - 2)
        #expect(refusals.allSatisfy { $0.code == .budgetExhausted || $0.code == .ledgerBusy })
        #expect(try await ledger.spent(on: Fixture.period) <= .one)
        #expect(await ledger.records.count == 2)
        #expect(Set(released.map(\.release.privacy.budgetLeft)) == [Rational.half, .zero])
    }

    @Test func parallelExportsOnOneDayAllGetTheSameRelease() async throws {
        let ledger = InMemoryBudgetLedger()
        let exporter = Fixture.exporter(ledger: ledger)
        let exports = try await withThrowingTaskGroup(of: MetricsExport.self) { group in
            for _ in 0..<8 { group.addTask { [input] in try await exporter.export(period: Fixture.period) { input } } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(exports.map(\.json.bytes)).count == 1)
        #expect(Set(exports.map(\.html.signature)).count == 1)
        #expect(exports.filter { !$0.isRepeat }.count == 1)
        #expect(await ledger.records.count == 1)
    }

    @Test func aWithheldCohortIsStoredAndCostsNothing() async throws {
        let ledger = InMemoryBudgetLedger()
        let exporter = Fixture.exporter(ledger: ledger)
        let small = Fixture.input(sizes: [5, 5])
        let first = try await exporter.export(period: Fixture.period) { small }
        let again = try await exporter.export(period: Fixture.period) { small }
        #expect(first.release.status == .withheld && first.charged == .zero)
        #expect(again.isRepeat && again.json == first.json)
        #expect(try await ledger.spent(on: Fixture.period) == .zero)
        #expect(first.release.privacy.budgetLeft == .one)
    }

    @Test func aPeriodThatHasNotBegunIsRefused() async throws {
        let ledger = InMemoryBudgetLedger()
        await #expect(throws: MetricsError.self) {
            try await Fixture.exporter(ledger: ledger).export(period: try MetricsPeriod(parsing: "2026-05")) { [input] in input }
        }
        // The current month, still running, may be exported.
        let current = try await Fixture.exporter(ledger: ledger).export(period: try MetricsPeriod(parsing: "2026-04")) { [input] in input }
        #expect(current.release.period.description == "2026-04")
        #expect(await ledger.records.count == 1)
    }
}
