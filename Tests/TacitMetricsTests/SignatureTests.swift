import Foundation
import Testing
import TacitCrypto
@testable import TacitMetrics

@Suite struct SignatureTests {
    let publicKeyFile = ExportSignature.publicKeyFile(for: Fixture.instanceKey.publicKey)

    @Test func everyFileVerifiesWithTheInstanceKey() async throws {
        let export = try await Fixture.exporter().export(period: Fixture.period) { Fixture.input(sizes: [5, 5, 5]) }
        for format in ExportFormat.allCases {
            let file = export.file(format)
            #expect(file.signature.last == 0x0A)
            #expect(Data(base64Encoded: Data(file.signature.dropLast()))?.count == 64)
            try ExportSignature.verify(fileBytes: file.bytes, signatureFileBytes: file.signature, publicKeyFileBytes: publicKeyFile)
            #expect(file.suggestedName == "tacit-metrics-2026-03.\(format.rawValue)")
        }
        #expect(publicKeyFile.count == 45 && publicKeyFile.last == 0x0A)
    }

    @Test func anyChangeFailsVerification() async throws {
        let export = try await Fixture.exporter().export(period: Fixture.period) { Fixture.input(sizes: [5, 5, 5]) }
        let file = export.html
        var flipped = file.bytes
        flipped[flipped.count / 2] ^= 0x01
        func code(_ body: () throws -> Void) -> MetricsError.Code? {
            do { try body(); return nil } catch { return (error as? MetricsError)?.code }
        }
        #expect(code { try ExportSignature.verify(fileBytes: flipped, signatureFileBytes: file.signature, publicKeyFileBytes: publicKeyFile) } == .signatureInvalid)
        #expect(code { try ExportSignature.verify(fileBytes: file.bytes + [0x0A], signatureFileBytes: file.signature, publicKeyFileBytes: publicKeyFile) } == .signatureInvalid)
        // Another file's signature.
        #expect(code { try ExportSignature.verify(fileBytes: file.bytes, signatureFileBytes: export.json.signature, publicKeyFileBytes: publicKeyFile) } == .signatureInvalid)
        // Another key.
        let other = ExportSignature.publicKeyFile(for: try Ed25519.PrivateKey().publicKey)
        #expect(code { try ExportSignature.verify(fileBytes: file.bytes, signatureFileBytes: file.signature, publicKeyFileBytes: other) } == .signatureInvalid)
        // Malformed signature and key files.
        for bad in [Array("not base64\n".utf8), Array(file.signature.dropLast(5)) + [0x0A], [], Array("AAAA\n".utf8),
                    Array(" ".utf8) + file.signature] {
            #expect(code { try ExportSignature.verify(fileBytes: file.bytes, signatureFileBytes: bad, publicKeyFileBytes: publicKeyFile) } == .malformedSignatureFile)
        }
        #expect(code { try ExportSignature.verify(fileBytes: file.bytes, signatureFileBytes: file.signature, publicKeyFileBytes: file.signature) } == .malformedSignatureFile)
    }

    @Test func theSignatureIsOverTheExactBytesAsKeysReadmeSays() throws {
        let bytes = Array("any file\n".utf8)
        let signatureFile = try ExportSignature.signatureFile(for: bytes, instanceKey: Fixture.instanceKey)
        let raw = try #require(Data(base64Encoded: Data(signatureFile.dropLast())))
        #expect(Fixture.instanceKey.publicKey.isValidSignature(Array(raw), for: bytes))
        // A signature file without its final newline, or with CRLF, still reads.
        try ExportSignature.verify(fileBytes: bytes, signatureFileBytes: signatureFile.dropLast(), publicKeyFileBytes: publicKeyFile)
        try ExportSignature.verify(fileBytes: bytes, signatureFileBytes: Array(signatureFile.dropLast()) + [0x0D, 0x0A],
                                   publicKeyFileBytes: publicKeyFile)
    }
}
