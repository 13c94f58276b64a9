import Foundation
import GRDB

// MARK: Metrics: clear metadata only, and the budget ledger

extension StorageAccess {
    func groupRosters() throws -> [(group: GroupID, members: [PrincipalID])] {
        var rosters: [GroupID: [PrincipalID]] = [:]
        for group in try groups() { rosters[group.id] = [] }
        for row in try Row.fetchAll(db, sql: "SELECT group_id, principal_id FROM membership") {
            rosters[(try row.id("group_id")), default: []].append((try row.id("principal_id")))
        }
        return rosters.map { ($0.key, $0.value) }
    }

    func allCycles() throws -> [Cycle] {
        try Row.fetchAll(db, sql: "SELECT id FROM cycle").compactMap { try cycle((try $0.id("id"))) }
    }

    /// Every live entry's author, group, cycle, kind and ISO week: no ciphertext is read.
    func entryFacts() throws -> [MetricsEntryFact] {
        try Row.fetchAll(db, sql: "SELECT author_id, group_id, cycle_id, kind, iso_week FROM entry WHERE group_id IS NOT NULL")
            .map { MetricsEntryFact(author: (try $0.id("author_id")), group: (try $0.id("group_id")), cycle: (try $0.optionalID("cycle_id")),
                                    kind: (try $0.decode(forColumn: "kind")), isoWeek: (try $0.decode(forColumn: "iso_week"))) }
    }

    func shareFacts() throws -> [MetricsShareFact] {
        try Row.fetchAll(db, sql: "SELECT author_id, group_id, created_at FROM share WHERE group_id IS NOT NULL")
            .map { MetricsShareFact(author: (try $0.id("author_id")), group: (try $0.id("group_id")),
                                    sharedAt: Date(timeIntervalSince1970: TimeInterval((try $0.decode(Int64.self, forColumn: "created_at"))))) }
    }

    func ledgerRows(period: String) throws -> [MetricsLedgerRow] {
        try Row.fetchAll(db, sql: """
            SELECT period, day, epsilon_numerator, epsilon_denominator, release, population
            FROM metrics_ledger WHERE period = ? ORDER BY day
            """, arguments: [period]).map {
            MetricsLedgerRow(period: (try $0.decode(forColumn: "period")), day: (try $0.decode(forColumn: "day")), epsilonNumerator: (try $0.decode(forColumn: "epsilon_numerator")),
                             epsilonDenominator: (try $0.decode(forColumn: "epsilon_denominator")), release: (try $0.bytes("release")),
                             population: (try $0.bytes("population")))
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

extension StorageAccess {
    func liveSharedEntries(of author: PrincipalID, at time: Int64) throws -> [EntryID] {
        try Row.fetchAll(statement("SELECT DISTINCT entry_id FROM share WHERE author_id = ? AND expires_at > ?"),
                         arguments: [author.uuid, time]).map { try $0.id("entry_id") }
    }
}
