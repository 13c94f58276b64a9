import Foundation
import Testing
import TacitTestSupport
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
    /// whose `updated` is 48,384 ms decoded to 48.384 s, and encoding that again gave 48,383 ms —
    /// `milliseconds(_:)` multiplied a Double and rounded down, so every edit could shift `created`
    /// a millisecond earlier. It rounds to nearest now, and both directions clamp at year 9999.
    @Test func aPayloadDateSurvivesEncodingAgain() throws {
        #expect(PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: 48_384)) == 48_384)
        for value: UInt64 in [0, 1, 999, 48_383, 48_385, 978_307_200_000, 1_795_935_780_123, PayloadCodec.latestMilliseconds] {
            #expect(PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: value)) == value)
        }
        // The fuzzer's input itself, through the whole codec: decoded, encoded, decoded again, unchanged.
        let found = try Data(contentsOf: Self.corpus.appendingPathComponent("fuzz-payload/crash-date-loses-a-millisecond"))
        let content = try PayloadCodec.decode(SecretBytes(copying: [UInt8](found)))
        #expect(try PayloadCodec.decode(PayloadCodec.encode(content).padded) == content)
    }

    /// Dates a payload cannot hold are clamped the same way in both directions: before 1970 (and
    /// NaN) to 0, after year 9999 to its last millisecond, and a stored count past that reads as it.
    @Test func payloadDatesOutOfRangeClampAlike() {
        let latest = PayloadCodec.latestMilliseconds
        let clamped: [(Date, UInt64)] = [
            (Date(timeIntervalSince1970: -5), 0), (Date(timeIntervalSince1970: -0.0004), 0),
            (Date(timeIntervalSince1970: -1e300), 0), (Date(timeIntervalSince1970: -.infinity), 0),
            (Date(timeIntervalSince1970: .nan), 0), (Date(timeIntervalSince1970: 0.0004), 0),
            (Date(timeIntervalSince1970: 253_402_300_800), latest), (Date(timeIntervalSince1970: 1e300), latest),
            (Date(timeIntervalSince1970: .infinity), latest), (.distantFuture, 64_092_211_200_000),
        ]
        for (date, expected) in clamped {
            #expect(PayloadCodec.milliseconds(date) == expected, "\(date.timeIntervalSince1970)")
        }
        for stored: UInt64 in [latest + 1, 1 << 53, UInt64(Int64.max), .max] {
            #expect(PayloadCodec.date(milliseconds: stored) == PayloadCodec.date(milliseconds: latest))
            #expect(PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: stored)) == latest)
        }
    }

    /// The property behind both tests, over many values: every count from 0 to the last millisecond
    /// of 9999 decodes to a date that encodes to the same count, and any date at all encodes to a
    /// count that is then stable. Seeded, so a failure can be replayed.
    @Test func payloadDatesRoundTripForManyValues() {
        var random = SplitMix(state: 0x7AC1_7000)
        let latest = PayloadCodec.latestMilliseconds
        var counts: [UInt64] = (0..<50_000).map { _ in UInt64.random(in: 0...latest, using: &random) }
        counts += (0..<10_000).map { _ in UInt64.random(in: 0...2_000_000_000_000, using: &random) }   // years 1970–2033
        counts += Array(0...2_000) + Array((latest - 2_000)...latest)
        counts += Array((978_307_200_000 - 2_000)...(978_307_200_000 + 2_000))   // around Date's own epoch, 2001
        for count in counts where PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: count)) != count {
            Issue.record("\(count) ms encodes again as \(PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: count))) ms")
        }
        for _ in 0..<50_000 {
            // Any bit pattern: negative, subnormal, huge, infinite and NaN dates included.
            let date = Date(timeIntervalSince1970: Double(bitPattern: random.next()))
            let count = PayloadCodec.milliseconds(date)
            #expect(count <= latest)
            if PayloadCodec.milliseconds(PayloadCodec.date(milliseconds: count)) != count {
                Issue.record("\(date.timeIntervalSince1970) s encodes as \(count) ms, which does not survive decoding")
            }
        }
    }
}
