import Foundation
import Testing
@testable import TacitCrypto

/// Wycheproof (C2SP/wycheproof, `testvectors_v1`) run from `../shared/vectors/wycheproof` or
/// `$TACIT_VECTORS/wycheproof`: one generic runner per schema, each asserting how many cases of
/// each result it saw, so a file that silently shrank or a runner that skipped cases fails.
@Suite struct WycheproofTests {
    /// One test case: the group's fields and the case's own, as strings.
    struct Case {
        let group: [String: Any]
        let fields: [String: Any]
        var id: Int { fields["tcId"] as! Int }
        var result: String { fields["result"] as! String }
        func hex(_ key: String) -> [UInt8] { [UInt8](hex: fields[key] as! String) }
        func int(_ key: String) -> Int { fields[key] as? Int ?? group[key] as! Int }
    }

    /// Counts of outcomes, keyed "result/outcome" (e.g. "valid/pass", "invalid/rejected").
    typealias Tally = [String: Int]

    /// Runs `check` over every case of `file` whose group passes `filter`, and tallies the outcomes
    /// it reports.
    static func run(_ file: String, schema: String, filter: ([String: Any]) -> Bool = { _ in true },
                    _ check: (Case) throws -> String) throws -> Tally {
        let json = try Vectors.json("wycheproof/\(file)")
        #expect(json["schema"] as? String == schema, "the runner for \(schema) was given \(file)")
        var tally: Tally = [:]
        for group in json["testGroups"] as! [[String: Any]] where filter(group) {
            for fields in group["tests"] as! [[String: Any]] {
                let testCase = Case(group: group, fields: fields)
                let outcome = try check(testCase)
                tally["\(testCase.result)/\(outcome)", default: 0] += 1
            }
        }
        return tally
    }

    @Test(.enabled(if: Vectors.available("wycheproof/aes_gcm_test.json"), Vectors.missingReason("wycheproof/aes_gcm_test.json")))
    func aesGCM() throws {
        let tally = try Self.run("aes_gcm_test.json", schema: "aead_test_schema_v1.json",
                                 filter: { $0["keySize"] as? Int == 256 && $0["ivSize"] as? Int == 96 }) { c in
            let key = SecretBytes(copying: c.hex("key"))
            let opened = try? AESGCM.open(nonce: c.hex("iv"), ciphertext: c.hex("ct"), tag: c.hex("tag"),
                                          key: key, associatedData: c.hex("aad"))
            if c.result == "valid" {
                // Sealing with the same nonce reproduces the vector exactly.
                let sealed = try AESGCM.seal(c.hex("msg"), key: key, nonce: c.hex("iv"), associatedData: c.hex("aad"))
                #expect(Array(sealed.dropFirst(12)) == c.hex("ct") + c.hex("tag"), "tcId \(c.id)")
                #expect(opened?.unprotectedCopy() == c.hex("msg"), "tcId \(c.id)")
            } else {
                #expect(opened == nil, "tcId \(c.id) must be rejected")
            }
            return opened == nil ? "rejected" : "pass"
        }
        #expect(tally == ["valid/pass": 39, "invalid/rejected": 27])
    }

    @Test(.enabled(if: Vectors.available("wycheproof/x25519_test.json"), Vectors.missingReason("wycheproof/x25519_test.json")))
    func x25519() throws {
        let zero = [UInt8](repeating: 0, count: 32)
        let tally = try Self.run("x25519_test.json", schema: "xdh_comp_schema_v1.json") { c in
            let key = try X25519.PrivateKey(rawRepresentation: SecretBytes(copying: c.hex("private")))
            let shared = try? key.sharedSecret(with: X25519.PublicKey(rawRepresentation: c.hex("public")))
            if let shared {
                #expect(shared.unprotectedCopy() == c.hex("shared"), "tcId \(c.id)")
                return "pass"
            }
            // Pinned: the only refusals are the low-order points whose shared secret is all zeros.
            #expect(c.hex("shared") == zero, "tcId \(c.id) was refused but its secret is not all zeros")
            #expect(c.result == "acceptable", "tcId \(c.id) is valid and must pass")
            return "rejected"
        }
        #expect(tally["valid/pass"] == 264)
        // What OpenSSL 3 does with the 254 "acceptable" cases: computes 223, refuses the 31 all-zero ones.
        #expect(tally["acceptable/pass"] == 223)
        #expect(tally["acceptable/rejected"] == 31)
        #expect(tally.values.reduce(0, +) == 518)
    }

