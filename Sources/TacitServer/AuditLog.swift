import Foundation
import TacitCrypto
import Logging
import TacitVault

/// The daemon's side of the hash-chained audit log: events are queued and committed together, in
/// one transaction, so that the commit ends within `window` (10 ms by default) of the first of them
/// being queued — or, when the writer is busier than that, as soon as the commit before them is done.
///
/// The commit starts a margin before the window closes: twice the last commit's time, at least a
/// fifth of the window. Under a steady stream of reads that paces commits to about one a window
/// (each commit and sync also makes every reader connection drop its page cache); committing as
/// soon as the one before had ended made three times as many, each with a few records.
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
        /// When the oldest record of `pending` was queued.
        var oldest: ContinuousClock.Instant?
        /// How long before the window closes the next commit starts (see the type's comment).
        var margin: Duration = .zero
        /// The most records one commit took, and how many commits the queue made (tests).
        var largestBatch = 0
        var commits = 0
    }

    private let vault: Vault
    private let window: Duration
    private let logger: Logger
    private let state = Locked(State())

    init(vault: Vault, window: Duration = .milliseconds(10), logger: Logger) {
        self.vault = vault
        self.window = window
        self.logger = logger
        state.withLock { $0.margin = window / 5 }
    }

    /// Records queued and not yet taken by a commit (tests).
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// The most records one commit has taken so far (tests).
    var largestBatch: Int { state.withLock { $0.largestBatch } }

    /// The commits of queued records so far (tests).
    var commitCount: Int { state.withLock { $0.commits } }

    /// Queues `draft`; it is durable within the window (and the commit before it). Does not wait.
    func record(_ draft: AuditDraft) {
        let start = state.withLock { state in
            if state.pending.isEmpty { state.oldest = .now }
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
            state.oldest = nil
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

    /// Commits what is queued, batch after batch, until nothing is; each batch when its oldest
    /// record's window is about to close (at once when that is past).
    private func startDrain() {
        state.withLock { state in
            let previous = state.tail
            state.tail = Task { [self, window] in
                await previous?.value
                while true {
                    let due: ContinuousClock.Instant? = self.state.withLock { state in
                        guard let oldest = state.oldest, !state.pending.isEmpty else {
                            state.draining = false
                            return nil
                        }
                        return oldest + window - state.margin
                    }
                    guard let due else { return }
                    if due > .now { try? await Task.sleep(until: due, clock: .continuous) }
                    let drafts: [AuditDraft] = self.state.withLock { state in
                        defer { state.pending = []; state.oldest = nil }
                        return state.pending
                    }
                    guard !drafts.isEmpty else { continue }
                    let started = ContinuousClock.now
                    await appendQueued(drafts)
                    let took = ContinuousClock.now - started
                    self.state.withLock { $0.margin = min(window, max(window / 5, took * 2)) }
                }
            }
        }
    }

    /// Appends queued records in one transaction; a failure is logged (no caller waits to hear it).
    private func appendQueued(_ drafts: [AuditDraft]) async {
        guard !drafts.isEmpty else { return }
        state.withLock { $0.largestBatch = max($0.largestBatch, drafts.count); $0.commits += 1 }
        do {
            try await vault.appendAudit(drafts)
        } catch {
            // The error names no content; the events stay lost only if the database is failing.
            logger.error("audit records could not be written", metadata: ["count": "\(drafts.count)", "error": "\(error)"])
        }
    }
}
