import Foundation
import TacitCrypto

/// Entry points for the libFuzzer targets in `Fuzz/` (not used by the vault itself): each runs one
/// of the vault's decoders on untrusted bytes exactly as the vault would.
public enum FuzzEntryPoints {
    /// Decodes `bytes` as a decrypted entry payload (`PayloadCodec.decode`); when that succeeds,
    /// encodes the content again and checks that it decodes to exactly the same content.
    ///
    /// - Returns: whether the bytes decoded.
    /// - Note: traps (a fuzzer finding) when the round trip changes the content.
    public static func decodePayload(_ bytes: [UInt8]) -> Bool {
        guard let content = try? PayloadCodec.decode(SecretBytes(copying: bytes)) else { return false }
        guard let (padded, bucket) = try? PayloadCodec.encode(content) else { return true }
        precondition(padded.count == bucket && PayloadCodec.isBucket(bucket), "an encoded payload is not padded to a bucket")
        guard let again = try? PayloadCodec.decode(padded) else { preconditionFailure("an encoded payload does not decode") }
        // Exactly the same content, dates included: an edit re-encodes `created`, which must not move.
        precondition(again == content, "a decoded payload does not survive encoding again")
        return true
    }

    /// A well-formed padded payload, for the fuzz target's seed corpus.
    public static func encodePayload(title: String, body: String, tags: [String], topic: String) -> [UInt8] {
        let content = EntryContent(title: title, body: body, tags: tags, topic: topic,
                                   created: Date(timeIntervalSince1970: 1_767_225_600), updated: Date(timeIntervalSince1970: 1_767_312_000))
        return (try? PayloadCodec.encode(content).padded.unprotectedCopy()) ?? []
    }
}
