import Foundation
import GRDB
import Testing
@testable import TacitVault

/// Short reads run on the caller's thread in a transaction of their own: one snapshot from the
/// first statement to the last, and a read that fails leaves no transaction behind on its pooled
/// connection.
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

    @Test func failedReadsLeaveNoTransactionOpen() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let storage = f.vault.storage
        let base = try storage.readSync { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM principal") } ?? -1
        // More failures than the pool has readers, thrown by the caller and by SQLite.
        for index in 0..<12 {
            #expect(throws: VaultError.self) {
                try storage.readSync { access in
                    _ = try Int.fetchOne(access.db, sql: "SELECT count(*) FROM principal")
                    if index.isMultiple(of: 2) { throw Planned() }
                    _ = try Int.fetchOne(access.db, sql: "SELECT * FROM no_such_table")
                }
            }
        }
        for _ in 0..<8 {
            let open = try storage.readSync { access in
                (try Int.fetchOne(access.db, sql: "SELECT count(*) FROM principal"), access.db.isInsideTransaction)
            }
            #expect(open.0 == base && open.1)
        }
        // A write after them is seen by the next short reads on every connection.
        try await f.enroll("ben")
        for _ in 0..<8 {
            #expect(try storage.readSync { try Int.fetchOne($0.db, sql: "SELECT count(*) FROM principal") } == base + 1)
        }
    }
}
