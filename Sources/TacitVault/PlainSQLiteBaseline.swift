import Foundation
import GRDB

/// The benchmark's baseline: the same padded byte counts through plain SQLite (WAL, synchronous=FULL),
/// with no encryption, through cached statements as the vault's own SQL is. Lives here so SQL
/// stays inside the vault module.
public final class PlainSQLiteBaseline: Sendable {
    private let pool: DatabasePool

    /// Creates a baseline database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        // As in the vault's storage: the pool's writer comes up with `synchronous = NORMAL`.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS t (id BLOB PRIMARY KEY, payload BLOB NOT NULL)") }
    }

    /// One durable insert in its own transaction.
    public func insert(_ payload: Data) async throws -> UUID {
        let id = UUID()
        try await pool.write { db in try db.cachedStatement(sql: "INSERT INTO t VALUES (?, ?)").execute(arguments: [id, payload]) }
        return id
    }

    /// `count` inserts in one transaction.
    public func bulkInsert(count: Int, payload: Data) async throws {
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: "INSERT INTO t VALUES (?, ?)")
            for _ in 0..<count { try statement.execute(arguments: [UUID(), payload]) }
        }
    }

    /// Up to `limit` ids.
    public func ids(limit: Int) async throws -> [UUID] {
        try await pool.read { db in try UUID.fetchAll(db, sql: "SELECT id FROM t LIMIT ?", arguments: [limit]) }
    }

    /// Reads one payload by id, on the caller's thread, as the vault reads one entry (`readShort`).
    public func read(_ id: UUID) async throws -> Data? { try readNow(id) }

    private func readNow(_ id: UUID) throws -> Data? {
        try pool.read { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT payload FROM t WHERE id = ?"), arguments: [id])
        }
    }

    /// Reads every payload in one read transaction, in rowid order, as a whole-table check
    /// would; returns how many bytes it read.
    public func scanAll() async throws -> Int {
        try await pool.read { db in
            var bytes = 0
            let cursor = try Data.fetchCursor(db.cachedStatement(sql: "SELECT payload FROM t ORDER BY rowid"))
            while let payload = try cursor.next() { bytes += payload.count }
            return bytes
        }
    }

    /// Closes the database.
    public func close() throws { try pool.close() }
}
