import Foundation
import TacitCrypto

/// The clear text of one entry version, as the member wrote it.
public struct EntryContent: Sendable, Equatable {
    /// The title (may be empty).
    public var title: String
    /// The body, Markdown.
    public var body: String
    /// Tags, in the writer's order.
    public var tags: [String]
    /// The topic (may be empty).
    public var topic: String
    /// When the entry was first written.
    public var created: Date
    /// When this version was written.
    public var updated: Date

    /// Creates content.
    public init(title: String = "", body: String, tags: [String] = [], topic: String = "",
                created: Date, updated: Date? = nil) {
        self.title = title
        self.body = body
        self.tags = tags
        self.topic = topic
        self.created = created
        self.updated = updated ?? created
    }
}

/// The format-v1 payload encoding and padding of `Keys/README.md`:
/// `u32 len ‖ (u8 1, u32 title, u32 body, u16 tag count × u16 tag, u32 topic, u64 created ms,
/// u64 updated ms) ‖ zero padding` to the size bucket.
enum PayloadCodec {
    static let formatVersion: UInt8 = 1
    static let smallestBucket = 512
    static let largestPowerBucket = 64 * 1024
    /// The largest payload the vault accepts (a guard against memory exhaustion, not a format limit).
    static let maximumPaddedSize = 16 * 1024 * 1024

    /// The size bucket that holds `count` bytes: powers of two from 512 B to 64 KiB, then multiples of 64 KiB.
    static func bucket(for count: Int) -> Int {
        if count <= smallestBucket { return smallestBucket }
        if count <= largestPowerBucket {
            var size = smallestBucket
            while size < count { size <<= 1 }
            return size
        }
        return (count + largestPowerBucket - 1) / largestPowerBucket * largestPowerBucket
    }

    /// `true` for a size that is a bucket.
    static func isBucket(_ size: Int) -> Bool { size >= smallestBucket && bucket(for: size) == size }

    /// Encodes and pads `content` into secret memory.
    ///
    /// - Throws: `VaultError.invalidInput` for a field too long for its length prefix or a payload
    ///   over 16 MiB.
    static func encode(_ content: EntryContent) throws(VaultError) -> (padded: SecretBytes, bucket: Int) {
        let fields = [content.title, content.body, content.topic]
        guard content.tags.count <= Int(UInt16.max), content.tags.allSatisfy({ $0.utf8.count <= Int(UInt16.max) }),
              fields.allSatisfy({ $0.utf8.count <= Int(UInt32.max) }) else {
            throw .invalid("a title, body, topic or tag is too long")
        }
        let length = 1 + 4 + content.title.utf8.count + 4 + content.body.utf8.count + 2
            + content.tags.reduce(0) { $0 + 2 + $1.utf8.count } + 4 + content.topic.utf8.count + 8 + 8
        let bucket = bucket(for: 4 + length)
        guard bucket <= maximumPaddedSize else { throw .invalid("an entry may hold at most 16 MiB") }
        let padded = SecretBytes(count: bucket) { raw in
            var writer = ByteWriter(raw)
            writer.u32(UInt32(length))
            writer.u8(formatVersion)
            writer.string32(content.title)
            writer.string32(content.body)
            writer.u16(UInt16(content.tags.count))
            for tag in content.tags { writer.string16(tag) }
            writer.string32(content.topic)
            writer.u64(milliseconds(content.created))
            writer.u64(milliseconds(content.updated))
            precondition(writer.offset == 4 + length, "payload length mismatch")
            writer.zeroRest()
        }
        return (padded, bucket)
    }

