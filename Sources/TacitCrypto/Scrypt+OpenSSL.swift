import Foundation
internal import CTacitShim

/// scrypt (RFC 7914) through OpenSSL's `EVP_KDF "SCRYPT"`, with the memory limit set from the
/// parameters: the legacy `EVP_PBE_scrypt` caps memory at 32 MiB, which breaks r = 8, N ≥ 2^15.
public enum Scrypt {
    /// Derives `outputByteCount` bytes from `passphrase` and `salt`.
    ///
    /// This is deliberately slow (about 0.27 s at the default parameters) and blocks its thread:
    /// call it off event loops.
    ///
    /// - Throws: `CryptoError.invalidParameters` for parameters outside `policy` or an output of 0
    ///   or more than 1,024 bytes; `.openSSLFailure`.
    public static func deriveKey(from passphrase: SecretBytes, salt: some ContiguousBytes,
                                 parameters: ScryptParameters, policy: ScryptParameters.Policy,
                                 outputByteCount: Int = 32) throws -> SecretBytes {
        let parameters = try parameters.validated(for: policy)
        guard (1...1024).contains(outputByteCount) else {
            throw CryptoError.invalidParameters("scrypt output must be 1 to 1,024 bytes, not \(outputByteCount)")
        }
        // OpenSSL's own accounting: 128·r·(N+2) for V plus 128·r·p for B; a little slack on top.
        let r = UInt64(parameters.r), p = UInt64(parameters.p)
        let maxmem = 128 * r * (parameters.n + 2) + 128 * r * p + 64 * 1024
        return try passphrase.withUnsafeBytes { password in
            try salt.withUnsafeBytes { salt in
                try SecretBytes(count: outputByteCount) { out in
                    guard ctacit_scrypt(password.bytePointer, password.count, salt.bytePointer, salt.count,
                                        parameters.n, UInt32(r), UInt32(p), maxmem,
                                        out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count) == 1 else {
                        throw CryptoError.openSSL("scrypt")
                    }
                }
            }
        }
    }
}
