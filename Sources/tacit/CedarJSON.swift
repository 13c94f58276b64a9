import TacitAPI
import TacitPolicy

/// Converts between Cedar's JSON formats (entities, values, entity references) and TacitPolicy's types.
///
/// Entity references are `{"type": T, "id": I}` or `"T::\"I\""` where a reference is expected
/// (an entity's `uid` and `parents`, a request's principal, action, resource), and
/// `{"__entity": {"type": T, "id": I}}` inside attribute values, as Cedar writes them.
enum CedarJSON {
    static func uid(_ json: JSONValue, _ what: String) throws(PolicyError) -> EntityUID {
        switch json {
        case .string(let text):
            return try EntityUID(parsing: text)
        case .object(let fields):
            if let inner = fields["__entity"], fields.count == 1 { return try uid(inner, what) }
            guard let type = fields["type"]?.string, let id = fields["id"]?.string else {
                throw PolicyError(.data, "\(what) must be {\"type\": …, \"id\": …} or \"Type::\\\"id\\\"\"")
            }
            return EntityUID(type, id)
        default:
            throw PolicyError(.data, "\(what) must be {\"type\": …, \"id\": …} or \"Type::\\\"id\\\"\"")
        }
    }

    static func value(_ json: JSONValue, _ path: String) throws(PolicyError) -> Value {
        switch json {
        case .null: throw PolicyError(.data, "\(path) is null; Cedar has no null")
        case .bool(let b): return .bool(b)
        case .integer(let n): return .long(n)
        case .number: throw PolicyError(.data, "\(path) is not an integer; Cedar's Long is a 64-bit integer")
        case .string(let s): return .string(s)
        case .array(let items):
            var values: [Value] = []
            for (index, item) in items.enumerated() { values.append(try value(item, "\(path)[\(index)]")) }
            return .set(values)
        case .object(let fields):
            if fields.count == 1, let inner = fields["__entity"] { return .entity(try uid(inner, path)) }
            if fields["__extn"] != nil {
                throw PolicyError(.data, "\(path): extension values (__extn) are not in Tacit's Cedar subset")
            }
            return .record(try record(fields, path))
        }
    }

    static func record(_ fields: [String: JSONValue], _ path: String) throws(PolicyError) -> [String: Value] {
        var out: [String: Value] = [:]
        for (key, field) in fields { out[key] = try value(field, "\(path).\(key)") }
        return out
    }

    static func entities(_ json: JSONValue?) throws(PolicyError) -> [Entity] {
        guard let json else { return [] }
        guard case .array(let items) = json else { throw PolicyError(.data, "\"entities\" must be an array") }
        var entities: [Entity] = []
        for (index, item) in items.enumerated() {
            guard let fields = item.object, let uidJSON = fields["uid"] else {
                throw PolicyError(.data, "entities[\(index)] needs a \"uid\"")
            }
            let uid = try uid(uidJSON, "entities[\(index)].uid")
            var attributes: [String: Value] = [:]
            if let attrs = fields["attrs"] {
                guard let object = attrs.object else { throw PolicyError(.data, "entities[\(index)].attrs must be an object") }
                attributes = try record(object, "\(uid).attrs")
            }
            var parents: [EntityUID] = []
            if let list = fields["parents"] {
                guard case .array(let items) = list else { throw PolicyError(.data, "entities[\(index)].parents must be an array") }
                for parent in items { parents.append(try self.uid(parent, "\(uid).parents")) }
            }
            entities.append(Entity(uid, attributes: attributes, parents: parents))
        }
        return entities
    }

    // MARK: - Back to JSON

    static func json(_ uid: EntityUID) -> JSONValue {
        .object(["type": .string(uid.type), "id": .string(uid.id)])
    }

    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .bool(let b): return .bool(b)
        case .long(let n): return .integer(n)
        case .string(let s): return .string(s)
        case .entity(let uid): return .object(["__entity": json(uid)])
        case .set(let set): return .array(set.elements.map(json))
        case .record(let fields): return .object(fields.mapValues(json))
        }
    }

    static func json(_ entity: Entity) -> JSONValue {
        .object([
            "uid": json(entity.uid),
            "attrs": .object(entity.attributes.mapValues(json)),
            "parents": .array(entity.parents.map(json)),
        ])
    }
}
