import Synchronization
import Dispatch
import Foundation
import TacitCrypto

/// Runs blocking key derivations (scrypt) on threads of their own, at most `concurrent` at once,
/// so an async caller — a request handler — never blocks the cooperative pool while scrypt works.
///
/// Waiting callers are suspended, not parked on threads, and the queue is bounded: a derivation
/// that finds `queueLimit` already waiting is refused at once (`VaultError.busy`, the daemon's 503)
/// instead of piling up work at 128 MiB a derivation.
final class DerivationGate: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    let concurrent: Int
    let queueLimit: Int
    private let state = Locked(State())
    private let queue = DispatchQueue(label: "tacit.vault.scrypt", attributes: .concurrent)

    init(limit: Int = 2, queueLimit: Int = 32) {
        self.concurrent = max(1, limit)
        self.queueLimit = queueLimit
    }

    /// Runs `work` (a blocking derivation) on a dedicated thread once a slot is free.
    ///
    /// - Throws: `VaultError.busy` when `queueLimit` requests are already waiting; whatever `work` throws.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        completedCount.add(1, ordering: .relaxed)
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// How many derivations have been started since the vault opened.
    var started: Int { completedCount.load(ordering: .relaxed) }
    private let completedCount = Atomic<Int>(0)

    /// How many derivations are running and waiting (for tests and diagnostics).
    var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }

    private func acquire() async throws {
        enum Admission { case now, wait, refuse }
        let admission: Admission = state.withLock { state in
            if state.running < concurrent {
                state.running += 1
                return .now
            }
            return state.waiting.count < queueLimit ? .wait : .refuse
        }
        switch admission {
        case .now: return
        case .refuse: throw VaultError(.busy, "too many passphrase derivations at once: try again in a moment")
        case .wait:
            await withCheckedContinuation { continuation in
                let admitted: Bool = state.withLock { state in
                    // A slot may have freed up between the two locks.
                    if state.running < concurrent {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if admitted { continuation.resume() }
            }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            // The slot passes straight to the next waiter.
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
