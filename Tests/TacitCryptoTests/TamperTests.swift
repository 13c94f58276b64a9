import Foundation
import Testing
@testable import TacitCrypto

/// Any change to a sealed message, a sealed box or their context must fail, never decrypt.
@Suite struct TamperTests {
    let key = try! SecretBytes.random(count: 32)
    let plaintext = Array("a practice note nobody else may read".utf8)
    let ad = CanonicalEncoding(.entryPayload).bytes + [1, 2, 3]

    @Test func everyFlippedByteOfTheMessageFails() throws {
        let sealed = try AESGCM.seal(plaintext, key: key, associatedData: ad)
        #expect(try AESGCM.open(sealed, key: key, associatedData: ad).unprotectedCopy() == plaintext)
        // Nonce (0..<12), ciphertext and tag: every byte, every bit position rotated through.
        for index in sealed.indices {
            var changed = sealed
            changed[index] ^= UInt8(1 << (index % 8))
            #expect(throws: CryptoError(.authenticationFailed, "an AES-GCM message failed authentication: the data was changed or the key is wrong")) {
                try AESGCM.open(changed, key: key, associatedData: ad)
            }
        }
    }

    @Test func everyFlippedByteOfTheAssociatedDataFails() throws {
        let sealed = try AESGCM.seal(plaintext, key: key, associatedData: ad)
        for index in ad.indices {
            var changed = ad
            changed[index] ^= 0x80
            #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: key, associatedData: changed) }
        }
        #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: key, associatedData: ad + [0]) }
        #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: key, associatedData: [UInt8]()) }
    }

    @Test(arguments: [1, 4, 8, 12, 15])
    func truncatedTagsFail(tagLength: Int) throws {
        let sealed = try AESGCM.seal(plaintext, key: key, associatedData: ad)
        let nonce = Array(sealed[0..<12])
        let body = Array(sealed[12..<(sealed.count - 16)])
        let tag = Array(sealed.suffix(16))
        // The right bytes, just fewer of them: OpenSSL alone would accept this.
        #expect(throws: CryptoError.self) {
            try AESGCM.open(nonce: nonce, ciphertext: body, tag: Array(tag.prefix(tagLength)), key: key, associatedData: ad)
        }
        // A combined message cut short is also refused.
        #expect(throws: CryptoError.self) {
            try AESGCM.open(Array(sealed.dropLast(16 - tagLength)), key: key, associatedData: ad)
        }
    }

    @Test func wrongKeyAndWrongKeySizeFail() throws {
        let sealed = try AESGCM.seal(plaintext, key: key, associatedData: ad)
        #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: SecretBytes.random(count: 32), associatedData: ad) }
        let short = try SecretBytes.random(count: 16)
        #expect { try AESGCM.seal(plaintext, key: short, associatedData: ad) } throws: { error in
            (error as? CryptoError)?.code == .invalidKeySize
        }
        #expect(throws: CryptoError.self) { try AESGCM.open([UInt8](repeating: 0, count: 27), key: key, associatedData: ad) }
    }

    @Test func sealsUseFreshNonces() throws {
        let first = try AESGCM.seal(plaintext, key: key, associatedData: ad)
        let second = try AESGCM.seal(plaintext, key: key, associatedData: ad)
        #expect(first.prefix(12) != second.prefix(12))
        #expect(first != second)
    }

    @Test func emptyPlaintextRoundTrips() throws {
        let sealed = try AESGCM.seal([UInt8](), key: key)
        #expect(sealed.count == AESGCM.overhead)
        #expect(try AESGCM.open(sealed, key: key).count == 0)
    }

    // MARK: sealed boxes

    let context: CanonicalEncoding = {
        var context = CanonicalEncoding(.shareSeal)
        context.append(UUID())
        context.append(UUID())
        return context
    }()

    @Test func sealedBoxRoundTripsOnlyForItsRecipient() throws {
        let reader = try X25519.PrivateKey()
        let other = try X25519.PrivateKey()
        let secret = try SecretBytes.random(count: 32)
        let box = try SealedBox.seal(secret, to: reader.publicKey, context: context)
        #expect(box.count == 32 + SealedBox.overhead)
        #expect(try SealedBox.open(box, with: reader, context: context, plaintextByteCount: 32) == secret)
        #expect(throws: CryptoError.self) { try SealedBox.open(box, with: other, context: context, plaintextByteCount: 32) }
        var otherContext = CanonicalEncoding(.jotSeal)
        otherContext.append(UUID())
        #expect(throws: CryptoError.self) { try SealedBox.open(box, with: reader, context: otherContext, plaintextByteCount: 32) }
    }

    @Test func sealedBoxWithAlteredBytesFails() throws {
        let reader = try X25519.PrivateKey()
        let secret = try SecretBytes.random(count: 32)
        let box = try SealedBox.seal(secret, to: reader.publicKey, context: context)
        for index in box.indices {
            var changed = box
            changed[index] ^= 0x01
            #expect(throws: CryptoError.self, "byte \(index)") {
                try SealedBox.open(changed, with: reader, context: context, plaintextByteCount: 32)
            }
        }
        // The ephemeral key replaced by a fresh one, or by a low-order point (all zeros).
        var swapped = box
        swapped.replaceSubrange(0..<32, with: try X25519.PrivateKey().publicKey.rawRepresentation)
        #expect(throws: CryptoError.self) { try SealedBox.open(swapped, with: reader, context: context) }
        var lowOrder = box
        lowOrder.replaceSubrange(0..<32, with: [UInt8](repeating: 0, count: 32))
        #expect { try SealedBox.open(lowOrder, with: reader, context: context) } throws: { error in
            (error as? CryptoError)?.code == .authenticationFailed
        }
        // Wrong lengths are refused before any decryption.
        #expect { try SealedBox.open(box.dropLast(), with: reader, context: context, plaintextByteCount: 32) } throws: { error in
            (error as? CryptoError)?.code == .invalidParameters
        }
        #expect(throws: CryptoError.self) { try SealedBox.open(box + [0], with: reader, context: context, plaintextByteCount: 32) }
    }

    @Test func twoSealsOfOneSecretDiffer() throws {
        let reader = try X25519.PrivateKey()
        let secret = try SecretBytes.random(count: 32)
        let first = try SealedBox.seal(secret, to: reader.publicKey, context: context)
        let second = try SealedBox.seal(secret, to: reader.publicKey, context: context)
        #expect(first.prefix(32) != second.prefix(32), "each seal has its own ephemeral key")
    }

    // MARK: signatures and MACs

    @Test func signaturesFailOnAnyChange() throws {
        let signer = try Ed25519.PrivateKey()
        let message = Array("share 42 of entry 7".utf8)
        let signature = try signer.signature(for: message)
        #expect(signer.publicKey.isValidSignature(signature, for: message))
        for index in signature.indices {
            var changed = signature
            changed[index] ^= 0x04
            #expect(!signer.publicKey.isValidSignature(changed, for: message))
        }
        #expect(!signer.publicKey.isValidSignature(signature.dropLast(), for: message))
        #expect(!(try Ed25519.PrivateKey()).publicKey.isValidSignature(signature, for: message))
    }

    @Test func macsVerifyInFullOnly() throws {
        let macKey = try SecretBytes.random(count: 32)
        let message = Array("manifest".utf8)
        let tag = try HMAC.authenticationCode(for: message, key: macKey)
        #expect(HMAC.isValid(tag, for: message, key: macKey))
        #expect(!HMAC.isValid(tag.prefix(16), for: message, key: macKey))
        #expect(!HMAC.isValid(tag, for: message + [0], key: macKey))
    }

    @Test func keysRoundTripThroughRawBytes() throws {
        let agreement = try X25519.PrivateKey()
        let restored = try X25519.PrivateKey(rawRepresentation: agreement.rawRepresentation())
        #expect(restored.publicKey == agreement.publicKey)
        let signing = try Ed25519.PrivateKey()
        let restoredSigning = try Ed25519.PrivateKey(rawRepresentation: signing.rawRepresentation())
        #expect(restoredSigning.publicKey == signing.publicKey)
        #expect(throws: CryptoError.self) { try X25519.PublicKey(rawRepresentation: [1, 2, 3]) }
        #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(rawRepresentation: SecretBytes.random(count: 31)) }
    }
}
