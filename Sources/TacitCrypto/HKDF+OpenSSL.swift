import Foundation
internal import CTacitOpenSSL
internal import CTacitShim

/// HKDF-SHA256 (RFC 5869), through OpenSSL's `EVP_KDF "HKDF"`.
public enum HKDF {
    /// The most HKDF-SHA256 can produce: 255 blocks of 32 bytes.
    public static let maximumOutputByteCount = 255 * 32

    /// Derives `outputByteCount` bytes from `inputKeyMaterial`.
    ///
    /// In Tacit `info` is always a `CanonicalEncoding` beginning with the subkey's own label, so no
    /// two purposes share a key.
    ///
    /// - Throws: `CryptoError.invalidParameters` for an output of 0 or more than 8,160 bytes;
    ///   `.openSSLFailure`.
    public static func deriveKey(from inputKeyMaterial: SecretBytes, salt: some ContiguousBytes = [UInt8](),
                                 info: some ContiguousBytes, outputByteCount: Int = 32) throws -> SecretBytes {
        guard outputByteCount > 0, outputByteCount <= maximumOutputByteCount else {
            throw CryptoError.invalidParameters("HKDF-SHA256 can derive 1 to 8,160 bytes, not \(outputByteCount)")
        }
        return try inputKeyMaterial.withUnsafeBytes { ikm in
            try salt.withUnsafeBytes { salt in
                try info.withUnsafeBytes { info in
                    try SecretBytes(count: outputByteCount) { out in
                        guard ctacit_hkdf_sha256(ikm.bytePointer, ikm.count, salt.bytePointer, salt.count,
                                                 info.bytePointer, info.count,
                                                 out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count) == 1 else {
                            throw CryptoError.openSSL("HKDF-SHA256")
                        }
                    }
                }
            }
        }
    }

    /// Derives a key with `info` = the canonical encoding of `label` alone.
    ///
    /// - Throws: as `deriveKey(from:salt:info:outputByteCount:)`.
    public static func deriveKey(from inputKeyMaterial: SecretBytes, label: DomainLabel,
                                 outputByteCount: Int = 32) throws -> SecretBytes {
        try deriveKey(from: inputKeyMaterial, info: CanonicalEncoding(label).bytes, outputByteCount: outputByteCount)
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as a possibly-null `UInt8` pointer, for C functions that take a pointer and a length.
    var bytePointer: UnsafePointer<UInt8>? { baseAddress?.assumingMemoryBound(to: UInt8.self) }
}
