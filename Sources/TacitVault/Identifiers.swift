import Foundation
import TacitCrypto

/// A typed random (UUIDv4) identifier: ids reveal neither order nor counts, and the type keeps an
/// entry id from being passed where a share id is meant.
public struct VaultID<Kind>: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The underlying UUID.
    public let uuid: UUID

    /// Wraps a UUID.
    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses the textual form of a UUID.
    public init?(_ string: String) {
        guard let uuid = UUID(parsing: string) else { return nil }
        self.uuid = uuid
    }

    public var description: String { uuid.lowercasedString }

    /// The 16 raw bytes (RFC 4122 order), as the canonical encoding and sorting use them.
    public var bytes: [UInt8] { uuid.rawBytes }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public init(from decoder: any Decoder) throws { uuid = try UUID(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try uuid.encode(to: encoder) }
}

/// Tag types of `VaultID`.
public enum PrincipalTag {}
public enum GroupTag {}
public enum CycleTag {}
public enum EntryTag {}
public enum ShareTag {}
public enum JotTag {}
public enum GroupObjectTag {}

/// Identifies a principal (member, compliance officer, operator).
public typealias PrincipalID = VaultID<PrincipalTag>
/// Identifies a group.
public typealias GroupID = VaultID<GroupTag>
/// Identifies a cycle of a group.
public typealias CycleID = VaultID<CycleTag>
/// Identifies an entry (all its versions).
public typealias EntryID = VaultID<EntryTag>
/// Identifies a share.
public typealias ShareID = VaultID<ShareTag>
/// Identifies a sealed note.
public typealias JotID = VaultID<JotTag>
/// Identifies a group object (a cycle's topics or schedule note).
public typealias GroupObjectID = VaultID<GroupObjectTag>

extension UUID {
    /// The textual form in lower case, as `uuidString.lowercased()` gives it, without the
    /// `snprintf` and the second string behind that (ids are formatted for every policy decision,
    /// audit record and response).
    var lowercasedString: String {
        String(unsafeUninitializedCapacity: 36) { text in writeText(into: UnsafeMutableRawBufferPointer(text), uppercase: false) }
    }

    /// Writes the 36-character textual form (`uuidString`'s, in upper or lower case) at the start
    /// of `text`, which holds at least 36 bytes; returns 36.
    package func writeText(into text: UnsafeMutableRawBufferPointer, uppercase: Bool) -> Int {
        withUnsafeBytes(of: uuid) { raw in
            let digits: StaticString = uppercase ? "0123456789ABCDEF" : "0123456789abcdef"
            var index = 0
            for (position, byte) in raw.enumerated() {
                if position == 4 || position == 6 || position == 8 || position == 10 {
                    text[index] = UInt8(ascii: "-")
                    index += 1
                }
                text[index] = digits.utf8Start[Int(byte >> 4)]
                text[index + 1] = digits.utf8Start[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// Parses the 36-character textual form (8-4-4-4-12 hex digits, either case) and nothing else.
    /// Foundation's `UUID(uuidString:)` on Linux scans each pair of digits with `sscanf`, so it also
    /// takes a space, a sign or a dash for a digit; it is slower too, and every request that names
    /// an id parses one.
    package init?(parsing text: String) {
        var text = text
        let parsed: uuid_t? = text.withUTF8 { utf8 -> uuid_t? in
            guard utf8.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let complete = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var index = 0
                for position in 0..<16 {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        guard utf8[index] == UInt8(ascii: "-") else { return false }
                        index += 1
                    }
                    guard let high = Self.hexValue(utf8[index]), let low = Self.hexValue(utf8[index + 1]) else { return false }
                    out[position] = high << 4 | low
                    index += 2
                }
                return true
            }
            return complete ? bytes : nil
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    var rawBytes: [UInt8] {
        let u = uuid
        return [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
    }
}

extension VaultID {
    /// A fresh random id.
    static func random() throws(VaultError) -> Self {
        try mapping("random id") { Self(try SecureRandom.uuid()) }
    }
}
