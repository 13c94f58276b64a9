import Foundation

/// One release of a period's metrics: the closed, versioned schema `tacit-metrics/1`.
///
/// It holds integers, metric names, band labels (inside metric names), months, days, fractions of
/// ε and per-export pseudonyms, and nothing else: no free text, no member id, no group id. The JSON
/// file is its canonical form and what the budget ledger stores; the CSV and HTML files are pure
/// functions of it, so the same release always gives the same bytes.
public struct MetricsRelease: Sendable, Equatable {
    /// The schema name and version this type reads and writes.
    public static let schemaVersion = "tacit-metrics/1"

    /// Whether the cohort's counts are in the release.
    public enum Status: String, Sendable, Codable {
        /// Every cell is released.
        case released
        /// The cohort is below a threshold: only the public cells are given, and why.
        case withheld
    }

    /// One released number.
    public struct Cell: Sendable, Equatable {
        /// Which number this is.
        public let metric: MetricID
        /// The value: exact for a public cell, noisy and clamped otherwise.
        public let value: Int
        /// The ε this cell cost (0 for a public cell).
        public let epsilon: Rational
        /// How far one member's activity can move the true value (0 for a public cell).
        public let sensitivity: Int

        /// Creates a cell.
        public init(metric: MetricID, value: Int, epsilon: Rational, sensitivity: Int) {
            self.metric = metric
            self.value = value
            self.epsilon = epsilon
            self.sensitivity = sensitivity
        }
    }

    /// The privacy accounting of the release and the thresholds it was made under.
    public struct Privacy: Sendable, Equatable {
        /// Always `discrete-laplace`.
        public let mechanism: String
        /// The ε this release charged to the period (0 when withheld).
        public let epsilonSpent: Rational
        /// The period's total budget.
        public let budget: Rational
        /// What is left of the budget after this release.
        public let budgetLeft: Rational
        /// Groups under this size were left out.
        public let minimumGroupMembers: Int
        /// Cohorts with fewer groups are withheld.
        public let minimumCohortGroups: Int
        /// Cohorts with fewer members are withheld.
        public let minimumCohortMembers: Int

        /// Creates the accounting block.
        public init(epsilonSpent: Rational, budget: Rational, budgetLeft: Rational,
                    minimumGroupMembers: Int, minimumCohortGroups: Int, minimumCohortMembers: Int) {
            self.mechanism = "discrete-laplace"
            self.epsilonSpent = epsilonSpent
            self.budget = budget
            self.budgetLeft = budgetLeft
            self.minimumGroupMembers = minimumGroupMembers
            self.minimumCohortGroups = minimumCohortGroups
            self.minimumCohortMembers = minimumCohortMembers
        }
    }

    /// `tacit-metrics/1`.
    public let schema: String
    /// The month covered.
    public let period: MetricsPeriod
    /// The day the release was made; with `period`, the key of the release in the ledger.
    public let madeOn: CalendarDay
    /// Released or withheld.
    public let status: Status
    /// Why it was withheld; empty when released.
    public let withheldBecause: [WithheldReason]
    /// The cohort's pseudonym in this export; `nil` when withheld.
    public let cohort: String?
    /// The included groups' pseudonyms in this export, sorted; empty when withheld.
    public let groups: [String]
    /// The cells, in schema order: all of them when released, the public ones when withheld.
    public let cells: [Cell]
    /// The privacy accounting.
    public let privacy: Privacy

    /// Creates a release and checks it against the schema.
    ///
    /// - Throws: `MetricsError.malformedRelease` when the parts do not make a valid release.
    public init(period: MetricsPeriod, madeOn: CalendarDay, status: Status, withheldBecause: [WithheldReason],
                cohort: String?, groups: [String], cells: [Cell], privacy: Privacy) throws {
        self.schema = Self.schemaVersion
        self.period = period
        self.madeOn = madeOn
        self.status = status
        self.withheldBecause = withheldBecause
        self.cohort = cohort
        self.groups = groups
        self.cells = cells
        self.privacy = privacy
        try validate()
    }

    /// The value of a cell, if released.
    public func value(of metric: MetricID) -> Int? {
        cells.first { $0.metric == metric }?.value
    }

    /// Checks the invariants the schema document promises.
    func validate() throws {
        func fail(_ problem: String) -> MetricsError {
            MetricsError(.malformedRelease, "not a valid \(Self.schemaVersion) release: \(problem)")
        }
        guard schema == Self.schemaVersion else { throw fail("unknown schema") }
        let metrics = cells.map(\.metric)
        let expected = status == .released ? MetricID.allCases : MetricID.allCases.filter(\.isPublic)
        guard metrics == expected else { throw fail("the cells are not the schema's, in its order") }
        for cell in cells {
            guard cell.value >= 0 else { throw fail("a negative value") }
            guard cell.metric.isPublic == (cell.epsilon.isZero && cell.sensitivity == 0),
                  cell.metric.isPublic || cell.sensitivity > 0 else {
                throw fail("a cell's ε or sensitivity does not match its kind")
            }
        }
        switch status {
        case .released:
            guard withheldBecause.isEmpty, let cohort, Self.isPseudonym(cohort, prefix: "c-"),
                  groups.allSatisfy({ Self.isPseudonym($0, prefix: "g-") }), groups == groups.sorted(),
                  groups.count == value(of: .groups), Set(groups).count == groups.count else {
                throw fail("a released cohort needs its pseudonyms")
            }
            let spent = try Rational.sum(cells.map(\.epsilon))
            guard spent == privacy.epsilonSpent else { throw fail("ε spent is not the sum of the cells' ε") }
        case .withheld:
            guard !withheldBecause.isEmpty, cohort == nil, groups.isEmpty, privacy.epsilonSpent.isZero else {
                throw fail("a withheld cohort has reasons, no pseudonyms and no cost")
            }
        }
        guard privacy.mechanism == "discrete-laplace", privacy.budgetLeft <= privacy.budget,
              privacy.epsilonSpent <= privacy.budget else {
            throw fail("the privacy accounting does not add up")
        }
    }

    static func isPseudonym(_ text: String, prefix: String) -> Bool {
        text.hasPrefix(prefix) && text.utf8.count == prefix.utf8.count + 2 * Pseudonymizer.byteCount
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
