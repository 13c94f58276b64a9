/// The unique identifier of an entity: its type name and its id, written `Type::"id"` in policies.
public struct EntityUID: Hashable, Sendable, CustomStringConvertible {
    /// The entity type, for example `Member` or `Action`.
    public var type: String
    /// The entity id within its type, for example a UUID.
    public var id: String

    /// Makes an identifier from a type name and an id.
    public init(_ type: String, _ id: String) {
        self.type = type
        self.id = id
    }

    /// The identifier of the action with the given name (`Action::"name"`).
    public static func action(_ name: String) -> EntityUID {
        EntityUID("Action", name)
    }

    /// The identifier as Cedar writes it: `Type::"id"`, with the id escaped.
    public var description: String {
        "\(type)::\"\(escapeCedarString(id))\""
    }
}

/// Escapes a string the way Cedar string literals expect.
func escapeCedarString(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\0": out += "\\0"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7f {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

extension EntityUID {
    /// Parses `Type::"id"` (as policies write it, escapes included).
    ///
    /// - Throws: `PolicyError` (`.syntax`) with the position of the problem.
    public init(parsing text: String) throws(PolicyError) {
        self = try Parser.entityReference(in: text)
    }
}
