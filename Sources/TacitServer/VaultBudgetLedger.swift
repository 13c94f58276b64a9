import Foundation
import TacitMetrics
import TacitVault

/// The metrics budget ledger in the vault's database: each release is stored and charged in one
/// write transaction, following the contract in `TacitMetrics.BudgetLedger`.
struct VaultBudgetLedger: BudgetLedger {
    let vault: Vault

    func state(of period: MetricsPeriod, on day: CalendarDay) async throws -> LedgerState {
        let rows = try await vault.metricsLedger(period: period.description)
        return LedgerState(spent: try Self.spent(rows), releaseOfTheDay: rows.first { $0.day == day.description }?.release,
                           populations: rows.map(\.population))
    }

    func charge(period: MetricsPeriod, day: CalendarDay, epsilon: Rational, release: [UInt8], population: [UInt8],
                expectedSpent: Rational, budget: Rational) async throws -> LedgerChargeOutcome {
        let row = MetricsLedgerRow(period: period.description, day: day.description,
                                   epsilonNumerator: Int64(epsilon.numerator), epsilonDenominator: Int64(epsilon.denominator),
                                   release: release, population: population)
        let dayText = day.description
        return try await vault.appendToMetricsLedger(row) { existing in
            if let stored = existing.first(where: { $0.day == dayText }) {
                return (false, LedgerChargeOutcome.alreadyReleased(stored.release))
            }
            let spent = try Self.spent(existing)
            guard spent == expectedSpent else { return (false, .spentChanged(spent)) }
            guard try spent.adding(epsilon) <= budget else { return (false, .overBudget(spent: spent)) }
            return (true, .charged)
        }
    }

    static func spent(_ rows: [MetricsLedgerRow]) throws -> Rational {
        try Rational.sum(rows.map { row in
            row.epsilonNumerator == 0 ? Rational.zero : try Rational(Int(row.epsilonNumerator), Int(row.epsilonDenominator))
        })
    }
}
