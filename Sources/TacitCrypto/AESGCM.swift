import Foundation

/// AES-256-GCM with a fresh random 96-bit nonce for every seal and a full 16-byte tag.
///
/// A sealed message is `nonce (12) ‖ ciphertext ‖ tag (16)`. Opening insists on the full tag
/// before OpenSSL sees it (OpenSSL would accept a truncated one) and returns nothing — and leaves
/// nothing readable — unless the tag verifies.
public enum AESGCM {
    /// Key length in bytes (AES-256).
    public static let keyByteCount = 32
    /// Nonce length in bytes (96 bits, GCM's native size).
    public static let nonceByteCount = 12
    /// Tag length in bytes; shorter tags are refused.
    public static let tagByteCount = 16
    /// What sealing adds to the plaintext's length.
    public static let overhead = nonceByteCount + tagByteCount

    /// Encrypts and authenticates `plaintext` and `associatedData` under `key` with a random nonce.
    ///
    /// - Throws: `CryptoError` `.invalidKeySize` for a key that is not 32 bytes,
    ///   `.randomUnavailable`, or `.openSSLFailure`.
    public static func seal(_ plaintext: some ContiguousBytes, key: SecretBytes,
                            associatedData: some ContiguousBytes = [UInt8]()) throws -> [UInt8] {
        let nonce = try SecureRandom.bytes(count: nonceByteCount)
        return try seal(plaintext, key: key, nonce: nonce, associatedData: associatedData)
    }

    /// Encrypts with a caller-chosen nonce. Only test vectors need this: reusing a nonce under one
    /// key destroys GCM's security, which is why `seal(_:key:associatedData:)` draws a fresh one.
    ///
    /// - Throws: as `seal(_:key:associatedData:)`, and `.invalidKeySize` for a nonce that is not 12 bytes.
    public static func seal(_ plaintext: some ContiguousBytes, key: SecretBytes, nonce: [UInt8],
                            associatedData: some ContiguousBytes) throws -> [UInt8] {
        try checkKey(key)
        guard nonce.count == nonceByteCount else {
            throw CryptoError.invalidKeySize("an AES-GCM nonce", expected: nonceByteCount, got: nonce.count)
        }
        return try plaintext.withUnsafeBytes { plaintext in
            try associatedData.withUnsafeBytes { ad in
                var output = [UInt8](repeating: 0, count: nonceByteCount + plaintext.count + tagByteCount)
                output.replaceSubrange(0..<nonceByteCount, with: nonce)
                try output.withUnsafeMutableBytes { out in
                    try key.withUnsafeBytes { key in
                        try GCMContext.with { try $0.seal(key: key, nonce: UnsafeRawBufferPointer(rebasing: out[0..<nonceByteCount]),
                                              plaintext: plaintext, associatedData: ad,
                                              ciphertext: UnsafeMutableRawBufferPointer(rebasing: out[nonceByteCount...])) }
                    }
                }
                return output
            }
        }
    }

    /// Verifies and decrypts a sealed message.
    ///
    /// - Throws: `CryptoError.authenticationFailed` when anything — ciphertext, tag, nonce,
    ///   associated data or key — differs from the seal; `.invalidParameters` for a message too short
    ///   to hold a nonce and a full tag; `.invalidKeySize` for a key that is not 32 bytes.
    public static func open(_ sealed: some ContiguousBytes, key: SecretBytes,
                            associatedData: some ContiguousBytes = [UInt8]()) throws -> SecretBytes {
        try checkKey(key)
        return try sealed.withUnsafeBytes { sealed in
            guard sealed.count >= overhead else {
                throw CryptoError.invalidParameters("a sealed message is shorter than a nonce and a full 16-byte tag")
            }
            let nonce = UnsafeRawBufferPointer(rebasing: sealed[0..<nonceByteCount])
            let body = UnsafeRawBufferPointer(rebasing: sealed[nonceByteCount..<(sealed.count - tagByteCount)])
            let tag = UnsafeRawBufferPointer(rebasing: sealed[(sealed.count - tagByteCount)...])
            return try open(nonce: nonce, ciphertext: body, tag: tag, key: key, associatedData: associatedData)
        }
    }

    /// Verifies and decrypts separate nonce, ciphertext and tag (as test vectors give them).
    ///
    /// - Throws: as `open(_:key:associatedData:)`; a tag or nonce of the wrong length is refused
    ///   with `.authenticationFailed` before OpenSSL sees it.
    public static func open(nonce: some ContiguousBytes, ciphertext: some ContiguousBytes, tag: some ContiguousBytes,
                            key: SecretBytes, associatedData: some ContiguousBytes) throws -> SecretBytes {
        try checkKey(key)
        return try nonce.withUnsafeBytes { nonce in
            try tag.withUnsafeBytes { tag in
                // OpenSSL checks only as many tag bytes as it is given: a 1-byte tag would be forged
                // in 256 tries. Anything but the full tag is a failed authentication.
                guard tag.count == tagByteCount, nonce.count == nonceByteCount else {
                    throw CryptoError.authenticationFailed("an AES-GCM message")
                }
                return try ciphertext.withUnsafeBytes { ciphertext in
                    try associatedData.withUnsafeBytes { ad in
                        try key.withUnsafeBytes { key in
                            // Decrypt into secret memory: if the tag fails, the partial plaintext
                            // OpenSSL already wrote is wiped with the buffer.
                            try SecretBytes(count: ciphertext.count) { plaintext in
                                try GCMContext.with { try $0.open(key: key, nonce: nonce, ciphertext: ciphertext, tag: tag,
                                                      associatedData: ad, plaintext: plaintext) }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func checkKey(_ key: SecretBytes) throws {
        guard key.count == keyByteCount else {
            throw CryptoError.invalidKeySize("an AES-256-GCM key", expected: keyByteCount, got: key.count)
        }
    }
}
