import TacitCrypto

/// Shares whose author signature already verified, each remembered by a hash of everything the
/// verification covered (share, version, expiry, signature, pinned key, audience, commitment), so
/// that a later read of the same share skips one Ed25519 verification.
///
/// Bounded: it had kept every share ever read for the daemon's lifetime, and a six-minute load
/// with 120,000 shares grew the daemon by 4.4 MiB a minute. When full it starts again empty; a
/// share read after that is verified again, once.
final class VerifiedShareMemo: Sendable {
    /// Far more shares than the members of an instance read within a while (about 2 MiB of hashes).
    static let capacity = 16_384

    private let verified = Locked<Set<[UInt8]>>([])

    func contains(_ key: [UInt8]) -> Bool { verified.withLock { $0.contains(key) } }

    func insert(_ key: [UInt8]) {
        verified.withLock { verified in
            if verified.count >= Self.capacity { verified.removeAll(keepingCapacity: true) }
            verified.insert(key)
        }
    }

    /// How many shares are remembered (tests).
    var count: Int { verified.withLock { $0.count } }
}
