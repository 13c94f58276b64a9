import TacitAPI
import Foundation
import TacitPolicy

/// Decides one `tacit policy eval` input line, keeping recently loaded policy sets so a stream of
/// requests against one policy parses it once.
struct LineEvaluator {
    private var cache: [String: Result<PolicySet, PolicyError>] = [:]

    mutating func decide(_ line: String) throws(PolicyError) -> JSONValue {
        let fields: [String: JSONValue]
        do {
            fields = try JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
        } catch {
            throw PolicyError(.data, "the line is not a JSON object")
        }
        let validate: Bool
        switch fields["validate"] {
        case nil: validate = true
        case .bool(let b)?: validate = b
        default: throw PolicyError(.data, "\"validate\" must be true or false")
        }
        if fields["policies"] != nil && fields["operator"] != nil {
            throw PolicyError(.data, "give \"policies\" (instead of the base policy) or \"operator\" (on top of it), not both")
        }
        let set = try policySet(policies: try text(fields, "policies"), operator: try text(fields, "operator"), validate: validate)

        let entities = try CedarJSON.entities(fields["entities"])
        if validate, let schema = set.schema {
            for entity in entities { try schema.validate(entity) }
        }
        guard let request = fields["request"]?.object else { throw PolicyError(.data, "the line needs a \"request\" object") }
        func part(_ name: String) throws(PolicyError) -> EntityUID {
            guard let json = request[name] else { throw PolicyError(.data, "the request needs a \"\(name)\"") }
            return try CedarJSON.uid(json, "request.\(name)")
        }
        var context: [String: Value] = [:]
        if let json = request["context"] {
            guard let object = json.object else { throw PolicyError(.data, "request.context must be an object") }
            context = try CedarJSON.record(object, "context")
        }
        let decision = Authorizer(policies: set).isAuthorized(
            Request(principal: try part("principal"), action: try part("action"), resource: try part("resource"), context: context),
            entities: Entities(entities))
        return .object([
            "decision": .string(decision.effect.rawValue),
            "determining": .array(decision.determining.map(JSONValue.string)),
            "errors": .array(decision.errors.map {
                .object(["policy": .string($0.policyID), "message": .string($0.message)])
            }),
        ])
    }

    private func text(_ fields: [String: JSONValue], _ key: String) throws(PolicyError) -> String? {
        guard let value = fields[key] else { return nil }
        guard let text = value.string else { throw PolicyError(.data, "\"\(key)\" must be a string of policy text") }
        return text
    }

    private mutating func policySet(policies: String?, operator layer: String?, validate: Bool) throws(PolicyError) -> PolicySet {
        if policies == nil && layer == nil && validate { return PolicySet.base }
        let key = "\(validate)|\(policies == nil ? "o" : "p")|\(policies ?? layer ?? "")"
        if let cached = cache[key] { return try cached.get() }
        if cache.count > 256 { cache.removeAll() }
        let result: Result<PolicySet, PolicyError>
        do throws(PolicyError) {
            let schema: Schema? = validate ? .tacit : nil
            if let policies {
                result = .success(try PolicySet(parsing: policies, schema: schema))
            } else {
                result = .success(try PolicySet.load(operator: layer, schema: schema))
            }
        } catch {
            result = .failure(error)
        }
        cache[key] = result
        return try result.get()
    }
}
