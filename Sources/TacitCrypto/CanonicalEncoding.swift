import Foundation

/// The canonical byte encoding of every associated data, HKDF info and signed or MAC'd message:
/// the label, then each field, every one of them preceded by its length as a big-endian `UInt16`.
///
/// UUIDs are their 16 raw bytes, integers 8 bytes big-endian, strings their UTF-8 bytes. Because
/// every part carries its length, no two different field lists encode to the same bytes.
///
/// ```swift
/// var ad = CanonicalEncoding(.entryPayload)
/// ad.append(entryID)
/// ad.append(UInt64(version))
/// ```
public struct CanonicalEncoding: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8]

    /// Starts an encoding with `label`.
    public init(_ label: DomainLabel) {
        bytes = []
        bytes.reserveCapacity(128)
        appendField(Array(label.text.utf8))
    }

    /// Appends a byte string field.
    ///
    /// A field longer than 65,535 bytes cannot be encoded; callers pass hashes, not bulk data.
    public mutating func append(_ field: some Collection<UInt8>) {
        appendField(field)
    }

    /// Appends a UUID as its 16 raw bytes.
    public mutating func append(_ id: UUID) {
        let u = id.uuid
        appendField([u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15])
    }

    /// Appends an unsigned integer as 8 bytes, big-endian.
    public mutating func append(_ value: UInt64) {
        appendField((0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) })
    }

    /// Appends a string as its UTF-8 bytes.
    public mutating func append(_ string: String) {
        appendField(Array(string.utf8))
    }

    /// Appends the bytes of a secret (used only for MACs whose message includes key material).
    public mutating func append(_ secret: SecretBytes) {
        secret.withUnsafeBytes { appendField($0) }
    }

    private mutating func appendField(_ field: some Collection<UInt8>) {
        precondition(field.count <= Int(UInt16.max), "a canonical field is at most 65,535 bytes")
        bytes.append(UInt8(field.count >> 8))
        bytes.append(UInt8(field.count & 0xFF))
        bytes.append(contentsOf: field)
    }
}
