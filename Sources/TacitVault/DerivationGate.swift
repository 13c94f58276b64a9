import Dispatch

/// Runs blocking key derivations (scrypt) on threads of their own, at most `limit` at once, so an
/// async caller — a request handler — never blocks the cooperative pool while scrypt works.
final class DerivationGate: Sendable {
    private let queue = DispatchQueue(label: "tacit.vault.scrypt", attributes: .concurrent)
    private let slots: DispatchSemaphore

    init(limit: Int) { slots = DispatchSemaphore(value: max(1, limit)) }

    func run<T: Sendable>(_ work: @Sendable @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [slots] in
                slots.wait()
                defer { slots.signal() }
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
