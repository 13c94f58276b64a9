import Foundation
import Testing
@testable import TacitCrypto

@Suite struct ScryptParameterTests {
    @Test func productionRangeIsEnforced() throws {
        #expect(throws: CryptoError.self) { try ScryptParameters(log2N: 13, r: 8, p: 1, policy: .production) }
        #expect(throws: CryptoError.self) { try ScryptParameters(log2N: 21, r: 8, p: 1, policy: .production) }
        // 2^20 · 8 · 128 = 1 GiB: over the 256 MiB cap.
        #expect(throws: CryptoError.self) { try ScryptParameters(log2N: 20, r: 8, p: 1, policy: .production) }
        #expect(throws: CryptoError.self) { try ScryptParameters(log2N: 17, r: 0, p: 1, policy: .production) }
        #expect(throws: CryptoError.self) { try ScryptParameters(log2N: 17, r: 8, p: 0, policy: .production) }
        _ = try ScryptParameters(log2N: 14, r: 8, p: 1, policy: .production)
        _ = try ScryptParameters(log2N: 20, r: 2, p: 1, policy: .production)
        #expect(ScryptParameters.default == (try ScryptParameters(log2N: 17, r: 8, p: 1, policy: .production)))
    }

    @Test func lowCostOnlyUnderTesting() throws {
        #expect(throws: CryptoError.self) { try ScryptParameters.fastForTesting.validated(for: .production) }
        let passphrase = SecretBytes(utf8: "a long enough passphrase")
        #expect(throws: CryptoError.self) {
            try Scrypt.deriveKey(from: passphrase, salt: [UInt8](repeating: 1, count: 16),
                                 parameters: .fastForTesting, policy: .production)
        }
        let key = try Scrypt.deriveKey(from: passphrase, salt: [UInt8](repeating: 1, count: 16),
                                       parameters: .fastForTesting, policy: .testing)
        #expect(key.count == 32)
    }

    @Test func storedParametersDecodeOnlyWithinLimits() throws {
        let decoder = JSONDecoder()
        let ok = try decoder.decode(ScryptParameters.self, from: Data(#"{"log2N":17,"r":8,"p":1}"#.utf8))
        #expect(ok == .default)
        #expect(throws: (any Error).self) {
            try decoder.decode(ScryptParameters.self, from: Data(#"{"log2N":30,"r":8,"p":1}"#.utf8))
        }
    }

    @Test func theDefaultWorksDespiteOpenSSLsLegacyMemoryCap() throws {
        // r = 8, N = 2^15 needs 32 MiB + a little: the legacy EVP_PBE_scrypt refuses it with maxmem 0.
        let parameters = try ScryptParameters(log2N: 15, r: 8, p: 1, policy: .production)
        let key = try Scrypt.deriveKey(from: SecretBytes(utf8: "passphrase"), salt: [UInt8](repeating: 7, count: 16),
                                       parameters: parameters, policy: .production)
        #expect(key.count == 32)
    }
}

@Suite struct CanonicalEncodingTests {
    @Test func layoutIsLengthPrefixedBigEndian() {
        var encoding = CanonicalEncoding(DomainLabel("tacit/v1/test"))
        encoding.append(UInt64(0x0102))
        encoding.append("é")
        encoding.append(UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!)
        encoding.append([UInt8]())
        let expected: [UInt8] = [0, 13] + Array("tacit/v1/test".utf8)
            + [0, 8, 0, 0, 0, 0, 0, 0, 1, 2]
            + [0, 2, 0xC3, 0xA9]
            + [0, 16, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]
            + [0, 0]
        #expect(encoding.bytes == expected)
    }

    @Test func fieldBoundariesCannotBeShifted() {
        var ab = CanonicalEncoding(.entryPayload)
        ab.append("ab"); ab.append("c")
        var abc = CanonicalEncoding(.entryPayload)
        abc.append("a"); abc.append("bc")
        #expect(ab.bytes != abc.bytes)
        #expect(CanonicalEncoding(.entryPayload).bytes != CanonicalEncoding(.entryKey).bytes)
    }

    @Test func labelsAreDistinct() {
        let labels: [DomainLabel] = [.passphraseWrap, .recoveryWrap, .rootKey, .entryKeyWrap, .manifestKey, .pinKey,
                                     .identityWrap, .agreementPrivateKey, .signingPrivateKey, .entryPayload, .entryKey,
                                     .shareSeal, .shareSignature, .keyCommitment, .groupObjectSeal, .groupObjectKey,
                                     .groupObjectSignature, .groupObjectPayload, .jotSeal, .pin, .manifestElement,
                                     .manifest, .fingerprint, .anchorKey, .anchor, .auditRecord, .exportPseudonym]
        #expect(Set(labels).count == labels.count)
        #expect(labels.allSatisfy { $0.text.hasPrefix("tacit/v1/") })
    }

    @Test func labelsMatchTheSpec() throws {
        // Keys/README.md lists every label; the code must not have one the spec does not.
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Keys/README.md")
        let text = try String(contentsOf: spec, encoding: .utf8)
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/TacitCrypto/DomainLabel+FormatV1.swift")
        let declared = try String(contentsOf: source, encoding: .utf8)
            .split(separator: "\"").filter { $0.hasPrefix("tacit/v1/") }
        #expect(declared.count >= 27)
        for label in declared {
            #expect(text.contains("`\(label)`"), "\(label) is declared but not in Keys/README.md")
        }
    }
}

@Suite struct RandomAndHashTests {
    @Test func uuidsAreVersion4AndDistinct() throws {
        let ids = try (0..<100).map { _ in try SecureRandom.uuid() }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy { $0.uuidString.dropFirst(14).first == "4" })
    }

    @Test func uniformStaysBelowItsBound() throws {
        var seen = Set<UInt64>()
        for _ in 0..<2000 { seen.insert(try SecureRandom.uniform(below: 6)) }
        #expect(seen == [0, 1, 2, 3, 4, 5])
        #expect(throws: CryptoError.self) { try SecureRandom.uniform(below: 0) }
    }

    @Test func sha256KnownAnswer() {
        #expect(SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func errorsCarryNoSecretBytes() throws {
        let key = SecretBytes(utf8: "SECRET-KEY-MATERIAL-0123456789ab")
        let sealed = try AESGCM.seal(Array("PLAINTEXT-CANARY".utf8), key: key)
        var changed = sealed
        changed[20] ^= 1
        do {
            _ = try AESGCM.open(changed, key: key)
            Issue.record("a changed message opened")
        } catch {
            let text = "\(error) \(String(reflecting: error))"
            #expect(!text.contains("SECRET"))
            #expect(!text.contains("CANARY"))
        }
    }
}

@Suite struct Base64URLTests {
    @Test func roundTripsWithoutPaddingOrURLUnsafeCharacters() throws {
        for count in [0, 1, 2, 3, 31, 32, 33] {
            let bytes = try SecureRandom.bytes(count: count)
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    /// RFC 4648 §10's vectors, unpadded.
    @Test func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
    }

    /// Agrees with Foundation's base64 (alphabet swapped, padding dropped) at every length up to 70.
    @Test func agreesWithFoundation() throws {
        for count in 0...70 {
            let bytes = try SecureRandom.bytes(count: count)
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == foundation)
            #expect(Base64URL.decode(foundation) == bytes)
        }
    }

    @Test func refusesWhatIsNotBase64URL() {
        // Other alphabets, padding, spaces, non-ASCII, too long, impossible lengths, and non-zero
        // unused bits ("Zh" would be a second spelling of "f").
        for text in ["ab+c", "ab/c", "abc=", "a b", "é", String(repeating: "A", count: 1025), "A", "AAAAA", "Zh", "Zm9"] {
            #expect(Base64URL.decode(text) == nil, "\(text.prefix(8))")
        }
    }
}

@Suite struct ProcessMemoryTests {
    /// glibc accepts the arena cap the daemon sets at start (its effect on resident memory is the
    /// soak's load test).
    @Test(.disabled(if: ProcessMemory.usesSanitizerAllocator, "a sanitizer's allocator replaces glibc's malloc, which alone has arenas"))
    func mallocArenaCapIsAccepted() {
        #expect(ProcessMemory.limitMallocArenas(to: 2))
    }
}