    @Test(.enabled(if: Vectors.available("wycheproof/ed25519_test.json"), Vectors.missingReason("wycheproof/ed25519_test.json")))
    func ed25519() throws {
        let tally = try Self.run("ed25519_test.json", schema: "eddsa_verify_schema_v1.json") { c in
            let raw = [UInt8](hex: (c.group["publicKey"] as! [String: Any])["pk"] as! String)
            let key = try Ed25519.PublicKey(rawRepresentation: raw)
            let accepted = key.isValidSignature(c.hex("sig"), for: c.hex("msg"))
            #expect(accepted == (c.result == "valid"), "tcId \(c.id)")
            return accepted ? "accepted" : "rejected"
        }
        #expect(tally == ["valid/accepted": 88, "invalid/rejected": 63])
    }

    @Test(.enabled(if: Vectors.available("wycheproof/hkdf_sha256_test.json"), Vectors.missingReason("wycheproof/hkdf_sha256_test.json")))
    func hkdf() throws {
        let tally = try Self.run("hkdf_sha256_test.json", schema: "hkdf_test_schema_v1.json") { c in
            do {
                let okm = try HKDF.deriveKey(from: SecretBytes(copying: c.hex("ikm")), salt: c.hex("salt"),
                                             info: c.hex("info"), outputByteCount: c.int("size"))
                #expect(c.result == "valid", "tcId \(c.id) should have been refused")
                #expect(okm.unprotectedCopy() == c.hex("okm"), "tcId \(c.id)")
                return "derived"
            } catch let error as CryptoError {
                #expect(error.code == .invalidParameters, "tcId \(c.id)")
                #expect(c.result == "invalid", "tcId \(c.id) was refused: \(error)")
                return "refused"
            }
        }
        #expect(tally == ["valid/derived": 83, "invalid/refused": 3])
    }

    @Test(.enabled(if: Vectors.available("wycheproof/hmac_sha256_test.json"), Vectors.missingReason("wycheproof/hmac_sha256_test.json")))
    func hmac() throws {
        let tally = try Self.run("hmac_sha256_test.json", schema: "mac_test_schema_v1.json") { c in
            let key = SecretBytes(copying: c.hex("key"))
            let tag = c.hex("tag")
            let tagBytes = c.int("tagSize") / 8
            let valid: Bool
            if tagBytes == HMAC.byteCount {
                valid = HMAC.isValid(tag, for: c.hex("msg"), key: key)
            } else {
                // Tacit never truncates its MACs; the vectors' truncated groups are checked by prefix.
                let full = try HMAC.authenticationCode(for: c.hex("msg"), key: key)
                valid = ConstantTime.equals(tag, Array(full.prefix(tagBytes)))
                #expect(!HMAC.isValid(tag, for: c.hex("msg"), key: key), "a truncated tag must not pass isValid")
            }
            #expect(valid == (c.result == "valid"), "tcId \(c.id)")
            return valid ? "valid" : "invalid"
        }
        #expect(tally == ["valid/valid": 66, "invalid/invalid": 108])
    }

    /// The RFC JSON files in the shared folder agree with this implementation too (their provenance
    /// says how they were checked); scrypt vector 4 (N = 2^20, 1 GiB) is only here.
    @Test(.enabled(if: Vectors.available("scrypt_rfc7914.json"), Vectors.missingReason("scrypt_rfc7914.json")))
    func scryptSharedVectors() throws {
        let json = try Vectors.json("scrypt_rfc7914.json")
        var checked = 0
        for test in json["tests"] as! [[String: Any]] {
            let n = test["N"] as! Int, r = test["r"] as! Int, p = test["p"] as! Int
            let log2N = n.trailingZeroBitCount
            guard n * r * 128 <= ScryptParameters.memoryLimit else {
                // Vector 4 needs 1 GiB: more than Tacit ever accepts, which is itself pinned here.
                #expect(throws: CryptoError.self) { try ScryptParameters(log2N: log2N, r: r, p: p, policy: .testing) }
                continue
            }
            let key = try Scrypt.deriveKey(from: SecretBytes(utf8: test["P"] as! String), salt: Array((test["S"] as! String).utf8),
                                           parameters: ScryptParameters(log2N: log2N, r: r, p: p, policy: .testing),
                                           policy: .testing, outputByteCount: test["dkLen"] as! Int)
            #expect(key.hex == test["expected_hex"] as! String)
            checked += 1
        }
        #expect(checked == 3)
    }
}
