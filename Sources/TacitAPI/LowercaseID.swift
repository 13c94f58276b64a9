import Foundation

/// An id field written in lower case, as the CLI's tables, the audit log and the policy engine
/// write ids (Foundation encodes a `UUID` in upper case, so `tacit list --json` and `tacit list`
/// showed one id two ways, and a short id from a table did not match the JSON with plain `grep`).
///
/// Reading accepts either case. An optional field that is `nil` is left out, as for a plain
/// optional (see the container overloads below).
@propertyWrapper
public struct LowercaseID<Value: LowercaseIDValue>: Codable, Hashable, Sendable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws { wrappedValue = try Value(from: decoder) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let text = wrappedValue.lowercaseText { try container.encode(text) } else { try container.encodeNil() }
    }
}

/// `UUID` and `UUID?`, the values a `LowercaseID` field holds.
public protocol LowercaseIDValue: Codable, Hashable, Sendable {
    /// The id's text in lower case; nil for an absent optional id.
    var lowercaseText: String? { get }
}

extension UUID: LowercaseIDValue {
    public var lowercaseText: String? { uuidString.lowercased() }
}

extension Optional: LowercaseIDValue where Wrapped == UUID {
    public var lowercaseText: String? { self?.uuidString.lowercased() }
}

extension KeyedEncodingContainer {
    /// Leaves out an optional id that is `nil`, as synthesized encoding does for `UUID?`.
    public mutating func encode(_ value: LowercaseID<UUID?>, forKey key: Key) throws {
        guard let text = value.wrappedValue.lowercaseText else { return }
        try encode(text, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// Reads an optional id that may be missing, as synthesized decoding does for `UUID?`.
    public func decode(_ type: LowercaseID<UUID?>.Type, forKey key: Key) throws -> LowercaseID<UUID?> {
        LowercaseID(wrappedValue: try decodeIfPresent(UUID.self, forKey: key))
    }
}
