import Foundation
import GRDB
import Testing
@testable import TacitVault

/// Short reads run on the caller's thread in a transaction of their own: one snapshot from the
/// first statement to the last, and a read that fails leaves no transaction behind on its pooled
/// connection. They use read-only connections of their own, and GRDB's pool when all are taken.
@Suite struct ShortReadTests {
    struct Planned: Error {}

    @Test func aShortReadSeesOneSnapshot() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let storage = f.vault.storage
        let (before, during) = try storage.readSync { access in
            let before = try Int.fetchOne(access.db, sql: "SELECT count(*) FROM principal") ?? -1
            // Another principal is committed by the writer while this read is open.
            let done = DispatchSemaphore(value: 0)
            storage.pool.asyncWriteWithoutTransaction { db in
                try? db.inTransaction {
                    try db.execute(sql: "UPDATE principal SET name = name || '-renamed'")
                    return .commit
                }
                done.signal()
            }
            done.wait()
            let renamed = try Int.fetchOne(access.db, sql: "SELECT count(*) FROM principal WHERE name LIKE '%-renamed'") ?? -1
            return (before, renamed)
        }
        #expect(before >= 1)
        #expect(during == 0, "a read saw a write committed after its first statement")
        let after = try storage.readSync { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM principal WHERE name LIKE '%-renamed'") }
        #expect(after == before)
    }

    /// Runs `body` as a short read inside `depth - 1` others: at depth 1 on a short-read
    /// connection, past `VaultStorage.shortReaderCount` on one of GRDB's pool.
    static func read<T>(_ storage: VaultStorage, depth: Int, _ body: (StorageAccess) throws -> T) throws -> T {
        try storage.readSync { access in depth > 1 ? try read(storage, depth: depth - 1, body) : try body(access) }
    }

    /// Stops the anchor's scheduled writes, which read through a short-read connection of their own
    /// after a commit: one of them taking a connection while `read(depth:)` nests made two levels
    /// fall back to GRDB's pool, whose reads may not nest (GRDB's precondition stopped a
    /// ThreadSanitizer run that way).
    static func quietAnchor(_ f: Fixture) throws {
        try f.vault.anchor.flush(closing: true)
    }

    @Test func failedReadsLeaveNoTransactionOpen() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        try Self.quietAnchor(f)
        let storage = f.vault.storage
        let base = try storage.readSync { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM principal") } ?? -1
        let depths = [1, VaultStorage.shortReaderCount + 1]
        #expect(try depths.map { try Self.read(storage, depth: $0) { $0.db.configuration.label } }
                == ["tacit.vault.short-read", "tacit.vault"])
        // Failures on a short-read connection and on the pool's, thrown by the caller and by SQLite.
        for depth in depths {
            for index in 0..<12 {
                #expect(throws: VaultError.self) {
                    try Self.read(storage, depth: depth) { access in
                        _ = try Int.fetchOne(access.db, sql: "SELECT count(*) FROM principal")
                        if index.isMultiple(of: 2) { throw Planned() }
                        _ = try Int.fetchOne(access.db, sql: "SELECT * FROM no_such_table")
                    }
                }
            }
        }
        // A write after them is seen by the next reads on both kinds of connection: none was left
        // on the snapshot of a transaction the failure had not ended.
        try await f.enroll("ben")
        for depth in depths {
            let open = try Self.read(storage, depth: depth) { access in
                (try Int.fetchOne(access.db, sql: "SELECT count(*) FROM principal"), access.db.isInsideTransaction)
            }
            #expect(open.0 == base + 1 && open.1, "at depth \(depth): \(open)")
        }
    }

    /// Reads inside reads take every short-read connection, then one of GRDB's pool (which allows
    /// no read inside its own); each sees the data.
    @Test func shortReadsFallBackToThePoolWhenTheirConnectionsAreTaken() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        try Self.quietAnchor(f)
        let storage = f.vault.storage
        func nested(_ depth: Int) throws -> [(label: String?, count: Int?)] {
            try storage.readSync { access in
                let here = (access.db.configuration.label, try Int.fetchOne(access.db, sql: "SELECT count(*) FROM principal"))
                return [here] + (depth > 1 ? try nested(depth - 1) : [])
            }
        }
        let levels = try nested(VaultStorage.shortReaderCount + 1)
        #expect(levels.prefix(VaultStorage.shortReaderCount).allSatisfy { $0.label == "tacit.vault.short-read" })
        #expect(levels.dropFirst(VaultStorage.shortReaderCount).allSatisfy { $0.label == "tacit.vault" },
                "\(levels.map { $0.label ?? "-" })")
        #expect(Set(levels.map(\.count)).count == 1 && levels[0].count! >= 1)
        // All given back: the next read is a short-read connection again.
        #expect(try storage.readSync { $0.db.configuration.label } == "tacit.vault.short-read")
    }

    /// A short read cannot write, on its own connections as on the pool's.
    @Test func shortReadsCannotWrite() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let storage = f.vault.storage
        #expect(throws: VaultError.self) {
            try storage.readSync { access in try access.db.execute(sql: "UPDATE principal SET name = 'x'") }
        }
        #expect(try storage.readSync { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM principal WHERE name = 'x'") } == 0)
    }

    /// After the vault closed, a short read is refused with an error, not run on a closed connection.
    @Test func aShortReadAfterCloseIsAnError() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let storage = f.vault.storage
        #expect(try storage.readSync { $0.db.configuration.label } == "tacit.vault.short-read")
        try f.vault.close()
        #expect(throws: VaultError.self) { try storage.readSync { try Int.fetchOne($0.db, sql: "SELECT 1") } }
    }
}
