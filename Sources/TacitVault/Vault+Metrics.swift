import Foundation

/// One entry as the metrics see it: who, where, what kind, which ISO week. No content, no key.
public struct MetricsEntryFact: Sendable, Equatable {
    /// The author.
    public let author: PrincipalID
    /// The entry's group.
    public let group: GroupID
    /// The entry's cycle.
    public let cycle: CycleID?
    /// The kind, as stored (`commitment`, `practice`, …).
    public let kind: String
    /// The ISO week (`YYYY-Www`).
    public let isoWeek: String
}

/// One share as the metrics see it.
public struct MetricsShareFact: Sendable, Equatable {
    /// Who shared.
    public let author: PrincipalID
    /// The group the entry belongs to.
    public let group: GroupID
    /// When.
    public let sharedAt: Date
}

/// Everything the compliance metrics may know: rosters, cycles, and entry and share metadata.
public struct MetricsFacts: Sendable {
    /// Each group's members now.
    public let rosters: [(group: GroupID, members: [PrincipalID])]
    /// Every cycle.
    public let cycles: [Cycle]
    /// Every live entry in a group.
    public let entries: [MetricsEntryFact]
    /// Every live share.
    public let shares: [MetricsShareFact]
}

/// One row of the metrics budget ledger: the ε a release cost, and the release byte for byte.
public struct MetricsLedgerRow: Sendable, Equatable {
    /// The period (`YYYY-MM`).
    public let period: String
    /// The day the release was made (`YYYY-MM-DD`).
    public let day: String
    /// ε's numerator.
    public let epsilonNumerator: Int64
    /// ε's denominator.
    public let epsilonDenominator: Int64
    /// The release's JSON file.
    public let release: [UInt8]
    /// Opaque to the vault: whose activity the release counted.
    public let population: [UInt8]

    /// Creates a row.
    public init(period: String, day: String, epsilonNumerator: Int64, epsilonDenominator: Int64, release: [UInt8],
                population: [UInt8]) {
        self.period = period
        self.day = day
        self.epsilonNumerator = epsilonNumerator
        self.epsilonDenominator = epsilonDenominator
        self.release = release
        self.population = population
    }
}

extension Vault {
    /// The clear metadata the metrics count, read in one transaction. The metrics code never gets a
    /// key or a ciphertext: this is all it sees.
    ///
    /// - Throws: `VaultError.storage`.
    public func metricsFacts() async throws(VaultError) -> MetricsFacts {
        try await read { access in
            MetricsFacts(rosters: try access.groupRosters(), cycles: try access.allCycles(),
                         entries: try access.entryFacts(), shares: try access.shareFacts())
        }
    }

    /// The ledger rows of `period`.
    ///
    /// - Throws: `VaultError.storage`.
    public func metricsLedger(period: String) async throws(VaultError) -> [MetricsLedgerRow] {
        try await read { try $0.ledgerRows(period: period) }
    }

    /// In one write transaction (writes are serialised, so two exports cannot interleave): reads the
    /// period's rows, asks `decide` whether `row` may be appended, and appends it if so. Nothing is
    /// written when `decide` says no or throws.
    ///
    /// - Returns: what `decide` returned.
    /// - Throws: `VaultError.storage`; whatever `decide` throws, wrapped.
    public func appendToMetricsLedger<Outcome: Sendable>(
        _ row: MetricsLedgerRow,
        decide: @Sendable @escaping (_ existing: [MetricsLedgerRow]) throws -> (append: Bool, outcome: Outcome)
    ) async throws(VaultError) -> Outcome {
        try await write { access in
            let existing = try access.ledgerRows(period: row.period)
            let decision = try decide(existing)
            if decision.append { try access.insertLedgerRow(row) }
            return decision.outcome
        }
    }
}
