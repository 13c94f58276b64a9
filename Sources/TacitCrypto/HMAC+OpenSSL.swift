import Foundation
internal import CTacitShim

/// HMAC-SHA256, with verification in constant time.
public enum HMAC {
    /// The length of a full HMAC-SHA256 tag.
    public static let byteCount = 32

    /// The 32-byte HMAC-SHA256 of `message` under `key`.
    ///
    /// - Throws: `CryptoError.openSSLFailure`.
    public static func authenticationCode(for message: some ContiguousBytes, key: SecretBytes) throws -> [UInt8] {
        var code = [UInt8](repeating: 0, count: byteCount)
        let ok = key.withUnsafeBytes { key in
            message.withUnsafeBytes { message in
                code.withUnsafeMutableBufferPointer { out in
                    // Empty keys and messages are legal HMAC inputs; the shim passes OpenSSL a valid pointer.
                    ctacit_hmac_sha256(key.bytePointer, key.count, message.bytePointer, message.count, out.baseAddress!) == 1
                }
            }
        }
        guard ok else { throw CryptoError.openSSL("HMAC-SHA256") }
        return code
    }

    /// `true` when `code` is the full 32-byte HMAC of `message` under `key`, compared in constant time.
    ///
    /// A shorter code is refused: Tacit never truncates its MACs.
    public static func isValid(_ code: some ContiguousBytes, for message: some ContiguousBytes, key: SecretBytes) -> Bool {
        guard let expected = try? authenticationCode(for: message, key: key) else { return false }
        return ConstantTime.equals(code, expected)
    }
}

/// SHA-256.
public enum SHA256 {
    /// The length of a SHA-256 digest.
    public static let byteCount = 32

    /// The SHA-256 digest of `message`.
    public static func hash(_ message: some ContiguousBytes) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        let ok = message.withUnsafeBytes { message in
            digest.withUnsafeMutableBufferPointer { out in
                ctacit_sha256(message.bytePointer, message.count, out.baseAddress!) == 1
            }
        }
        // SHA-256 over valid pointers fails only if the default provider has no SHA-256 at all.
        precondition(ok, "OpenSSL's default provider has no SHA-256")
        return digest
    }
}
