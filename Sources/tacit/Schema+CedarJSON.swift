import TacitAPI
import TacitPolicy

extension Schema {
    /// The schema in Cedar's JSON schema format, for Cedar's own tools (and the differential
    /// test, which has Cedar's validator check the base policy against it).
    var cedarJSON: JSONValue {
        func type(_ schemaType: SchemaType) -> JSONValue {
            switch schemaType {
            case .bool: return .object(["type": .string("Boolean")])
            case .long: return .object(["type": .string("Long")])
            case .string: return .object(["type": .string("String")])
            case .entity(let name): return .object(["type": .string("Entity"), "name": .string(name)])
            case .set(let element): return .object(["type": .string("Set"), "element": type(element)])
            case .record(let fields): return record(fields)
            }
        }
        func record(_ fields: [String: SchemaType]) -> JSONValue {
            .object(["type": .string("Record"), "attributes": .object(fields.mapValues(type))])
        }
        let entityTypes = entityTypes.mapValues { entity -> JSONValue in
            .object(["memberOfTypes": .array(entity.memberOf.map(JSONValue.string)), "shape": record(entity.attributes)])
        }
        let actions = actions.mapValues { action -> JSONValue in
            .object(["appliesTo": .object([
                "principalTypes": .array(action.principals.map(JSONValue.string)),
                "resourceTypes": .array(action.resources.map(JSONValue.string)),
                "context": record(action.context),
            ])])
        }
        return .object(["": .object(["entityTypes": .object(entityTypes), "actions": .object(actions)])])
    }
}
