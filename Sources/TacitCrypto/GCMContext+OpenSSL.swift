internal import CTacitOpenSSL

/// The AES-256-GCM cipher, fetched from the default provider once: fetching it per call cost about
/// 30% of throughput here.
private final class FetchedCipher: @unchecked Sendable {
    // Immutable after init and only read; OpenSSL's fetched algorithms are safe to share.
    let pointer: OpaquePointer

    init() {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
            fatalError("OpenSSL has no AES-256-GCM in its default provider")
        }
        pointer = cipher
    }
}

private let aes256GCM = FetchedCipher()

/// One `EVP_CIPHER_CTX`, owned and freed by this object.
///
/// Contexts are reused through a small pool: creating one per call cost about 10% of a 1 KiB
/// seal. Each `init` on reuse sets key and nonce afresh, so nothing carries over between calls.
final class GCMContext: @unchecked Sendable {
    // Used by one caller at a time: taken from the pool, used, and put back.
    private let context: OpaquePointer

    private static let pool = Locked<[GCMContext]>([])
    private static let poolLimit = 16

    private init(context: OpaquePointer) { self.context = context }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Runs `body` with a context from the pool (or a new one), then returns it to the pool.
    static func with<R>(_ body: (GCMContext) throws -> R) throws -> R {
        let context: GCMContext
        if let pooled = pool.withLock({ $0.popLast() }) {
            context = pooled
        } else {
            guard let fresh = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("creating a cipher context") }
            context = GCMContext(context: fresh)
        }
        defer {
            pool.withLock { pool in
                if pool.count < poolLimit { pool.append(context) }
            }
        }
        return try body(context)
    }

    func seal(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
              associatedData: UnsafeRawBufferPointer, ciphertext: UnsafeMutableRawBufferPointer) throws {
        // ciphertext holds the encrypted bytes followed by room for the 16-byte tag.
        guard EVP_EncryptInit_ex2(context, aes256GCM.pointer, key.u8, nonce.u8, nil) == 1 else {
            throw CryptoError.openSSL("AES-GCM encryption setup")
        }
        var length: Int32 = 0
        if associatedData.count > 0 {
            guard EVP_EncryptUpdate(context, nil, &length, associatedData.u8, Int32(associatedData.count)) == 1 else {
                throw CryptoError.openSSL("AES-GCM associated data")
            }
        }
        let out = ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written = 0
        if plaintext.count > 0 {
            guard EVP_EncryptUpdate(context, out, &length, plaintext.u8, Int32(plaintext.count)) == 1 else {
                throw CryptoError.openSSL("AES-GCM encryption")
            }
            written = Int(length)
        }
        guard EVP_EncryptFinal_ex(context, out + written, &length) == 1 else {
            throw CryptoError.openSSL("AES-GCM encryption")
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(AESGCM.tagByteCount),
                                  out + plaintext.count) == 1 else {
            throw CryptoError.openSSL("AES-GCM tag")
        }
    }

    func open(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
              tag: UnsafeRawBufferPointer, associatedData: UnsafeRawBufferPointer,
              plaintext: UnsafeMutableRawBufferPointer) throws {
        guard EVP_DecryptInit_ex2(context, aes256GCM.pointer, key.u8, nonce.u8, nil) == 1 else {
            throw CryptoError.openSSL("AES-GCM decryption setup")
        }
        var length: Int32 = 0
        if associatedData.count > 0 {
            guard EVP_DecryptUpdate(context, nil, &length, associatedData.u8, Int32(associatedData.count)) == 1 else {
                throw CryptoError.openSSL("AES-GCM associated data")
            }
        }
        // SecretBytes always has storage, even for an empty plaintext.
        let out = plaintext.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written = 0
        if ciphertext.count > 0 {
            guard EVP_DecryptUpdate(context, out, &length, ciphertext.u8, Int32(ciphertext.count)) == 1 else {
                throw CryptoError.openSSL("AES-GCM decryption")
            }
            written = Int(length)
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tag.count),
                                  UnsafeMutableRawPointer(mutating: tag.baseAddress!)) == 1 else {
            throw CryptoError.openSSL("AES-GCM tag")
        }
        guard EVP_DecryptFinal_ex(context, out + written, &length) == 1 else {
            ERR_clear_error()
            throw CryptoError.authenticationFailed("an AES-GCM message")
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as `UInt8` for OpenSSL. Callers pass only buffers they checked are non-empty.
    var u8: UnsafePointer<UInt8> { baseAddress!.assumingMemoryBound(to: UInt8.self) }
}
