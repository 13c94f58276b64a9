import Foundation
import TacitCrypto
import Logging
import TacitVault

/// The daemon's side of the hash-chained audit log: events are queued and committed together, at
/// most `window` after they were queued (10 ms by default), in one transaction.
///
/// No response waits for its record: every record queued here — reads of shared entries, shares,
/// revocations, membership changes, sessions, denials — is durable within the window, which the
/// README states. A crash inside the window can lose the last records, never an acknowledged write
/// and never the chain's integrity (records are appended in whole transactions). The records of
/// writing, editing and deleting an entry are not queued here: each is appended in the change's
/// own transaction (`recording:`), so that the answer and its record are durable together.
final class AuditLog: Sendable {
    private struct State {
        var pending: [AuditDraft] = []
        var flushScheduled = false
        /// The latest flush; each flush waits for the one before, so that a flush returning means
        /// everything queued before it is committed, including batches another flush took.
        var tail: Task<Void, Never>?
    }

    private let vault: Vault
    private let window: Duration
    private let logger: Logger
    private let state = Locked(State())

    init(vault: Vault, window: Duration = .milliseconds(10), logger: Logger) {
        self.vault = vault
        self.window = window
        self.logger = logger
    }

    /// Records queued and not yet taken by a flush (tests).
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Queues `draft`; it is durable within the window. Does not wait.
    func record(_ draft: AuditDraft) {
        let schedule = state.withLock { state in
            state.pending.append(draft)
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        if schedule { scheduleFlush() }
    }

    /// Commits everything queued now, and returns once every record queued before the call is
    /// committed — also those a scheduled flush had already taken (shutdown, tests).
    func flush() async {
        let flushing: Task<Void, Never> = state.withLock { state in
            let drafts = state.pending
            state.pending = []
            state.flushScheduled = false
            let previous = state.tail
            let task = Task { [vault, logger] in
                await previous?.value
                guard !drafts.isEmpty else { return }
                do {
                    try await vault.appendAudit(drafts)
                } catch {
                    // The error names no content; the events stay lost only if the database is failing.
                    logger.error("audit records could not be written", metadata: ["count": "\(drafts.count)", "error": "\(error)"])
                }
            }
            state.tail = task
            return task
        }
        await flushing.value
    }

    private func scheduleFlush() {
        Task { [window] in
            try? await Task.sleep(for: window)
            await self.flush()
        }
    }
}
