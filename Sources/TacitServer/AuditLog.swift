import Foundation
import TacitCrypto
import Logging
import TacitVault

/// The daemon's side of the hash-chained audit log: events are queued and committed together, in
/// one transaction, `window` after the first of them was queued (10 ms by default) — or, when the
/// writer is busier than that, as soon as the commit before them is done.
///
/// Queued here, and so with no response waiting for them: reads of shared entries, failed unlocks
/// and policy denials — the records a busy daemon or an attacker makes many of. Each is durable
/// within the window, which the README states; a crash inside it can lose the last of them, never
/// an acknowledged change and never the chain's integrity (records are appended in whole
/// transactions). A change's record (writing an entry, sharing, a jot, a cycle, membership,
/// enrolling, a passphrase, a session's capture token) is appended in the change's own transaction
/// (`recording:`). The rest — invitations, exports, backups, restores, agendas, confirmed keys — go
/// through `commit(_:)`: on disk before the response is sent, so nothing leaves the daemon unrecorded.
final class AuditLog: Sendable {
    private struct State {
        var pending: [AuditDraft] = []
        /// A drain is armed (waiting out the window) or committing: a record queued now goes with
        /// it, and no second drain starts. One drain at a time, so a writer slower than the window
        /// makes the next batch larger instead of lining up a batch (and its task) per window.
        var draining = false
        /// The drain or flush that commits last; each waits for the one before, so that a flush
        /// returning means everything queued before it is committed, including batches a drain took.
        var tail: Task<Void, Never>?
        /// The most records one commit took (tests).
        var largestBatch = 0
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

    /// Records queued and not yet taken by a commit (tests).
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// The most records one commit has taken so far (tests).
    var largestBatch: Int { state.withLock { $0.largestBatch } }

    /// Queues `draft`; it is durable within the window (and the commit before it). Does not wait.
    func record(_ draft: AuditDraft) {
        let start = state.withLock { state in
            state.pending.append(draft)
            defer { state.draining = true }
            return !state.draining
        }
        if start { startDrain() }
    }

    /// Appends `draft` in a commit of its own (shared with concurrent writes) and returns once it
    /// is on disk: for records that must exist before the response does.
    ///
    /// - Throws: `VaultError` when the database cannot take the record; the caller then answers
    ///   with that error instead of what the record was for.
    func commit(_ draft: AuditDraft) async throws(VaultError) {
        _ = try await vault.appendAudit([draft])
    }

    /// Commits everything queued now, and returns once every record queued before the call is
    /// committed — also those a drain had already taken (shutdown, tests).
    func flush() async {
        let flushing: Task<Void, Never> = state.withLock { state in
            let drafts = state.pending
            state.pending = []
            let previous = state.tail
            let task = Task { [self] in
                await previous?.value
                await appendQueued(drafts)
            }
            state.tail = task
            return task
        }
        await flushing.value
    }

    /// Waits out the window, then commits what is queued, batch after batch, until nothing is.
    private func startDrain() {
        state.withLock { state in
            let previous = state.tail
            state.tail = Task { [self, window] in
                try? await Task.sleep(for: window)
                await previous?.value
                while true {
                    let drafts: [AuditDraft] = self.state.withLock { state in
                        defer { state.pending = [] }
                        if state.pending.isEmpty { state.draining = false }
                        return state.pending
                    }
                    guard !drafts.isEmpty else { return }
                    await appendQueued(drafts)
                }
            }
        }
    }

    /// Appends queued records in one transaction; a failure is logged (no caller waits to hear it).
    private func appendQueued(_ drafts: [AuditDraft]) async {
        guard !drafts.isEmpty else { return }
        state.withLock { $0.largestBatch = max($0.largestBatch, drafts.count) }
        do {
            try await vault.appendAudit(drafts)
        } catch {
            // The error names no content; the events stay lost only if the database is failing.
            logger.error("audit records could not be written", metadata: ["count": "\(drafts.count)", "error": "\(error)"])
        }
    }
}
