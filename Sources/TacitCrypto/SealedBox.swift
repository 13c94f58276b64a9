import Foundation

/// Seals a small secret to a recipient's X25519 public key, age-style: anyone can seal, only the
/// holder of the private key can open. Shares, group objects and sealed notes use it.
///
/// Format: `ephemeral public key (32) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. The wrapping key is
/// HKDF-SHA256(shared secret, salt = ephemeral public ‖ recipient public, info = the caller's
/// canonical context); the same context is the AEAD's associated data.
public enum SealedBox {
    /// What sealing adds to the secret's length.
    public static let overhead = 32 + AESGCM.overhead

    /// Seals `secret` to `recipient`, with `context` naming what it is for (a `CanonicalEncoding`
    /// with the share, group object or jot label and its ids).
    ///
    /// - Throws: `CryptoError` from key generation, agreement or sealing.
    public static func seal(_ secret: SecretBytes, to recipient: X25519.PublicKey,
                            context: CanonicalEncoding) throws -> [UInt8] {
        // A fresh ephemeral key per seal, so no two seals share a wrapping key.
        let ephemeral = try X25519.PrivateKey()
        let key = try wrappingKey(shared: ephemeral.sharedSecret(with: recipient),
                                  ephemeral: ephemeral.publicKey, recipient: recipient, context: context)
        return ephemeral.publicKey.rawRepresentation + (try AESGCM.seal(secret, key: key, associatedData: context.bytes))
    }

    /// Opens a box sealed to `recipient`'s public key under the same `context`.
    ///
    /// - Parameter plaintextByteCount: the exact length the secret must have (32 for a key), checked
    ///   before any decryption; `nil` where the length varies (a padded note).
    /// - Throws: `CryptoError.invalidParameters` for a box of the wrong length;
    ///   `.authenticationFailed` for a box that was changed, sealed to another key or under another
    ///   context.
    public static func open(_ box: some ContiguousBytes, with recipient: X25519.PrivateKey,
                            context: CanonicalEncoding, plaintextByteCount: Int? = nil) throws -> SecretBytes {
        let box = box.withUnsafeBytes { Array($0) }
        let expected = plaintextByteCount.map { $0 + overhead }
        guard box.count >= overhead, expected == nil || box.count == expected else {
            throw CryptoError.invalidParameters("a sealed box has the wrong length")
        }
        let ephemeral = try X25519.PublicKey(rawRepresentation: Array(box[0..<32]))
        let shared: SecretBytes
        do {
            shared = try recipient.sharedSecret(with: ephemeral)
        } catch {
            // A low-order ephemeral key is a forged box, not a configuration problem.
            throw CryptoError.authenticationFailed("a sealed box")
        }
        let key = try wrappingKey(shared: shared, ephemeral: ephemeral, recipient: recipient.publicKey, context: context)
        do {
            return try AESGCM.open(box[32...], key: key, associatedData: context.bytes)
        } catch let error as CryptoError where error.code == .authenticationFailed {
            throw CryptoError.authenticationFailed("a sealed box")
        }
    }

    private static func wrappingKey(shared: SecretBytes, ephemeral: X25519.PublicKey, recipient: X25519.PublicKey,
                                    context: CanonicalEncoding) throws -> SecretBytes {
        try HKDF.deriveKey(from: shared, salt: ephemeral.rawRepresentation + recipient.rawRepresentation,
                           info: context.bytes)
    }
}
