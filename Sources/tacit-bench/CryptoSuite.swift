import CTacitOpenSSL
import Foundation
import TacitCrypto
import TacitSpawn

/// The crypto suite: TacitCrypto's AES-GCM against raw EVP calls doing the same work in the same
/// process, and TacitCrypto's scrypt against the `openssl kdf` command at the same parameters.
///
/// The raw EVP baseline is the one place outside TacitCrypto that calls OpenSSL: it is what the
/// wrapper is measured against.
enum CryptoSuite {
    static func run() async throws {
        try aesGCM()
        try scrypt()
    }

    // MARK: AES-GCM, 1 KiB seal + open

    static func aesGCM() throws {
        let message = [UInt8](repeating: 0x5A, count: 1024)
        let ad = [UInt8](repeating: 0x11, count: 64)
        let key = try SecretBytes.random(count: 32)
        let rawKey = key.unprotectedCopy()
        let iterations = 100_000
        let raw = RawGCM()

        var tacit: [Double] = [], baseline: [Double] = []
        for _ in 0..<7 {
            // Interleaved rounds, so drift in the machine affects both sides alike.
            baseline.append(Measure.time(iterations: iterations) {
                let sealed = raw.seal(message, key: rawKey, ad: ad)
                precondition(raw.open(sealed, key: rawKey, ad: ad), "the raw baseline failed to open its own seal")
            })
            tacit.append(try Measure.time(iterations: iterations) {
                let sealed = try AESGCM.seal(message, key: key, associatedData: ad)
                _ = try AESGCM.open(sealed, key: key, associatedData: ad)
            })
        }
        let tacitRate = Double(iterations) / Measure.median(tacit)
        let rawRate = Double(iterations) / Measure.median(baseline)
        print("AES-256-GCM seal+open of 1 KiB, \(iterations) per round, median of 7 rounds")
        Measure.table(["what", "ops/s", "µs/op", "ratio to raw EVP"], [
            ["raw EVP calls (baseline)", Measure.format(rawRate, 0), Measure.format(1e6 / rawRate), "1.00"],
            ["TacitCrypto AESGCM", Measure.format(tacitRate, 0), Measure.format(1e6 / tacitRate),
             Measure.format(tacitRate / rawRate)],
        ])
        print("goal: ≥ 0.90× raw\n")
    }

    // MARK: scrypt at N = 2^17, r = 8, p = 1

    static func scrypt() throws {
        let passphrase = SecretBytes(utf8: "correct horse battery staple")
        let salt = [UInt8](repeating: 0x42, count: 16)
        var tacit: [Double] = [], openssl: [Double] = []
        let command = "/usr/bin/openssl"
        guard FileManager.default.isExecutableFile(atPath: command) else {
            print("scrypt: \(command) not found; skipped")
            return
        }
        let saltHex = salt.map { String(format: "%02x", $0) }.joined()
        let arguments = ["kdf", "-keylen", "32", "-kdfopt", "pass:correct horse battery staple",
                         "-kdfopt", "hexsalt:\(saltHex)", "-kdfopt", "n:131072", "-kdfopt", "r:8", "-kdfopt", "p:1",
                         "-kdfopt", "maxmem_bytes:300000000", "SCRYPT"]
        var expected = ""
        for _ in 0..<5 {
            let start = Measure.now()
            expected = try runProcess(command, arguments)
            openssl.append(Measure.now() - start)
            tacit.append(try Measure.time(iterations: 1) {
                _ = try Scrypt.deriveKey(from: passphrase, salt: salt, parameters: .default, policy: .production)
            })
        }
        let ours = try Scrypt.deriveKey(from: passphrase, salt: salt, parameters: .default, policy: .production)
        let oursHex = ours.unprotectedCopy().map { String(format: "%02X", $0) }.joined(separator: ":")
        let agree = expected.uppercased().contains(oursHex)
        print("scrypt N=2^17 r=8 p=1, 32-byte key, median of 5 (openssl includes its process start)")
        Measure.table(["what", "ms", "ratio to openssl kdf"], [
            ["openssl kdf SCRYPT (baseline)", Measure.format(Measure.median(openssl) * 1000, 1), "1.00"],
            ["TacitCrypto Scrypt", Measure.format(Measure.median(tacit) * 1000, 1),
             Measure.format(Measure.median(tacit) / Measure.median(openssl))],
        ])
        print("same key as openssl: \(agree ? "yes" : "NO")")
        print("goal: ≤ 1.10×\n")
    }

    static func runProcess(_ path: String, _ arguments: [String]) throws -> String {
        try ChildProcess.run(path, arguments).outputText
    }
}

/// The same AES-256-GCM work as `AESGCM`, written directly against EVP: the baseline.
final class RawGCM {
    let cipher: OpaquePointer = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)!

    deinit { EVP_CIPHER_free(cipher) }

    func seal(_ message: [UInt8], key: [UInt8], ad: [UInt8]) -> [UInt8] {
        let context = EVP_CIPHER_CTX_new()!
        defer { EVP_CIPHER_CTX_free(context) }
        var nonce = [UInt8](repeating: 0, count: 12)
        RAND_bytes(&nonce, 12)
        var out = nonce + [UInt8](repeating: 0, count: message.count + 16)
        var length: Int32 = 0
        EVP_EncryptInit_ex2(context, cipher, key, nonce, nil)
        EVP_EncryptUpdate(context, nil, &length, ad, Int32(ad.count))
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress! + 12
            EVP_EncryptUpdate(context, base, &length, message, Int32(message.count))
            EVP_EncryptFinal_ex(context, base + Int(length), &length)
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, 16, base + message.count)
        }
        return out
    }

    func open(_ sealed: [UInt8], key: [UInt8], ad: [UInt8]) -> Bool {
        let context = EVP_CIPHER_CTX_new()!
        defer { EVP_CIPHER_CTX_free(context) }
        let bodyCount = sealed.count - 28
        var plaintext = [UInt8](repeating: 0, count: bodyCount)
        var length: Int32 = 0
        return sealed.withUnsafeBufferPointer { sealed in
            plaintext.withUnsafeMutableBufferPointer { plaintext in
                let base = sealed.baseAddress!
                EVP_DecryptInit_ex2(context, cipher, key, base, nil)
                EVP_DecryptUpdate(context, nil, &length, ad, Int32(ad.count))
                EVP_DecryptUpdate(context, plaintext.baseAddress, &length, base + 12, Int32(bodyCount))
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, 16, UnsafeMutableRawPointer(mutating: base + 12 + bodyCount))
                return EVP_DecryptFinal_ex(context, plaintext.baseAddress! + Int(length), &length) == 1
            }
        }
    }
}
