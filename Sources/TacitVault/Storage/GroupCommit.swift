import Foundation
import TacitCrypto
import GRDB

/// How the vault's async writes were committed since it was opened (benchmarks and tests read it).
public struct WriteStatistics: Sendable, Equatable {
    /// Writes committed (a failed write is not counted).
    public var writes = 0
    /// Transactions that committed at least one write.
    public var commits = 0
    /// The most writes one commit carried.
    public var largestBatch = 0
    /// Times the writer checkpointed a WAL grown past `GroupCommit.walLimitBytes` and had it start over.
    public var walResets = 0
    /// CPU time the writer's thread spent in batches (the writes, BEGIN, COMMIT and its sync), in
    /// nanoseconds: the one writer is what every durable write waits for.
    public var writerCPUNanoseconds: UInt64 = 0
}

/// Group commit for the vault's writes.
///
/// A durable commit costs one `fdatasync` of the WAL, and that wait, not the SQL, is most of a
/// single write. Writes that arrive while a commit is on its way wait for it and then commit
/// together in one transaction, each inside its own savepoint: a write that fails rolls back
/// alone and gets its own error, the others commit, and every caller is answered only after the
/// commit that holds its write returned. No write is delayed to wait for company: a write that
/// finds the writer idle starts at once, alone, so a single client sees no added latency.
///
/// The batches run on GRDB's writer queue (never on a Swift concurrency or NIO thread), which
/// also serializes them with the blocking `writeSync`, checkpoints and backups.
final class GroupCommit: Sendable {
    /// One write: `perform` runs its body inside the batch's transaction and returns how to answer
    /// it once the commit is through; `fail` answers it with an error instead.
    private struct Job: Sendable {
        let perform: @Sendable (Database) throws -> @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var waiting: [Job] = []
        var draining = false
        var statistics = WriteStatistics()
        /// Commits until the WAL's size is looked at again.
        var commitsUntilWALCheck = GroupCommit.walCheckInterval
    }

    /// The most writes put into one transaction: bounds how long one commit holds the writer.
    static let batchLimit = 256

    /// The WAL's size past which the writer empties it after a commit (see `emptyLargeWAL`).
    static let walLimitBytes: Int64 = 16 << 20
    /// Commits between two looks at the WAL's size: looking after every commit cost a fifth of
    /// the durable write rate here; a WAL that readers hold grows by about 4 KiB per commit.
    static let walCheckInterval = 256

    private let pool: DatabasePool
    private let walPath: String
    private let state = Locked(State())

    init(pool: DatabasePool, path: String) {
        self.pool = pool
        walPath = path + "-wal"
    }

    var statistics: WriteStatistics { state.withLock { $0.statistics } }

