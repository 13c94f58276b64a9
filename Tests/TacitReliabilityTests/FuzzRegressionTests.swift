import Foundation
import Testing
import TacitCrypto
import TacitPolicy
import TacitServer
@testable import TacitVault

/// Every input of the committed fuzz corpora (`Fuzz/Corpus/TARGET/`, seeds and each crash the
/// fuzzers found, kept under its `crash-` name) replayed through the same entry points as the
/// libFuzzer targets, in the normal test run: a fixed crash stays fixed.
@Suite struct FuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func inputs(_ target: String) throws -> [(String, [UInt8])] {
        let folder = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    @Test func policyCorpus() throws {
        let inputs = try Self.inputs("fuzz-policy")
        #expect(inputs.count >= 5)
        var parsed = 0
        for (_, bytes) in inputs {
            let text = String(decoding: bytes, as: UTF8.self)
            if (try? PolicySet(parsing: text, schema: .tacit)) != nil { parsed += 1 }
            _ = try? PolicySet(parsing: text, schema: nil)
            _ = PolicySet.problems(inOperatorPolicy: text)
        }
        #expect(parsed >= 2, "the base policy and the doc's example must parse")
    }

    @Test func payloadCorpus() throws {
        let inputs = try Self.inputs("fuzz-payload")
        #expect(inputs.count >= 4)
        let decoded = inputs.filter { FuzzEntryPoints.decodePayload($0.1) }.count
        #expect(decoded >= 4, "the seeds are well-formed payloads")
    }

    @Test func sealedBoxCorpus() throws {
        let recipient = try X25519.PrivateKey(rawRepresentation: SecretBytes(copying: [UInt8](repeating: 0x11, count: 32)))
        let context = CanonicalEncoding(DomainLabel("tacit/v1/fuzz-sealed-box"))
        let secret = SecretBytes(copying: [UInt8](repeating: 0x42, count: 32))
        var opened = 0
        for (_, box) in try Self.inputs("fuzz-sealedbox") {
            for length in [nil, 32] as [Int?] {
                if let plain = try? SealedBox.open(box, with: recipient, context: context, plaintextByteCount: length) {
                    #expect(plain == secret)
                    opened += 1
                }
            }
        }
        #expect(opened >= 2, "the seed is a real box for the fixed recipient")
    }

    @Test func requestCorpus() throws {
        let inputs = try Self.inputs("fuzz-request")
        #expect(inputs.count >= 8)
        let accepted = inputs.filter { FuzzEntryPoints.decodeRequestBody($0.1) > 0 }.count
        #expect(accepted >= 8, "the seeds are valid request bodies")
    }

    /// Found by fuzz-payload (`Fuzz/Corpus/fuzz-payload/crash-date-loses-a-millisecond`): a payload
    /// whose `updated` is 48,384 ms decodes to 48.384 s, and encoding that again gives 48,383 ms —
    /// `milliseconds(_:)` multiplied a Double and rounded down, so every edit could shift `created`
    /// by a millisecond. It rounds to nearest now, and clamps dates past year 9999 instead of trapping.
    @Test func aPayloadDateSurvivesEncodingAgain() {
        #expect(PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: 48_384)) == 48_384)
        for value: UInt64 in [0, 1, 999, 48_383, 48_385, 1_795_935_780_123, 253_402_300_799_999] {
            #expect(PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: value)) == value)
        }
        #expect(PayloadCodec.milliseconds(Date(timeIntervalSince1970: 1e300)) == 253_402_300_799_999)
        #expect(PayloadCodec.milliseconds(Date(timeIntervalSince1970: -5)) == 0)
    }
}
