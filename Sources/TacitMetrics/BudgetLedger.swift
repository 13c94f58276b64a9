/// The per-period privacy budget ledger: append-only, one row per release, charged in the same
/// transaction that stores the release.
///
/// ## What an implementation must do (the vault's SQLite ledger)
///
/// A table, append-only, with the primary key `(period, day)`:
///
/// ```sql
/// CREATE TABLE metrics_ledger (
///     period TEXT NOT NULL,                -- "YYYY-MM"
///     day TEXT NOT NULL,                   -- "YYYY-MM-DD", the day the release was made
///     epsilon_numerator INTEGER NOT NULL,  -- ε charged, in lowest terms (0/1 for a withheld release)
///     epsilon_denominator INTEGER NOT NULL,
///     release BLOB NOT NULL,               -- the release's JSON file, byte for byte
///     population BLOB NOT NULL,            -- opaque to the ledger: whose activity it counted
///     PRIMARY KEY (period, day))
/// ```
///
/// - `state(of:on:)`: in one read, the exact sum of ε over the period's rows (as a `Rational`,
///   summed with `Rational.adding`), the `release` of the row `(period, day)` if there is one, and
///   the `population` of every row of the period (any order).
/// - `charge(…)`: in **one write transaction** (`BEGIN IMMEDIATE`, so two exports serialise):
///   1. if a row `(period, day)` exists, return `.alreadyReleased(its release)` and write nothing;
///   2. sum the period's ε; if it differs from `expectedSpent`, return `.spentChanged(sum)` and
///      write nothing (another day's release landed meanwhile; the exporter recomputes);
///   3. if sum + `epsilon` > `budget`, return `.overBudget(spent: sum)` and write nothing;
///   4. insert `(period, day, epsilon, release, population)`, commit, return `.charged`.
///
///   A failure anywhere rolls back and throws: nothing is charged. Rows are never updated or
///   deleted, so the ledger is also the history of every release.
///
/// `InMemoryBudgetLedger` is the reference implementation; the tests in `LedgerTests` are the
/// contract any other implementation should pass.
public protocol BudgetLedger: Sendable {
    /// The ε already spent on `period`, the release stored for `(period, day)` if any, and the
    /// populations stored with the period's releases.
    ///
    /// - Throws: when the ledger cannot be read; the export then fails and charges nothing.
    func state(of period: MetricsPeriod, on day: CalendarDay) async throws -> LedgerState

    /// Atomically stores `release` and `population` for `(period, day)` and charges `epsilon` to
    /// `period`, unless a
    /// release for that key is already stored, the period's spending is no longer `expectedSpent`,
    /// or the charge would exceed `budget`.
    ///
    /// - Throws: when the transaction fails; nothing is then charged or stored.
    func charge(period: MetricsPeriod, day: CalendarDay, epsilon: Rational, release: [UInt8], population: [UInt8],
                expectedSpent: Rational, budget: Rational) async throws -> LedgerChargeOutcome
}

/// What the ledger holds for a period, as seen by one export.
public struct LedgerState: Sendable, Equatable {
    /// The ε spent on the period so far.
    public let spent: Rational
    /// The release already made on the day asked about, byte for byte.
    public let releaseOfTheDay: [UInt8]?
    /// The populations stored with the period's releases, as given to `charge`.
    public let populations: [[UInt8]]

    /// Creates a state.
    public init(spent: Rational, releaseOfTheDay: [UInt8]?, populations: [[UInt8]]) {
        self.spent = spent
        self.releaseOfTheDay = releaseOfTheDay
        self.populations = populations
    }
}

/// The result of `BudgetLedger.charge`.
public enum LedgerChargeOutcome: Sendable, Equatable {
    /// The release was stored and its ε charged.
    case charged
    /// A release for the same period and day was already stored; here it is. Nothing was charged.
    case alreadyReleased([UInt8])
    /// The period's spending changed since `state`; nothing was charged. Recompute and try again.
    case spentChanged(Rational)
    /// The charge would exceed the budget; nothing was charged.
    case overBudget(spent: Rational)
}

/// One row of a ledger.
public struct LedgerRecord: Sendable, Equatable {
    /// The period charged.
    public let period: MetricsPeriod
    /// The day the release was made.
    public let day: CalendarDay
    /// The ε charged.
    public let epsilon: Rational
    /// The release's JSON file.
    public let release: [UInt8]
    /// Whose activity the release counted (opaque; empty for a withheld release).
    public let population: [UInt8]

    /// Creates a row.
    public init(period: MetricsPeriod, day: CalendarDay, epsilon: Rational, release: [UInt8], population: [UInt8]) {
        self.period = period
        self.day = day
        self.epsilon = epsilon
        self.release = release
        self.population = population
    }
}

/// A ledger in memory, for tests and the offline demo: an actor, so each charge is atomic.
public actor InMemoryBudgetLedger: BudgetLedger {
    private var rows: [LedgerRecord] = []

    /// An empty ledger.
    public init() {}

    /// Every row, in the order charged.
    public var records: [LedgerRecord] { rows }

    /// The ε spent on `period`.
    ///
    /// - Throws: `MetricsError.malformedValue` if the sum overflows.
    public func spent(on period: MetricsPeriod) throws -> Rational {
        try Rational.sum(rows.lazy.filter { $0.period == period }.map(\.epsilon))
    }

    /// The ε spent on `period` and the release of `(period, day)`.
    ///
    /// - Throws: `MetricsError.malformedValue` if the sum overflows.
    public func state(of period: MetricsPeriod, on day: CalendarDay) throws -> LedgerState {
        LedgerState(spent: try spent(on: period),
                    releaseOfTheDay: rows.first { $0.period == period && $0.day == day }?.release,
                    populations: rows.filter { $0.period == period }.map(\.population))
    }

    /// Charges as the protocol says, atomically because the actor runs one call at a time.
    ///
    /// - Throws: `MetricsError.malformedValue` if the sum overflows.
    public func charge(period: MetricsPeriod, day: CalendarDay, epsilon: Rational, release: [UInt8], population: [UInt8],
                       expectedSpent: Rational, budget: Rational) throws -> LedgerChargeOutcome {
        if let stored = rows.first(where: { $0.period == period && $0.day == day }) {
            return .alreadyReleased(stored.release)
        }
        let spent = try spent(on: period)
        guard spent == expectedSpent else { return .spentChanged(spent) }
        guard try spent.adding(epsilon) <= budget else { return .overBudget(spent: spent) }
        rows.append(LedgerRecord(period: period, day: day, epsilon: epsilon, release: release, population: population))
        return .charged
    }
}