    /// Writes queued behind the one committing (tests wait on it).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Runs `body` in a committed transaction shared with whatever other writes are waiting.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            let job = Job(perform: { db in
                let value = try body(db)
                return { continuation.resume(returning: .success(value)) }
            }, fail: { error in continuation.resume(returning: .failure(error)) })
            let startDrain = state.withLock { s in
                s.waiting.append(job)
                guard !s.draining else { return false }
                s.draining = true
                return true
            }
            if startDrain { pool.asyncWriteWithoutTransaction { [self] db in drain(db) } }
        }
        return try result.get()
    }

    /// Commits batches until nobody waits; runs on the writer queue.
    private func drain(_ db: Database) {
        while true {
            let batch: [Job] = state.withLock { s in
                let taken = Array(s.waiting.prefix(Self.batchLimit))
                s.waiting.removeFirst(taken.count)
                if taken.isEmpty { s.draining = false }
                return taken
            }
            if batch.isEmpty { return }
            let started = Self.threadCPUNanoseconds()
            commit(batch, db)
            let spent = Self.threadCPUNanoseconds() &- started
            state.withLock { $0.statistics.writerCPUNanoseconds &+= spent }
            emptyLargeWAL(db)
        }
    }

    /// SQLite's automatic checkpoints copy the WAL into the database, but start the WAL over only
    /// when no reader holds a snapshot in it. Under a steady stream of overlapping reads that
    /// never happens: in the 64-client load test the WAL grew by 2.5 MB/s without bound, and every
    /// read searched a longer index. Every `walCheckInterval` commits, a WAL file over
    /// `walLimitBytes` gets a RESTART checkpoint: it waits for the readers of old frames to finish
    /// (reads that begin meanwhile use the database file, which then holds everything), and the
    /// next write starts the WAL over, cutting the file to `journal_size_limit` (the same size).
    /// Writes wait meanwhile; a checkpoint that still finds a reader after 100 ms gives up until
    /// the next look. RESTART rather than TRUNCATE: the file keeps its blocks for the commits
    /// that follow to write over.
    private func emptyLargeWAL(_ db: Database) {
        let due = state.withLock { state in
            state.commitsUntilWALCheck -= 1
            guard state.commitsUntilWALCheck <= 0 else { return false }
            state.commitsUntilWALCheck = Self.walCheckInterval
            return true
        }
        guard due else { return }
        var info = stat()
        guard stat(walPath, &info) == 0, Int64(info.st_size) > Self.walLimitBytes else { return }
        do {
            try db.execute(sql: "PRAGMA busy_timeout = 100")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(VaultStorage.busyTimeoutMilliseconds)") }
            _ = try db.checkpoint(.restart)
            state.withLock { $0.statistics.walResets += 1 }
        } catch {
            // Busy (a long export): nothing is lost, the WAL only stays long a little longer.
        }
    }

    private enum Outcome {
        case done(@Sendable () -> Void)
        case failed(any Error)
    }

    private func commit(_ batch: [Job], _ db: Database) {
        // nil: not run, or run inside a transaction that did not commit.
        var outcomes = [Outcome?](repeating: nil, count: batch.count)
        do {
            try Self.inTransaction(db) {
                if batch.count == 1 {
                    // Alone, the transaction is the write's own: an error rolls it back.
                    outcomes[0] = .done(try batch[0].perform(db))
                    return
                }
                for (index, job) in batch.enumerated() {
                    do {
                        outcomes[index] = .done(try Self.inSavepoint(db) { try job.perform(db) })
                    } catch {
                        outcomes[index] = .failed(error)
                        // An error that ended the transaction itself (a full disk, I/O) ends the batch.
                        guard db.isInsideTransaction else { throw error }
                    }
                }
            }
        } catch {
            // Nothing of this batch is on disk: a write that had run gets the commit's error, a
            // write that had failed keeps its own.
            for (job, outcome) in zip(batch, outcomes) {
                if case .failed(let own)? = outcome { job.fail(own) } else { job.fail(error) }
            }
            return
        }
        var committed = 0
        for case .done? in outcomes { committed += 1 }
        state.withLock { s in
            s.statistics.writes += committed
            s.statistics.commits += committed > 0 ? 1 : 0
            s.statistics.largestBatch = max(s.statistics.largestBatch, committed)
        }
        for (job, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .done(let answer)?: answer()
            case .failed(let error)?: job.fail(error)
            case nil: job.fail(VaultError(.storage, "a write was not run"))
            }
        }
    }

    // GRDB's `inTransaction` and `inSavepoint` parse their BEGIN, COMMIT, SAVEPOINT and RELEASE
    // anew at every call: on the one writer, which every durable write waits for, about a tenth
    // of its CPU per write at 8 connections. These run the same statements from the statement cache.

    /// `body` in an IMMEDIATE transaction: committed when it returns, rolled back when it throws.
    static func inTransaction(_ db: Database, _ body: () throws -> Void) throws {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            try body()
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
        } catch {
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
            throw error
        }
    }

    /// `body` inside a savepoint of the open transaction: kept when it returns, undone when it throws.
    static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT tacit_write").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT tacit_write").execute()
            return result
        } catch {
            if db.isInsideTransaction {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT tacit_write").execute()
                try? db.cachedStatement(sql: "RELEASE SAVEPOINT tacit_write").execute()
            }
            throw error
        }
    }

    /// CPU time of the calling thread so far (`CLOCK_THREAD_CPUTIME_ID`, a vDSO call).
    private static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
