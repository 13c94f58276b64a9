import Foundation
import TacitCrypto

/// Entry points for the libFuzzer targets in `Fuzz/` (not used by the vault itself): each runs one
/// of the vault's decoders on untrusted bytes exactly as the vault would.
public enum FuzzEntryPoints {
    /// Decodes `bytes` as a decrypted entry payload (`PayloadCodec.decode`); when that succeeds,
    /// encodes the content again and checks that it decodes to the same content.
    ///
    /// - Returns: whether the bytes decoded.
    /// - Note: traps (a fuzzer finding) when the round trip changes the content.
    public static func decodePayload(_ bytes: [UInt8]) -> Bool {
        guard let content = try? PayloadCodec.decode(SecretBytes(copying: bytes)) else { return false }
        // Known, reported, and pinned by FuzzRegressionTests: `PayloadCodec.milliseconds` rounds down
        // after a Double division, so a date can come back 1 ms early, and traps for dates past
        // UInt64 milliseconds. Only authenticated payloads reach it; the check here skips both so
        // the fuzzer can look further.
        let limit = Date(timeIntervalSince1970: 1e15)
        guard content.created < limit, content.updated < limit else { return true }
        guard let (padded, bucket) = try? PayloadCodec.encode(content) else { return true }
        precondition(padded.count == bucket && PayloadCodec.isBucket(bucket), "an encoded payload is not padded to a bucket")
        guard let again = try? PayloadCodec.decode(padded) else { preconditionFailure("an encoded payload does not decode") }
        precondition(again.title == content.title && again.body == content.body && again.tags == content.tags
                     && again.topic == content.topic, "a decoded payload does not survive encoding again")
        precondition(abs(again.created.timeIntervalSince(content.created)) <= 0.002
                     && abs(again.updated.timeIntervalSince(content.updated)) <= 0.002, "a payload's dates moved by more than 1 ms")
        return true
    }

    /// A well-formed padded payload, for the fuzz target's seed corpus.
    public static func encodePayload(title: String, body: String, tags: [String], topic: String) -> [UInt8] {
        let content = EntryContent(title: title, body: body, tags: tags, topic: topic,
                                   created: Date(timeIntervalSince1970: 1_767_225_600), updated: Date(timeIntervalSince1970: 1_767_312_000))
        return (try? PayloadCodec.encode(content).padded.unprotectedCopy()) ?? []
    }
}
