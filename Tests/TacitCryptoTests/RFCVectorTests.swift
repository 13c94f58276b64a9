import Foundation
import Testing
@testable import TacitCrypto

/// Known-answer tests from the RFCs and NIST, written here from the documents themselves.
@Suite struct RFCVectorTests {
    // RFC 7914 §12, vectors 1–3 (vector 4, N = 2^20, is run from ../shared/vectors when present).
    @Test(arguments: [
        ("", "", 4, 1, 1,
         "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", 10, 8, 16,
         "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ("pleaseletmein", "SodiumChloride", 14, 8, 1,
         "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ])
    func scryptRFC7914(password: String, salt: String, log2N: Int, r: Int, p: Int, expected: String) throws {
        let parameters = try ScryptParameters(log2N: log2N, r: r, p: p, policy: .testing)
        let key = try Scrypt.deriveKey(from: SecretBytes(utf8: password), salt: Array(salt.utf8),
                                       parameters: parameters, policy: .testing, outputByteCount: 64)
        #expect(key.hex == expected)
    }

    // RFC 5869 Appendix A.1–A.3.
    @Test(arguments: [
        (String(repeating: "0b", count: 22), "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        ((0x00...0x4f).map { String(format: "%02x", $0) }.joined(),
         (0x60...0xaf).map { String(format: "%02x", $0) }.joined(),
         (0xb0...0xff).map { String(format: "%02x", $0) }.joined(), 82,
         "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        (String(repeating: "0b", count: 22), "", "", 42,
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
    ])
    func hkdfRFC5869(ikm: String, salt: String, info: String, length: Int, expected: String) throws {
        let okm = try HKDF.deriveKey(from: SecretBytes(hex: ikm), salt: [UInt8](hex: salt), info: [UInt8](hex: info),
                                     outputByteCount: length)
        #expect(okm.hex == expected)
    }

    // RFC 7748 §5.2: the two single scalar multiplications.
    @Test(arguments: [
        ("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
        ("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"),
    ])
    func x25519RFC7748(scalar: String, u: String, expected: String) throws {
        let key = try X25519.PrivateKey(rawRepresentation: SecretBytes(hex: scalar))
        let shared = try key.sharedSecret(with: X25519.PublicKey(rawRepresentation: [UInt8](hex: u)))
        #expect(shared.hex == expected)
    }

    /// RFC 7748 §5.2 iterated: k, u ← X25519(k, u), k starting at 9. One million iterations take
    /// minutes, so they run only with TACIT_LONG_VECTORS=1.
    @Test func x25519Iterated() throws {
        var k = [UInt8](repeating: 0, count: 32); k[0] = 9
        var u = k
        let long = ProcessInfo.processInfo.environment["TACIT_LONG_VECTORS"] == "1"
        let checkpoints: [Int: String] = [
            1: "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
            1_000: "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
            1_000_000: "7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424",
        ]
        let last = long ? 1_000_000 : 1_000
        for iteration in 1...last {
            let result = try X25519.PrivateKey(rawRepresentation: SecretBytes(copying: k))
                .sharedSecret(with: X25519.PublicKey(rawRepresentation: u)).unprotectedCopy()
            u = k
            k = result
            if let expected = checkpoints[iteration] { #expect(k.hex == expected, "after \(iteration) iterations") }
        }
    }

    // RFC 7748 §6.1: Alice and Bob agree.
    @Test func x25519DiffieHellman() throws {
        let alice = try X25519.PrivateKey(rawRepresentation: SecretBytes(hex: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try X25519.PrivateKey(rawRepresentation: SecretBytes(hex: "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        #expect(alice.publicKey.rawRepresentation.hex == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        #expect(bob.publicKey.rawRepresentation.hex == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let expected = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
        #expect(try alice.sharedSecret(with: bob.publicKey).hex == expected)
        #expect(try bob.sharedSecret(with: alice.publicKey).hex == expected)
    }

    // RFC 8032 §7.1, tests 1–3.
    @Test(arguments: [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ])
    func ed25519RFC8032(secret: String, publicKey: String, message: String, signature: String) throws {
        let key = try Ed25519.PrivateKey(rawRepresentation: SecretBytes(hex: secret))
        #expect(key.publicKey.rawRepresentation.hex == publicKey)
        let produced = try key.signature(for: [UInt8](hex: message))
        #expect(produced.hex == signature)
        #expect(key.publicKey.isValidSignature(produced, for: [UInt8](hex: message)))
        #expect(!key.publicKey.isValidSignature(produced, for: [UInt8](hex: message) + [0]))
    }

    // NIST GCM specification (McGrew–Viega), test cases 14 and 15: AES-256 with a 96-bit IV.
    @Test func aesGCMNIST() throws {
        let zeroKey = SecretBytes(copying: [UInt8](repeating: 0, count: 32))
        let sealed14 = try AESGCM.seal([UInt8](repeating: 0, count: 16), key: zeroKey,
                                       nonce: [UInt8](repeating: 0, count: 12), associatedData: [UInt8]())
        #expect(Array(sealed14.dropFirst(12)).hex == "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919")

        let key = SecretBytes(hex: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let plaintext = [UInt8](hex: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255")
        let nonce = [UInt8](hex: "cafebabefacedbaddecaf888")
        let sealed15 = try AESGCM.seal(plaintext, key: key, nonce: nonce, associatedData: [UInt8]())
        #expect(Array(sealed15.dropFirst(12)).hex ==
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
            + "b094dac5d93471bdec1a502270e3cc6c")
        #expect(try AESGCM.open(sealed15, key: key).unprotectedCopy() == plaintext)
    }
}
