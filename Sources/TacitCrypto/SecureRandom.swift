import Foundation
internal import CTacitOpenSSL

/// Random bytes from OpenSSL's CSPRNG (`RAND_bytes`). A failure is an error, never a fallback to a
/// weaker source.
public enum SecureRandom {
    /// `count` random bytes for values that are not secret themselves (nonces, salts, ids).
    ///
    /// - Throws: `CryptoError.randomUnavailable`.
    public static func bytes(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try fill($0) }
        return bytes
    }

    /// A random (version 4) UUID: ids reveal neither order nor counts.
    ///
    /// - Throws: `CryptoError.randomUnavailable`.
    public static func uuid() throws -> UUID {
        var raw = try bytes(count: 16)
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        return UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                           raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
    }

    /// A uniformly random integer in `0..<upperBound`, without modulo bias (rejection sampling).
    ///
    /// - Throws: `CryptoError.randomUnavailable`; `CryptoError.invalidParameters` for a zero bound.
    public static func uniform(below upperBound: UInt64) throws -> UInt64 {
        guard upperBound > 0 else { throw CryptoError.invalidParameters("a random bound must be positive") }
        // Reject the top partial range so every residue is equally likely.
        let limit = UInt64.max - (UInt64.max % upperBound + 1) % upperBound
        while true {
            var value: UInt64 = 0
            try withUnsafeMutableBytes(of: &value) { try fill($0) }
            if value <= limit { return value % upperBound }
        }
    }

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        guard buffer.count <= Int(Int32.max),
              RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            ERR_clear_error()
            throw CryptoError(.randomUnavailable, "the system could not provide secure random bytes")
        }
    }
}
