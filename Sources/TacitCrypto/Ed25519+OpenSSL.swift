import Foundation
internal import CTacitOpenSSL

/// Ed25519 signatures (RFC 8032): shares, pins and compliance exports are signed with it.
public enum Ed25519 {
    /// A signature is 64 bytes.
    public static let signatureByteCount = 64

    /// A private signing key.
    public struct PrivateKey: Sendable {
        let key: EVPKey
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key pair.
        ///
        /// - Throws: `CryptoError.openSSLFailure`.
        public init() throws {
            key = try EVPKey.generate(type: EVP_PKEY_ED25519, name: "Ed25519")
            publicKey = try PublicKey(rawRepresentation: key.rawPublicKey())
        }

        /// Imports a 32-byte private key (the RFC 8032 seed).
        ///
        /// - Throws: `CryptoError.invalidKeySize`, `.openSSLFailure`.
        public init(rawRepresentation: SecretBytes) throws {
            key = try EVPKey.privateKey(type: EVP_PKEY_ED25519, raw: rawRepresentation, name: "an Ed25519")
            publicKey = try PublicKey(rawRepresentation: key.rawPublicKey())
        }

        /// The 32-byte seed, for wrapping under a member's key.
        ///
        /// - Throws: `CryptoError.openSSLFailure`.
        public func rawRepresentation() throws -> SecretBytes { try key.rawPrivateKey() }

        /// The 64-byte signature of `message`.
        ///
        /// - Throws: `CryptoError.openSSLFailure`.
        public func signature(for message: some ContiguousBytes) throws -> [UInt8] {
            guard let context = EVP_MD_CTX_new() else { throw CryptoError.openSSL("Ed25519 signing") }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
                throw CryptoError.openSSL("Ed25519 signing")
            }
            var signature = [UInt8](repeating: 0, count: signatureByteCount)
            var length = signatureByteCount
            let ok = message.withUnsafeBytes { message in
                withUnsafeBytes(of: UInt8(0)) { empty in
                    EVP_DigestSign(context, &signature, &length, message.bytePointer ?? empty.bytePointer!, message.count)
                }
            }
            guard ok == 1, length == signatureByteCount else { throw CryptoError.openSSL("Ed25519 signing") }
            return signature
        }
    }

    /// A public verification key: 32 bytes, safe to store and show.
    public struct PublicKey: Hashable, Sendable, Codable {
        /// The 32 raw bytes (RFC 8032 encoding).
        public let rawRepresentation: [UInt8]

        /// Wraps 32 raw bytes.
        ///
        /// - Throws: `CryptoError.invalidKeySize`.
        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == 32 else {
                throw CryptoError.invalidKeySize("an Ed25519 public key", expected: 32, got: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
        }

        /// `true` when `signature` is a valid signature of `message` by this key. Malformed
        /// signatures, non-canonical encodings and keys OpenSSL cannot decode all answer `false`.
        public func isValidSignature(_ signature: some ContiguousBytes, for message: some ContiguousBytes) -> Bool {
            let length = signature.withUnsafeBytes { $0.count }
            guard length == Ed25519.signatureByteCount,
                  let key = try? EVPKey.publicKey(type: EVP_PKEY_ED25519, raw: rawRepresentation, name: "an Ed25519"),
                  let context = EVP_MD_CTX_new() else {
                ERR_clear_error()
                return false
            }
            defer { EVP_MD_CTX_free(context); ERR_clear_error() }
            guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else { return false }
            return signature.withUnsafeBytes { signature in
                message.withUnsafeBytes { message in
                    withUnsafeBytes(of: UInt8(0)) { empty in
                        EVP_DigestVerify(context, signature.u8, signature.count,
                                         message.bytePointer ?? empty.bytePointer!, message.count) == 1
                    }
                }
            }
        }
    }
}