    /// Decodes a padded payload, refusing anything but the exact format.
    ///
    /// - Throws: `VaultError.authenticationFailed`-free `invalidInput` is never used here: a malformed
    ///   payload that authenticated can only come from a broken writer, reported as `.integrityViolation`.
    static func decode(_ padded: SecretBytes) throws(VaultError) -> EntryContent {
        let result: EntryContent? = padded.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            guard let length = reader.u32(), Int(length) <= raw.count - 4 else { return nil }
            // Padding must be all zero.
            guard raw[(4 + Int(length))...].allSatisfy({ $0 == 0 }) else { return nil }
            reader.limit = 4 + Int(length)
            guard reader.u8() == formatVersion,
                  let title = reader.string32(), let body = reader.string32(), let tagCount = reader.u16() else { return nil }
            var tags: [String] = []
            for _ in 0..<tagCount {
                guard let tag = reader.string16() else { return nil }
                tags.append(tag)
            }
            guard let topic = reader.string32(), let created = reader.u64(), let updated = reader.u64(),
                  reader.offset == reader.limit else { return nil }
            return EntryContent(title: title, body: body, tags: tags, topic: topic,
                                created: date(milliseconds: created), updated: date(milliseconds: updated))
        }
        guard let result else { throw VaultError(.integrityViolation, "a decrypted payload is malformed") }
        return result
    }

    /// The last millisecond of year 9999 (UTC): the latest time a payload holds.
    static let latestMilliseconds: UInt64 = 253_402_300_799_999

    /// Unix milliseconds, rounded to nearest and clamped to 1970 … year 9999 (NaN counts as 1970).
    ///
    /// Rounding to nearest is what lets a decoded date encode again to the same count: every count
    /// up to `latestMilliseconds` is exact in a Double (it is below 2^53), and its trip through
    /// `Date` and back moves it by far less than half a millisecond, up or down. Rounding down
    /// turned 48,384 ms into 48,383, so each edit could shift `created` a millisecond earlier.
    static func milliseconds(_ date: Date) -> UInt64 {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds > 0 else { return 0 }
        return UInt64(min(milliseconds, Double(latestMilliseconds)))
    }

    /// The date of a stored count, clamped as `milliseconds(_:)` clamps, so that it encodes again to
    /// the same count (a count past year 9999 reads as the last millisecond of 9999).
    static func date(milliseconds: UInt64) -> Date {
        Date(timeIntervalSince1970: Double(min(milliseconds, latestMilliseconds)) / 1000)
    }
}

/// Writes big-endian integers and length-prefixed strings into a fixed buffer.
struct ByteWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var offset = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    mutating func u8(_ v: UInt8) { buffer[offset] = v; offset += 1 }
    mutating func u16(_ v: UInt16) { u8(UInt8(v >> 8)); u8(UInt8(v & 0xFF)) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { u8(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { u8(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func bytes(_ b: some Collection<UInt8>) { for x in b { u8(x) } }
    mutating func string32(_ s: String) { u32(UInt32(s.utf8.count)); bytes(s.utf8) }
    mutating func string16(_ s: String) { u16(UInt16(s.utf8.count)); bytes(s.utf8) }
    mutating func zeroRest() {
        if offset < buffer.count { UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]).initializeMemory(as: UInt8.self, repeating: 0) }
        offset = buffer.count
    }
}

/// Reads what `ByteWriter` wrote; every read checks bounds and returns `nil` past `limit`.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    var offset = 0
    var limit: Int

    init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        limit = buffer.count
    }

    mutating func u8() -> UInt8? {
        guard offset < limit else { return nil }
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard limit - offset >= MemoryLayout<T>.size else { return nil }
        var v: T = 0
        for _ in 0..<MemoryLayout<T>.size { v = (v << 8) | T(buffer[offset]); offset += 1 }
        return v
    }

    mutating func u16() -> UInt16? { integer(UInt16.self) }
    mutating func u32() -> UInt32? { integer(UInt32.self) }
    mutating func u64() -> UInt64? { integer(UInt64.self) }

    mutating func string(count: Int) -> String? {
        guard count >= 0, limit - offset >= count else { return nil }
        defer { offset += count }
        return String(validating: UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)]), as: UTF8.self)
    }

    mutating func string32() -> String? { u32().flatMap { string(count: Int($0)) } }
    mutating func string16() -> String? { u16().flatMap { string(count: Int($0)) } }
}
