import Foundation
import GRDB

// MARK: Metrics: clear metadata only, and the budget ledger

extension StorageAccess {
    func groupRosters() throws -> [(group: GroupID, members: [PrincipalID])] {
        var rosters: [GroupID: [PrincipalID]] = [:]
        for group in try groups() { rosters[group.id] = [] }
        for row in try Row.fetchAll(db, sql: "SELECT group_id, principal_id FROM membership") {
            rosters[row.id("group_id"), default: []].append(row.id("principal_id"))
        }
        return rosters.map { ($0.key, $0.value) }
    }

    func allCycles() throws -> [Cycle] {
        try Row.fetchAll(db, sql: "SELECT id FROM cycle").compactMap { try cycle($0.id("id")) }
    }

    /// Every live entry's author, group, cycle, kind and ISO week: no ciphertext is read.
    func entryFacts() throws -> [MetricsEntryFact] {
        try Row.fetchAll(db, sql: "SELECT author_id, group_id, cycle_id, kind, iso_week FROM entry WHERE group_id IS NOT NULL")
            .map { MetricsEntryFact(author: $0.id("author_id"), group: $0.id("group_id"), cycle: $0.optionalID("cycle_id"),
                                    kind: $0["kind"], isoWeek: $0["iso_week"]) }
    }

    func shareFacts() throws -> [MetricsShareFact] {
        try Row.fetchAll(db, sql: "SELECT author_id, group_id, created_at FROM share WHERE group_id IS NOT NULL")
            .map { MetricsShareFact(author: $0.id("author_id"), group: $0.id("group_id"),
                                    sharedAt: Date(timeIntervalSince1970: TimeInterval($0["created_at"] as Int64))) }
    }

    func ledgerRows(period: String) throws -> [MetricsLedgerRow] {
        try Row.fetchAll(db, sql: """
            SELECT period, day, epsilon_numerator, epsilon_denominator, release, population
            FROM metrics_ledger WHERE period = ? ORDER BY day
            """, arguments: [period]).map {
            MetricsLedgerRow(period: $0["period"], day: $0["day"], epsilonNumerator: $0["epsilon_numerator"],
                             epsilonDenominator: $0["epsilon_denominator"], release: $0.bytes("release"),
                             population: $0.bytes("population"))
        }
    }

    func insertLedgerRow(_ row: MetricsLedgerRow) throws {
        try db.execute(sql: """
            INSERT INTO metrics_ledger (period, day, epsilon_numerator, epsilon_denominator, release, population)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [row.period, row.day, row.epsilonNumerator, row.epsilonDenominator, row.release.data,
                             row.population.data])
    }
}
