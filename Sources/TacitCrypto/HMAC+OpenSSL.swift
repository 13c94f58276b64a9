import Foundation
internal import CTacitOpenSSL

/// HMAC-SHA256, with verification in constant time.
public enum HMAC {
    /// The length of a full HMAC-SHA256 tag.
    public static let byteCount = 32

    /// The 32-byte HMAC-SHA256 of `message` under `key`.
    ///
    /// - Throws: `CryptoError.openSSLFailure`.
    public static func authenticationCode(for message: some ContiguousBytes, key: SecretBytes) throws -> [UInt8] {
        var code = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = key.withUnsafeBytes { key in
            message.withUnsafeBytes { message in
                code.withUnsafeMutableBufferPointer { out in
                    // Empty keys and messages are legal HMAC inputs; OpenSSL wants a non-null pointer.
                    withUnsafeBytes(of: UInt8(0)) { empty in
                        CTacitOpenSSL.HMAC(EVP_sha256(), key.baseAddress ?? empty.baseAddress!, Int32(key.count),
                                           message.bytePointer ?? empty.bytePointer!, message.count,
                                           out.baseAddress!, &length) != nil
                    }
                }
            }
        }
        guard ok, length == UInt32(byteCount) else { throw CryptoError.openSSL("HMAC-SHA256") }
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
        message.withUnsafeBytes { message in
            digest.withUnsafeMutableBufferPointer { out in
                withUnsafeBytes(of: UInt8(0)) { empty in
                    // EVP_Digest with SHA-256 cannot fail on valid pointers.
                    _ = EVP_Digest(message.baseAddress ?? empty.baseAddress!, message.count,
                                   out.baseAddress!, nil, EVP_sha256(), nil)
                }
            }
        }
        return digest
    }
}
