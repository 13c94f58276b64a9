internal import CTacitOpenSSL

/// X25519 key agreement (RFC 7748): the keys members receive seals with.
public enum X25519 {
    /// A private key; its raw bytes leave only as `SecretBytes`.
    public struct PrivateKey: Sendable {
        let key: EVPKey
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key pair.
        ///
        /// - Throws: `CryptoError.openSSLFailure`.
        public init() throws {
            key = try EVPKey.generate(type: EVP_PKEY_X25519, name: "X25519")
            publicKey = try PublicKey(rawRepresentation: key.rawPublicKey())
        }

        /// Imports a 32-byte private key.
        ///
        /// - Throws: `CryptoError.invalidKeySize`, `.openSSLFailure`.
        public init(rawRepresentation: SecretBytes) throws {
            key = try EVPKey.privateKey(type: EVP_PKEY_X25519, raw: rawRepresentation, name: "an X25519")
            publicKey = try PublicKey(rawRepresentation: key.rawPublicKey())
        }

        /// The 32 raw private bytes, for wrapping under a member's key.
        ///
        /// - Throws: `CryptoError.openSSLFailure`.
        public func rawRepresentation() throws -> SecretBytes { try key.rawPrivateKey() }

        /// The shared secret with `peer`.
        ///
        /// - Throws: `CryptoError.invalidParameters` when the result is all zeros (a low-order peer
        ///   key, which would let anyone compute the secret); `.openSSLFailure`.
        public func sharedSecret(with peer: PublicKey) throws -> SecretBytes {
            let peerKey = try EVPKey.publicKey(type: EVP_PKEY_X25519, raw: peer.rawRepresentation, name: "an X25519")
            guard let context = EVP_PKEY_CTX_new(key.pointer, nil) else { throw CryptoError.openSSL("X25519") }
            defer { EVP_PKEY_CTX_free(context) }
            guard EVP_PKEY_derive_init(context) == 1, EVP_PKEY_derive_set_peer(context, peerKey.pointer) == 1 else {
                throw CryptoError.openSSL("X25519")
            }
            let secret = try SecretBytes(count: 32) { out in
                var length = 32
                // OpenSSL itself refuses an all-zero result; the check below does not rely on that.
                guard EVP_PKEY_derive(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1,
                      length == 32 else {
                    ERR_clear_error()
                    throw CryptoError.invalidParameters("X25519 with this public key gives no usable shared secret")
                }
            }
            guard !ConstantTime.equals(secret, [UInt8](repeating: 0, count: 32)) else {
                throw CryptoError.invalidParameters("X25519 with this public key gives no usable shared secret")
            }
            return secret
        }
    }

    /// A public key: 32 bytes, safe to store and show.
    public struct PublicKey: Hashable, Sendable, Codable {
        /// The 32 raw bytes (RFC 7748 u-coordinate).
        public let rawRepresentation: [UInt8]

        /// Wraps 32 raw bytes.
        ///
        /// - Throws: `CryptoError.invalidKeySize`.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == 32 else {
                throw CryptoError.invalidKeySize("an X25519 public key", expected: 32, got: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
        }
    }
}
