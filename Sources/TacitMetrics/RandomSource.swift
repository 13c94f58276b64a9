import TacitCrypto

/// Where the noise sampler gets its randomness: uniform integers below a bound.
///
/// Production uses `SystemRandomSource` (OpenSSL's `RAND_bytes`). Tests may substitute a source to
/// force a failure; nothing else should.
///
/// This file is part of the noise sampler's closure and uses integers only.
public protocol RandomSource: Sendable {
    /// A uniformly random integer in `0..<upperBound`; `upperBound` is at least 1.
    ///
    /// - Throws: when no randomness is available; the export then fails and charges nothing.
    func uniform(below upperBound: UInt64) throws -> UInt64
}

/// Uniform integers from OpenSSL's CSPRNG, through `SecureRandom.uniform(below:)` (rejection
/// sampling, no modulo bias).
public struct SystemRandomSource: RandomSource {
    /// The system source.
    public init() {}

    /// A uniformly random integer in `0..<upperBound` from `RAND_bytes`.
    ///
    /// - Throws: `MetricsError.cryptoFailure` when the system has no randomness to give.
    public func uniform(below upperBound: UInt64) throws -> UInt64 {
        do { return try SecureRandom.uniform(below: upperBound) } catch {
            throw MetricsError.crypto("drawing noise", error)
        }
    }
}
