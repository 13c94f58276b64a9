/// The cost parameters of scrypt, checked before any memory is spent.
///
/// Parameters are stored beside each wrapped root key. Production accepts only log2 N in 14…20 and
/// r·N·128 ≤ 256 MiB, so whoever edits the database can neither downgrade a member to a cheap N
/// nor make unlock exhaust the machine. Lower N is accepted only under `.testing`, which a test
/// configuration asks for explicitly.
public struct ScryptParameters: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Which range of parameters is acceptable.
    public enum Policy: Sendable {
        /// log2 N 14…20, r·N·128 ≤ 256 MiB, 1 ≤ p ≤ 16.
        case production
        /// Any log2 N from 1, for fast tests and RFC vectors; the memory cap still applies.
        case testing
    }

    /// log2 of the CPU/memory cost N.
    public let log2N: Int
    /// The block size r.
    public let r: Int
    /// The parallelism p.
    public let p: Int

    /// Tacit's default: N = 2^17, r = 8, p = 1 (about 0.27 s and 128 MiB here).
    public static let `default` = ScryptParameters(uncheckedLog2N: 17, r: 8, p: 1)
    /// The fast parameters of test configurations (N = 2^10): never accepted in production.
    public static let fastForTesting = ScryptParameters(uncheckedLog2N: 10, r: 8, p: 1)

    /// The most memory a derivation may use: r·N·128 bytes.
    public static let memoryLimit = 256 * 1024 * 1024

    /// Accepts parameters within `policy`.
    ///
    /// - Throws: `CryptoError.invalidParameters`, naming the parameter and the accepted range.
    public init(log2N: Int, r: Int, p: Int, policy: Policy) throws {
        let minimum = policy == .production ? 14 : 1
        guard (minimum...20).contains(log2N) else {
            throw CryptoError.invalidParameters("scrypt log2 N must be \(minimum)…20, got \(log2N)")
        }
        guard (1...32).contains(r) else { throw CryptoError.invalidParameters("scrypt r must be 1…32, got \(r)") }
        guard (1...16).contains(p) else { throw CryptoError.invalidParameters("scrypt p must be 1…16, got \(p)") }
        guard (1 << log2N) * r * 128 <= Self.memoryLimit else {
            throw CryptoError.invalidParameters("scrypt parameters need more than 256 MiB (r·N·128)")
        }
        self.init(uncheckedLog2N: log2N, r: r, p: p)
    }

    private init(uncheckedLog2N log2N: Int, r: Int, p: Int) {
        self.log2N = log2N
        self.r = r
        self.p = p
    }

    /// Decoded parameters are only trusted after `validated(for:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(log2N: container.decode(Int.self, forKey: .log2N), r: container.decode(Int.self, forKey: .r),
                      p: container.decode(Int.self, forKey: .p), policy: .testing)
    }

    /// The same parameters, checked against `policy`.
    ///
    /// - Throws: `CryptoError.invalidParameters`.
    public func validated(for policy: Policy) throws -> ScryptParameters {
        try ScryptParameters(log2N: log2N, r: r, p: p, policy: policy)
    }

    /// N.
    public var n: UInt64 { 1 << UInt64(log2N) }

    public var description: String { "scrypt(N=2^\(log2N), r=\(r), p=\(p))" }
}
