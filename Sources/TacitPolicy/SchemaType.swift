/// The type of an attribute or context value in a schema.
public indirect enum SchemaType: Sendable, Hashable, CustomStringConvertible {
    /// `Bool`.
    case bool
    /// `Long`.
    case long
    /// `String`.
    case string
    /// An entity of the named type.
    case entity(String)
    /// A set whose elements have one type.
    case set(SchemaType)
    /// A record with these attributes, all required.
    case record([String: SchemaType])

    /// The type as Cedar's schema syntax writes it, e.g. `Set<Member>`.
    public var description: String {
        switch self {
        case .bool: return "Bool"
        case .long: return "Long"
        case .string: return "String"
        case .entity(let name): return name
        case .set(let element): return "Set<\(element)>"
        case .record(let fields):
            return "{" + fields.keys.sorted().map { "\($0): \(fields[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    /// Whether `value` has this type (entity references are checked by type name only).
    public func admits(_ value: Value) -> Bool {
        switch (self, value) {
        case (.bool, .bool), (.long, .long), (.string, .string): return true
        case (.entity(let name), .entity(let uid)): return uid.type == name
        case (.set(let element), .set(let set)): return set.elements.allSatisfy(element.admits)
        case (.record(let fields), .record(let values)):
            return fields.count == values.count
                && fields.allSatisfy { key, type in values[key].map(type.admits) ?? false }
        default: return false
        }
    }
}
