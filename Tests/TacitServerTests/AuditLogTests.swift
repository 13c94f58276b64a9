import Foundation
import Logging
import Synchronization
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
}
