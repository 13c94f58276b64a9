import Foundation
import GRDB
import Synchronization
import Testing
import TacitCrypto
@testable import TacitVault

/// Concurrent writes share a commit (one WAL sync for many), and each write of a shared commit still
/// succeeds or fails on its own.
@Suite struct GroupCommitTests {
    /// Holds GRDB's writer queue until `release()`, so that writes queue up behind it.
    final class WriterHold: Sendable {
        private let gate = DispatchSemaphore(value: 0)
        init(_ vault: Vault) { vault.storage.pool.asyncWriteWithoutTransaction { [gate] _ in gate.wait() } }
        func release() { gate.signal() }
    }

    static func waitUntil(_ vault: Vault, queued: Int) async throws {
        let deadline = Date().addingTimeInterval(20)
        while vault.storage.groupCommit.waitingCount < queued {
            guard Date() < deadline else { Issue.record("only \(vault.storage.groupCommit.waitingCount) writes queued"); return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func concurrentWritesCommitTogether() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        try await f.enroll("ben")
        let ana = try await f.unlock("ana"), ben = try await f.unlock("ben")
        let before = f.vault.writeStatistics
        let counterBefore = try await f.vault.state().counter

        let hold = WriterHold(f.vault)
        let written = try await withThrowingTaskGroup(of: EntryMetadata.self) { group in
            for i in 0..<20 {
                let session = i.isMultiple(of: 2) ? ana : ben
                group.addTask { try await session.write(EntryDraft(title: "t\(i)", body: "written together \(i)")) }
            }
            try await Self.waitUntil(f.vault, queued: 20)
            hold.release()
            var all: [EntryMetadata] = []
            for try await metadata in group { all.append(metadata) }
            return all
        }

        let after = f.vault.writeStatistics
        #expect(written.count == 20)
        #expect(after.writes - before.writes == 20)
        #expect(after.commits - before.commits == 1, "twenty queued writes should share one commit")
        #expect(after.largestBatch == 20)
        // Each write still advanced the instance counter, and each member's manifest holds.
        #expect(try await f.vault.state().counter == counterBefore + 20)
        #expect(try await ana.entries().count == 10)
        #expect(try await ben.entries().count == 10)
        #expect(try await f.unlock("ana").report.problems.isEmpty)
        #expect(try await f.unlock("ben").report.problems.isEmpty)
    }

    @Test func aFailingWriteRollsBackAloneInItsBatch() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let ana = try await f.unlock("ana")
        let kept = try await ana.write(EntryDraft(title: "kept", body: "must survive a failed neighbour"))
        let counterBefore = try await f.vault.state().counter

        let hold = WriterHold(f.vault)
        let vault = f.vault!
        async let good1 = ana.write(EntryDraft(body: "first"))
        // Deletes a row, then fails: the delete must not reach the disk.
        async let failing: VaultError? = { () async -> VaultError? in
            do {
                try await vault.write { access in
                    try access.deleteEntry(kept.id)
                    throw VaultError(.invalidInput, "a write that fails after changing a row")
                }
                return nil
            } catch { return error as? VaultError }
        }()
        async let good2 = ana.write(EntryDraft(body: "second"))
        try await Self.waitUntil(vault, queued: 3)
        hold.release()

        let first = try await good1, second = try await good2
        let failure = await failing
        #expect(failure?.code == .invalidInput)
        #expect(vault.writeStatistics.largestBatch >= 2)
        let survivor = try await ana.entry(kept.id)
        #expect(survivor.content.title == "kept")
        #expect(try await ana.entry(first.id).content.body == "first")
        #expect(try await ana.entry(second.id).content.body == "second")
        #expect(try await vault.state().counter == counterBefore + 2)
        #expect(try await f.unlock("ana").report.problems.isEmpty)
    }

    /// A write that finds the writer idle commits alone, at once.
    @Test func aLoneWriteIsItsOwnCommit() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let ana = try await f.unlock("ana")
        let before = f.vault.writeStatistics
        for i in 0..<3 { _ = try await ana.write(EntryDraft(body: "alone \(i)")) }
        let after = f.vault.writeStatistics
        #expect(after.commits - before.commits == 3)
        #expect(after.writes - before.writes == 3)
        // The writer's CPU is counted: more than nothing, and not absurd (under a minute for three writes).
        let cpu = after.writerCPUNanoseconds - before.writerCPUNanoseconds
        #expect(cpu > 0 && cpu < 60_000_000_000, "\(cpu) ns")
    }

    /// Readers that always hold a snapshot keep SQLite from starting its WAL over; the writer
    /// empties it past `walLimitBytes` anyway, and every entry reads back.
    @Test func theWALStaysBoundedUnderOverlappingReads() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let ana = try await f.unlock("ana")
        let storage = f.vault.storage
        // SQLite's own checkpoints after each commit start the WAL over whenever both readers
        // happen to hand over between a commit and its checkpoint (the writer's thread preempted
        // there): one run in four on a quiet machine, and then the WAL never reaches the limit.
        // With them off on the writer's connection, only the bound can empty the WAL.
        try await storage.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        // Two readers hand over so that one always holds a snapshot: a reader leaves its read only
        // once the other is inside a read it began later (a fixed schedule, not a timing: on a
        // loaded machine, readers that merely loop leave gaps, and SQLite starts the WAL over).
        let stop = Atomic(false)
        let handover = Locked((entered: [0, 0], inside: [false, false], sequence: 0))
        let readers = (0..<2).map { me in
            Thread {
                let other = 1 - me
                while !stop.load(ordering: .relaxed) {
                    _ = try? storage.readSync { access in
                        let count = try Int.fetchOne(access.db, sql: "SELECT count(*) FROM entry")
                        handover.withLock { state in
                            state.sequence += 1
                            state.entered[me] = state.sequence
                            state.inside[me] = true
                        }
                        while !stop.load(ordering: .relaxed),
                              !handover.withLock({ $0.inside[other] && $0.entered[other] > $0.entered[me] }) {
                            usleep(50)
                        }
                        handover.withLock { $0.inside[me] = false }
                        return count
                    }
                }
            }
        }
        for reader in readers { reader.start() }
        let walPath = storage.path + "-wal"
        func walSize() -> Int64 { ((try? FileManager.default.attributesOfItem(atPath: walPath))?[.size] as? Int64) ?? 0 }
        // About 48 MiB of WAL, three times the limit, in more commits than one look at the WAL's size.
        let body = String(repeating: "a practice note that keeps going. ", count: 450)
        var largest: Int64 = 0
        var written: [EntryID] = []
        for index in 0..<(3 * GroupCommit.walCheckInterval * 4) {
            written.append(try await ana.write(EntryDraft(title: "long \(index)", body: body)).id)
            largest = max(largest, walSize())
        }
        stop.store(true, ordering: .relaxed)
        while readers.contains(where: \.isExecuting) { usleep(1_000) }
        #expect(f.vault.writeStatistics.walResets >= 1)
        // The limit, plus what the commits between two looks add.
        #expect(largest < 2 * GroupCommit.walLimitBytes, "the WAL reached \(largest) bytes")
        for id in written.suffix(3) { #expect(try await ana.entry(id).content.body == body) }
    }
}
