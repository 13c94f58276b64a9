import Foundation
import Logging
import Synchronization
import TacitAPI
import Testing
@testable import TacitServer
@testable import TacitVault

/// The daemon's audit queue: a flush that returns means every record queued before it is
/// committed — also a batch the 10 ms timer had already taken and is still writing.
@Suite struct AuditLogTests {
    @Test func aFlushWaitsForTheBatchAlreadyOnItsWay() async throws {
        let test = try await TestDaemon()
        let vault = test.daemon.vault
        let log = AuditLog(vault: vault, window: .milliseconds(1), logger: Logger(label: "test"))
        // Hold the vault's writer, so that the timer's batch is taken and then waits to commit.
        let gate = DispatchSemaphore(value: 0)
        vault.storage.pool.asyncWriteWithoutTransaction { _ in gate.wait() }
        log.record(AuditDraft(actor: nil, action: "probe", resource: "r1", decision: "allow", policies: [],
                              policyHash: "h", time: Date()))
        try await Task.sleep(for: .milliseconds(30)) // the timer fires and takes the record

        let returned = Atomic<Bool>(false)
        let flushing = Task {
            await log.flush()
            returned.store(true, ordering: .sequentiallyConsistent)
        }
        try await Task.sleep(for: .milliseconds(50))
        let returnedEarly = returned.load(ordering: .sequentiallyConsistent)
        #expect(!returnedEarly, "flush returned while the record was not yet committed")
        gate.signal()
        await flushing.value
        let records = try await vault.auditRecords { $0.action == "probe" }
        #expect(records.count == 1)
    }

    /// A writer slower than the window: what arrives meanwhile waits in one queue and goes in one
    /// commit after it, instead of a batch (and a task holding it) per window piling up behind it,
    /// each paying a commit of its own.
    @Test func recordsQueuedBehindASlowCommitGoTogether() async throws {
        let test = try await TestDaemon()
        let vault = test.daemon.vault
        let log = AuditLog(vault: vault, window: .milliseconds(1), logger: Logger(label: "test"))
        func draft(_ index: Int) -> AuditDraft {
            AuditDraft(actor: nil, action: "queued", resource: "r\(index)", decision: "allow", policies: [],
                       policyHash: "h", time: Date())
        }
        let gate = DispatchSemaphore(value: 0)
        vault.storage.pool.asyncWriteWithoutTransaction { _ in gate.wait() }
        log.record(draft(0))
        // The first batch is taken and waits for the writer (polled: a busy machine fires timers late).
        for _ in 0..<500 where log.pendingCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(log.pendingCount == 0, "the first record was not taken within 5 s")
        // Forty windows' worth of records while the writer is held.
        for index in 1...100 {
            log.record(draft(index))
            if index % 5 == 0 { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(log.pendingCount == 100, "queued behind the held commit, not taken in small batches")
        gate.signal()
        await log.flush()
        #expect(log.pendingCount == 0)
        #expect(log.largestBatch == 100, "the records that waited went in one commit")
        let records = try await vault.auditRecords { $0.action == "queued" }
        #expect(records.count == 101)
        #expect(try await vault.verifyAuditChain().isIntact)
    }

    /// A steady stream of reads: the queue commits about once a window, not as soon as the commit
    /// before it ended (each commit syncs the disk and empties every reader's page cache). 200
    /// records a millisecond apart with a 40 ms window take a handful of commits; committing at
    /// every chance made one per millisecond or two here.
    @Test func aSteadyStreamIsCommittedAboutOnceAWindow() async throws {
        let test = try await TestDaemon()
        let vault = test.daemon.vault
        let log = AuditLog(vault: vault, window: .milliseconds(40), logger: Logger(label: "test"))
        let started = ContinuousClock.now
        for index in 0..<200 {
            log.record(AuditDraft(actor: nil, action: "stream", resource: "r\(index)", decision: "allow", policies: [],
                                  policyHash: "h", time: Date()))
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = ContinuousClock.now - started
        await log.flush()
        // At most one commit a fifth of the window (the smallest margin leaves four fifths to wait),
        // plus the flush's and a last partial one.
        let windows = Int((elapsed / .milliseconds(8)).rounded(.up))
        #expect(log.commitCount <= windows + 2, "\(log.commitCount) commits in \(elapsed)")
        #expect(log.largestBatch > 1)
        let records = try await vault.auditRecords { $0.action == "stream" }
        #expect(records.count == 200)
        #expect(try await vault.verifyAuditChain().isIntact)
    }
}

/// The agenda's days are the vault's: a share ending at the vault's midnight (a cycle's close, a
/// day given with --until) is "shared until" the day before, in New York as in UTC.
@Suite struct AgendaDayTests {
    @Test func aShareEndingAtTheVaultsMidnightEndsTheDayBefore() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = newYork
        let session1 = try #require(calendar.date(from: DateComponents(year: 2026, month: 3, day: 2, hour: 9)))
        let session2 = try #require(calendar.date(from: DateComponents(year: 2026, month: 4, day: 20, hour: 9)))
        let midnight = try #require(calendar.date(from: DateComponents(year: 2026, month: 4, day: 14)))
        let cycle = Cycle(id: CycleID(UUID()), group: GroupID(UUID()), session1: session1, session2: session2, sessionMinutes: 90,
                          createdAt: session1)
        let item = AgendaResponse.Item(title: "Week 1", author: "ali", kind: "practice", topic: "", endsBeforeSession2: midnight)
        let text = Agenda.markdown(group: "north", cycle: cycle, topics: [], items: [item], timeZone: newYork)
        #expect(text.contains("- **Week 1** — ali (practice) — shared until 2026-04-13, before session 2"), "\(text)")
        #expect(text.contains("Session 1: 2026-03-02 · Session 2: 2026-04-20"), "\(text)")
    }
}
