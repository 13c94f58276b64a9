/// A Cedar value: what attributes, context entries and expressions hold.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    /// `true` or `false`.
    case bool(Bool)
    /// A signed 64-bit integer (Cedar's Long); arithmetic that overflows is an error.
    case long(Int64)
    /// A string.
    case string(String)
    /// A reference to an entity.
    case entity(EntityUID)
    /// A set of values; order and duplicates do not matter.
    case set(ValueSet)
    /// A record: attribute names to values.
    case record([String: Value])

    /// Makes a set value from any sequence of values.
    public static func set(_ elements: some Sequence<Value>) -> Value {
        .set(ValueSet(elements))
    }

    /// The value written as a Cedar expression.
    public var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .long(let n): return String(n)
        case .string(let s): return "\"\(escapeCedarString(s))\""
        case .entity(let uid): return uid.description
        case .set(let s): return "[" + s.elements.map(\.description).sorted().joined(separator: ", ") + "]"
        case .record(let r):
            return "{" + r.keys.sorted().map { "\"\(escapeCedarString($0))\": \(r[$0]!.description)" }
                .joined(separator: ", ") + "}"
        }
    }

    /// The name of the value's type, for error messages.
    var typeName: String {
        switch self {
        case .bool: return "bool"
        case .long: return "long"
        case .string: return "string"
        case .entity(let uid): return "entity of type `\(uid.type)`"
        case .set: return "set"
        case .record: return "record"
        }
    }
}

/// A set of Cedar values: equal when they hold the same elements, whatever the order.
///
/// The sets a decision meets are small (a share's audience, a group's facilitators) and are built
/// for one decision: up to `smallLimit` elements are compared one by one, which costs less than
/// hashing them into a table that lives for one request. Larger sets keep a hash table.
public struct ValueSet: Hashable, Sendable {
    /// Up to this many elements, membership is a scan.
    static let smallLimit = 8

    /// The distinct elements, in first-seen order.
    public private(set) var elements: [Value]
    private var lookup: Set<Value>?

    /// Makes a set from a sequence of values, dropping duplicates.
    public init(_ values: some Sequence<Value>) {
        var elements: [Value] = []
        elements.reserveCapacity(values.underestimatedCount)
        var lookup: Set<Value>?
        for value in values {
            if lookup != nil {
                if lookup?.insert(value).inserted == true { elements.append(value) }
            } else if !elements.contains(value) {
                elements.append(value)
                if elements.count > Self.smallLimit { lookup = Set(elements) }
            }
        }
        self.elements = elements
        self.lookup = lookup
    }

    /// Whether the set holds a value equal to `value`.
    public func contains(_ value: Value) -> Bool {
        if let lookup { return lookup.contains(value) }
        return elements.contains(value)
    }

    /// The number of distinct elements.
    public var count: Int { elements.count }

    /// Sets are equal when they hold the same elements, in any order.
    public static func == (lhs: ValueSet, rhs: ValueSet) -> Bool {
        // Elements are distinct, so as many elements, each found in the other, is equality.
        lhs.count == rhs.count && lhs.elements.allSatisfy(rhs.contains)
    }

    /// Hashes the elements without regard to order: the sum of their hashes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(elements.reduce(0) { $0 &+ $1.hashValue })
    }
}
