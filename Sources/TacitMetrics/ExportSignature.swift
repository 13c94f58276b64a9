import Foundation
import TacitCrypto

/// Detached Ed25519 signatures on export files, as `Keys/README.md` specifies: `FILE.sig` holds
/// the instance key's signature over FILE's exact bytes, base64 and a newline; `instance.pub` holds
/// the 32-byte public key the same way.
public enum ExportSignature {
    /// The contents of `FILE.sig` for `fileBytes`: base64 of the 64-byte signature and `\n`.
    ///
    /// - Throws: `MetricsError.cryptoFailure` when signing fails.
    public static func signatureFile(for fileBytes: some ContiguousBytes, instanceKey: Ed25519.PrivateKey) throws -> [UInt8] {
        do {
            let signature = try instanceKey.signature(for: fileBytes)
            return Array((Data(signature).base64EncodedString() + "\n").utf8)
        } catch {
            throw MetricsError.crypto("signing an export file", error)
        }
    }

    /// The contents of `instance.pub` for `publicKey`: base64 of its 32 bytes and `\n`.
    public static func publicKeyFile(for publicKey: Ed25519.PublicKey) -> [UInt8] {
        Array((Data(publicKey.rawRepresentation).base64EncodedString() + "\n").utf8)
    }

    /// Reads an `instance.pub` file.
    ///
    /// - Throws: `MetricsError.malformedSignatureFile` unless it is base64 of 32 bytes with an
    ///   optional final newline.
    public static func publicKey(fromFile bytes: some Collection<UInt8>) throws -> Ed25519.PublicKey {
        guard let raw = decodeLine(bytes), raw.count == 32, let key = try? Ed25519.PublicKey(rawRepresentation: raw) else {
            throw MetricsError(.malformedSignatureFile, "the public key file is not base64 of a 32-byte Ed25519 key and a newline")
        }
        return key
    }

    /// Checks that `signatureFileBytes` is the instance key's signature over exactly `fileBytes`.
    ///
    /// Returns normally when it is; `tacit metrics verify` exits 0 then and 1 on any error.
    ///
    /// - Throws: `MetricsError.malformedSignatureFile` for a signature file that is not base64 of 64
    ///   bytes (and a newline) or a key file that is not base64 of 32 bytes (and a newline);
    ///   `MetricsError.signatureInvalid` when the file, the signature or the key differ from what
    ///   was signed.
    public static func verify(fileBytes: some ContiguousBytes, signatureFileBytes: some Collection<UInt8>,
                              publicKeyFileBytes: some Collection<UInt8>) throws {
        let key = try publicKey(fromFile: publicKeyFileBytes)
        guard let signature = decodeLine(signatureFileBytes), signature.count == Ed25519.signatureByteCount else {
            throw MetricsError(.malformedSignatureFile, "the signature file is not base64 of a 64-byte Ed25519 signature and a newline")
        }
        guard key.isValidSignature(signature, for: fileBytes) else {
            throw MetricsError(.signatureInvalid, "the signature does not match: the file was changed, or it was not signed by this instance key")
        }
    }

    /// Base64 with at most one final newline (`\n` or `\r\n`), nothing else around it.
    private static func decodeLine(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var line = Array(bytes)
        if line.last == 0x0A { line.removeLast(); if line.last == 0x0D { line.removeLast() } }
        guard !line.isEmpty, line.count <= 1024,
              line.allSatisfy({ $0 != 0x0A && $0 != 0x0D && $0 != 0x20 }),
              let data = Data(base64Encoded: Data(line)) else { return nil }
        return Array(data)
    }
}
