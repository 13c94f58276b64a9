import CTacitShim
import Foundation
import GRDB
import TacitCrypto

/// The one type that speaks SQL: a GRDB `DatabasePool` in WAL mode with `synchronous=FULL`,
/// `secure_delete=ON` and foreign keys, opened through the named migrations of `Schema`.
///
/// Everything above it works with `StorageAccess` methods that take and return rows, so another
/// backend needs only another implementation of this file and `StorageAccess+*.swift`.
final class VaultStorage: Sendable {
    let pool: DatabasePool
    let path: String
    /// Commits concurrent async writes together (see `GroupCommit`).
    let groupCommit: GroupCommit
    /// Read-only connections of their own for `readSync` (see `readSync`): those not in use, and
    /// whether `close` ran (a connection given back after it is dropped, and closes as it goes).
    private let shortReaders: Locked<(free: [DatabaseQueue], closed: Bool)>

    /// `PRAGMA cache_size` of every connection (negative: KiB).
    static let cacheKiB = -512

    /// How long a connection waits for a lock another holds (10 s).
    static let busyTimeoutMilliseconds = 10_000

    /// SQLite counts its memory by default, under one process-wide mutex taken at every
    /// allocation: perf found two short reads on two cores waiting on it in `futex` (1.4% of the
    /// daemon's CPU at eight connections). Turned off once, before the first database opens; a
    /// process that used SQLite earlier keeps counting (the call is then refused, harmlessly).
    private static let sqliteConfigured: Void = { _ = ctacit_sqlite_disable_memstatus() }()

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    init(path: String) throws(VaultError) {
        Self.sqliteConfigured
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.label = "tacit.vault"
        // GRDB's pool serves the long reads (listings, search, exports) and short reads only when
        // every short-read connection is taken: two readers, one per core. With four, the 64-client
        // load test ran 6% faster but its memory grew 11% in a minute (7% with two).
        configuration.maximumReaderCount = 2
        configuration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        // 512 KiB of page cache per connection (SQLite's default is 2 MiB): the kernel's page
        // cache serves the rest as fast here, and the daemon's memory stops growing with the
        // database — with 2 MiB on each of five connections it grew by ~10 MiB under load.
        let cache = "PRAGMA cache_size = \(Self.cacheKiB)"
        configuration.prepareDatabase { db in
            // A write that returned is on disk (WAL fsync at every commit), and deleted cells are
            // zeroed rather than left in free pages.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: cache)
            try db.execute(sql: "PRAGMA journal_size_limit = \(GroupCommit.walLimitBytes)")
        }
        let pool = try mapping("the database") { try DatabasePool(path: path, configuration: configuration) }
        // GRDB's pool sets `synchronous = NORMAL` on its writer after `prepareDatabase` when it
        // turns WAL on; NORMAL makes a commit durable only at the next checkpoint. Set FULL again
        // on the writer, the one connection that commits.
        try mapping("the database") { try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") } }
        try mapping("the database schema") { try Schema.migrator.migrate(pool) }
        self.pool = pool
        groupCommit = GroupCommit(pool: pool, path: path)
        var readerConfiguration = Configuration()
        readerConfiguration.readonly = true
        readerConfiguration.label = "tacit.vault.short-read"
        readerConfiguration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        readerConfiguration.prepareDatabase { db in try db.execute(sql: cache) }
        let readers = try mapping("the database") {
            try (0..<Self.shortReaderCount).map { _ in try DatabaseQueue(path: path, configuration: readerConfiguration) }
        }
        shortReaders = Locked((readers, false))
    }

    /// Connections for short reads: one per core, so every thread that runs requests finds one,
    /// and at most eight (each holds up to 512 KiB of page cache).
    static let shortReaderCount = min(8, max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// A read-only snapshot.
    func read<T: Sendable>(_ body: @Sendable @escaping (StorageAccess) throws -> T) async throws(VaultError) -> T {
        do { return try await pool.read { db in try body(StorageAccess(db: db)) } } catch { throw VaultError.wrap(error) }
    }

    /// A write that advances the instance write counter with it, committed (and on disk) when this
    /// returns; concurrent writes share one commit, each in its own savepoint.
    func write<T: Sendable>(_ body: @Sendable @escaping (StorageAccess) throws -> T) async throws(VaultError) -> T {
        do {
            return try await groupCommit.write { db in
                let access = StorageAccess(db: db)
                let result = try body(access)
                try access.advanceWriteCounter()
                return result
            }
        } catch { throw VaultError.wrap(error) }
    }

    /// The blocking form of `read`, for short reads on the caller's thread (`Vault.readShort`),
    /// command-line tools and tests outside async contexts.
    ///
    /// One read transaction, as GRDB's `read` opens, but begun and ended with cached statements:
    /// GRDB prepares its BEGIN and COMMIT anew at every read, a tenth of a short read's time. It
    /// runs on a read-only connection of `shortReaders` when one is free: GRDB's reader pool
    /// queries `PRAGMA schema_version` and builds a key path at every read, 7% of a shared read's
    /// CPU (the schema changes only in the migrations at open, before these connections exist).
    /// When all are taken, GRDB's pool serves the read.
    func readSync<T>(_ body: (StorageAccess) throws -> T) throws(VaultError) -> T {
        do {
            if let reader = shortReaders.withLock({ $0.closed ? nil : $0.free.popLast() }) {
                defer { shortReaders.withLock { if !$0.closed { $0.free.append(reader) } } }
                return try reader.inDatabase { db in try Self.readTransaction(db, body) }
            }
            return try pool.unsafeRead { db in try Self.readTransaction(db, body) }
        } catch {
            throw VaultError.wrap(error)
        }
    }

    private static func readTransaction<T>(_ db: Database, _ body: (StorageAccess) throws -> T) throws -> T {
        // A transaction left open by a failure that a rollback could not end is ended now, so
        // one bad read cannot hold a connection on an old snapshot.
        if db.isInsideTransaction { try db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
        try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
        let result: T
        do {
            result = try body(StorageAccess(db: db))
        } catch {
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
            throw error
        }
        try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        return result
    }

    /// The blocking form of `write`.
    func writeSync<T>(_ body: (StorageAccess) throws -> T) throws(VaultError) -> T {
        do {
            return try pool.write { db in
                let access = StorageAccess(db: db)
                let result = try body(access)
                try access.advanceWriteCounter()
                return result
            }
        } catch { throw VaultError.wrap(error) }
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`: moves the WAL into the main file and empties it.
    func checkpointTruncate() throws(VaultError) {
        try mapping("a checkpoint") { _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }
    }

    /// `PRAGMA integrity_check` result lines ("ok" when sound).
    func integrityCheck() throws(VaultError) -> [String] {
        try mapping("an integrity check") { try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } }
    }

    /// SQLite's online backup into a new database file at `destination`.
    func backup(to destination: String) throws(VaultError) {
        try mapping("a backup") {
            let target = try DatabaseQueue(path: destination)
            try pool.backup(to: target)
            try target.close()
        }
    }

    /// Closes every connection.
    func close() throws(VaultError) {
        try mapping("closing the database") {
            // From here on every read goes to the pool, which refuses it as closed.
            let readers = shortReaders.withLock { state in
                defer { state = ([], true) }
                return state.free
            }
            for reader in readers { try reader.close() }
            try pool.close()
        }
    }
}

/// A connection inside a read or a write; all SQL of the vault lives in its extensions.
struct StorageAccess {
    let db: Database

    /// The compiled form of `sql` from the connection's statement cache: each SQL text is parsed
    /// and authorized once per connection, not at every call (that was a third of a durable write).
    func statement(_ sql: String) throws -> Statement { try db.cachedStatement(sql: sql) }

    /// Executes one statement of `sql` through the statement cache.
    func execute(_ sql: String, _ arguments: StatementArguments = StatementArguments()) throws {
        try statement(sql).execute(arguments: arguments)
    }
}
