internal import CTacitOpenSSL

/// One `EVP_PKEY`, owned and freed by this object. Keys are immutable once made, and OpenSSL allows
/// concurrent use of one key through separate contexts, so sharing across tasks is safe.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// A fresh random key of `type` (`EVP_PKEY_X25519` or `EVP_PKEY_ED25519`).
    static func generate(type: Int32, name: String) throws -> EVPKey {
        guard let context = EVP_PKEY_CTX_new_id(type, nil) else { throw CryptoError.openSSL("\(name) key generation") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw CryptoError.openSSL("\(name) key generation")
        }
        return EVPKey(key)
    }

    static func privateKey(type: Int32, raw: SecretBytes, name: String) throws -> EVPKey {
        guard raw.count == 32 else { throw CryptoError.invalidKeySize("\(name) private key", expected: 32, got: raw.count) }
        let key = raw.withUnsafeBytes { EVP_PKEY_new_raw_private_key(type, nil, $0.u8, 32) }
        guard let key else { throw CryptoError.openSSL("\(name) private key import") }
        return EVPKey(key)
    }

    static func publicKey(type: Int32, raw: [UInt8], name: String) throws -> EVPKey {
        guard raw.count == 32 else { throw CryptoError.invalidKeySize("\(name) public key", expected: 32, got: raw.count) }
        let key = raw.withUnsafeBufferPointer { EVP_PKEY_new_raw_public_key(type, nil, $0.baseAddress, 32) }
        guard let key else { throw CryptoError.openSSL("\(name) public key import") }
        return EVPKey(key)
    }

    func rawPublicKey() throws -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: 32)
        var length = 32
        guard EVP_PKEY_get_raw_public_key(pointer, &raw, &length) == 1, length == 32 else {
            throw CryptoError.openSSL("public key export")
        }
        return raw
    }

    func rawPrivateKey() throws -> SecretBytes {
        try SecretBytes(count: 32) { out in
            var length = 32
            guard EVP_PKEY_get_raw_private_key(pointer, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1,
                  length == 32 else {
                throw CryptoError.openSSL("private key export")
            }
        }
    }
}
