/// Checks parsed policies against a schema with Cedar's strict typing for Tacit's subset.
///
/// Each policy is type-checked once for every (principal type, action, resource type) its scope
/// admits. `&&`, `||` and `if` use Cedar's singleton Bool types: the part that can never run
/// (after `false &&`, say) is not checked, so `resource is Entry && resource.author == …` works.
struct Validator {
    let schema: Schema

    /// Every problem in `policy`, in source order; empty when it fits the schema.
    func problems(in policy: Policy) -> [PolicyError] {
        var problems: [PolicyError] = []
        func report(_ error: PolicyError) {
            if !problems.contains(where: { $0.location == error.location && $0.message == error.message }) {
                problems.append(error)
            }
        }
        for case let error? in [checkScope(policy.principal), checkScope(policy.resource)] { report(error) }
        let actionNames: [String]
        if let named = policy.action.named {
            var names: [String] = []
            for uid in named {
                if let error = checkAction(uid, at: policy.action.location ?? policy.location) { report(error) } else { names.append(uid.id) }
            }
            actionNames = names
        } else {
            actionNames = schema.actions.keys.sorted()
        }
        if !problems.isEmpty { return problems.map { $0.with(policy: policy.id) } }

        var environments = 0
        for name in actionNames {
            let action = schema.actions[name]!
            for principalType in action.principals where admits(policy.principal, principalType) {
                for resourceType in action.resources where admits(policy.resource, resourceType) {
                    environments += 1
                    let environment = Environment(principal: principalType, action: name, resource: resourceType, context: action.context)
                    for condition in policy.conditions {
                        do throws(PolicyError) {
                            let type = try check(condition.body, environment)
                            guard case .bool = type else {
                                throw PolicyError(.validation, "a `\(condition.isWhen ? "when" : "unless")` condition must be a Bool, not \(type)", at: condition.body.start)
                            }
                        } catch {
                            report(error)
                        }
                    }
                }
            }
        }
        if environments == 0 {
            report(PolicyError(.validation, "this policy can never apply: no action it names takes that principal and resource (\(scopeSummary(policy)))", at: policy.location))
        }
        return problems.sorted { ($0.location ?? policy.location) < ($1.location ?? policy.location) }
            .map { $0.with(policy: policy.id) }
    }

    private func scopeSummary(_ policy: Policy) -> String {
        let actions = policy.action.named?.map { $0.id }.joined(separator: ", ") ?? "any action"
        return "actions: \(actions)"
    }

    private func checkScope(_ constraint: ScopeConstraint) -> PolicyError? {
        switch constraint {
        case .any: return nil
        case .equal(let uid, let at), .in(let uid, let at): return checkEntityType(uid.type, at: at)
        case .is(let type, let at): return checkEntityType(type, at: at)
        case .isIn(let type, let uid, let at): return checkEntityType(type, at: at) ?? checkEntityType(uid.type, at: at)
        }
    }

    private func checkEntityType(_ type: String, at location: SourceLocation) -> PolicyError? {
        guard schema.entityTypes[type] == nil else { return nil }
        let known = schema.entityTypes.keys.sorted().joined(separator: ", ")
        return PolicyError(.validation, "unknown entity type `\(type)`; the schema has \(known)", at: location)
    }

    private func checkAction(_ uid: EntityUID, at location: SourceLocation) -> PolicyError? {
        guard uid.type != "Action" || schema.actions[uid.id] == nil else { return nil }
        if uid.type != "Action" {
            return PolicyError(.validation, "`\(uid)` is not an action; actions are written `Action::\"name\"`", at: location)
        }
        let known = schema.actions.keys.sorted().joined(separator: ", ")
        return PolicyError(.validation, "unknown action `\(uid.id)`; the schema has \(known)", at: location)
    }

    private func admits(_ constraint: ScopeConstraint, _ type: String) -> Bool {
        switch constraint {
        case .any: return true
        case .equal(let uid, _): return uid.type == type
        case .in(let uid, _): return schema.canBeIn(type, uid.type)
        case .is(let t, _): return t == type
        case .isIn(let t, let uid, _): return t == type && schema.canBeIn(type, uid.type)
        }
    }

    // MARK: - Types

    struct Environment {
        var principal: String
        var action: String
        var resource: String
        var context: [String: SchemaType]
    }

    /// A type during checking: Bools may be known to be always true or always false, and a set
    /// built from `[]` has no element type yet.
    indirect enum CheckedType: CustomStringConvertible, Equatable {
        case bool(Bool?)
        case long
        case string
        case entity(String)
        case set(CheckedType?)
        case record([String: CheckedType])

        init(_ type: SchemaType) {
            switch type {
            case .bool: self = .bool(nil)
            case .long: self = .long
            case .string: self = .string
            case .entity(let name): self = .entity(name)
            case .set(let element): self = .set(CheckedType(element))
            case .record(let fields): self = .record(fields.mapValues(CheckedType.init))
            }
        }

        var description: String {
            switch self {
            case .bool: return "Bool"
            case .long: return "Long"
            case .string: return "String"
            case .entity(let name): return name
            case .set(let element?): return "Set<\(element)>"
            case .set(nil): return "an empty set"
            case .record(let fields):
                return "{" + fields.keys.sorted().map { "\($0): \(fields[$0]!)" }.joined(separator: ", ") + "}"
            }
        }

        /// The one type both fit, if any (Cedar's least upper bound, without entity-type unions).
        static func common(_ a: CheckedType, _ b: CheckedType) -> CheckedType? {
            switch (a, b) {
            case (.bool(let x), .bool(let y)): return .bool(x == y ? x : nil)
            case (.long, .long): return .long
            case (.string, .string): return .string
            case (.entity(let x), .entity(let y)): return x == y ? a : nil
            case (.set(nil), .set), (.set, .set(nil)): return a == .set(nil) ? b : a
            case (.set(let x?), .set(let y?)): return common(x, y).map { .set($0) }
            case (.record(let x), .record(let y)):
                guard Set(x.keys) == Set(y.keys) else { return nil }
                var fields: [String: CheckedType] = [:]
                for (key, type) in x {
                    guard let both = common(type, y[key]!) else { return nil }
                    fields[key] = both
                }
                return .record(fields)
            default: return nil
            }
        }
    }

    private func fail(_ message: String, _ expression: Expression) -> PolicyError {
        PolicyError(.validation, message, at: expression.location)
    }

    /// For a problem with an operand's value: points at where the operand starts.
    private func failOperand(_ message: String, _ expression: Expression) -> PolicyError {
        PolicyError(.validation, message, at: expression.start)
    }

    private func bool(_ expression: Expression, _ env: Environment, _ what: String) throws(PolicyError) -> Bool? {
        let type = try check(expression, env)
        guard case .bool(let known) = type else { throw failOperand("\(what) needs a Bool, not \(type)", expression) }
        return known
    }

    private func long(_ expression: Expression, _ env: Environment, _ what: String) throws(PolicyError) {
        let type = try check(expression, env)
        guard case .long = type else { throw failOperand("\(what) needs a Long, not \(type)", expression) }
    }

    private func entity(_ expression: Expression, _ env: Environment, _ what: String) throws(PolicyError) -> String {
        let type = try check(expression, env)
        guard case .entity(let name) = type else { throw failOperand("\(what) needs an entity, not \(type)", expression) }
        return name
    }

    func check(_ expression: Expression, _ env: Environment) throws(PolicyError) -> CheckedType {
        switch expression.kind {
        case .literal(let value):
            return try literalType(value, expression)
        case .variable(let variable):
            switch variable {
            case .principal: return .entity(env.principal)
            case .action: return .entity("Action")
            case .resource: return .entity(env.resource)
            case .context: return .record(env.context.mapValues(CheckedType.init))
            }
        case .and(let left, let right):
            let l = try bool(left, env, "`&&`")
            if l == false { return .bool(false) }
            let r = try bool(right, env, "`&&`")
            if r == false { return .bool(false) }
            return .bool(l == true && r == true ? true : nil)
        case .or(let left, let right):
            let l = try bool(left, env, "`||`")
            if l == true { return .bool(true) }
            let r = try bool(right, env, "`||`")
            if r == true { return .bool(true) }
            return .bool(l == false && r == false ? false : nil)
        case .not(let operand):
            return .bool(try bool(operand, env, "`!`").map { !$0 })
        case .negate(let operand):
            try long(operand, env, "unary `-`")
            return .long
        case .ifThenElse(let condition, let then, let otherwise):
            switch try bool(condition, env, "the condition of `if`") {
            case true?: return try check(then, env)
            case false?: return try check(otherwise, env)
            case nil:
                let a = try check(then, env)
                let b = try check(otherwise, env)
                guard let both = CheckedType.common(a, b) else {
                    throw fail("the branches of `if` have different types: \(a) and \(b)", expression)
                }
                return both
            }
        case .binary(let op, let left, let right):
            switch op {
            case .equal, .notEqual:
                let a = try check(left, env)
                let b = try check(right, env)
                guard CheckedType.common(a, b) != nil else {
                    throw fail("`\(op.rawValue)` compares \(a) with \(b); values of different types are never equal", expression)
                }
                if let problem = try unlistedValue(left, right, env) { throw problem }
                if let problem = try unlistedValue(right, left, env) { throw problem }
                return .bool(nil)
            case .less, .lessOrEqual, .greater, .greaterOrEqual:
                try long(left, env, "`\(op.rawValue)`")
                try long(right, env, "`\(op.rawValue)`")
                return .bool(nil)
            case .add, .subtract, .multiply:
                try long(left, env, "`\(op.rawValue)`")
                try long(right, env, "`\(op.rawValue)`")
                return .long
            case .in:
                _ = try entity(left, env, "the left side of `in`")
                try entityOrEntitySet(right, env)
                return .bool(nil)
            }
        case .attribute(let base, let name):
            let type = try check(base, env)
            switch type {
            case .entity(let typeName):
                guard let attribute = try attributes(of: typeName, base)[name] else {
                    throw fail("`\(typeName)` has no attribute `\(name)`\(suggestion(typeName))", expression)
                }
                return CheckedType(attribute)
            case .record(let fields):
                guard let field = fields[name] else {
                    let known = fields.keys.sorted().joined(separator: ", ")
                    throw fail("the record has no attribute `\(name)` (it has: \(known.isEmpty ? "none" : known))", expression)
                }
                return field
            default:
                throw failOperand("`.\(name)` needs an entity or a record, not \(type)", base)
            }
        case .has(let base, let name):
            let type = try check(base, env)
            switch type {
            case .entity(let typeName):
                guard try attributes(of: typeName, base)[name] != nil else {
                    throw fail("`\(typeName)` has no attribute `\(name)`, so this `has` is always false\(suggestion(typeName))", expression)
                }
                return .bool(nil)
            case .record(let fields):
                guard fields[name] != nil else {
                    let known = fields.keys.sorted().joined(separator: ", ")
                    throw fail("the record has no attribute `\(name)`, so this `has` is always false (it has: \(known.isEmpty ? "none" : known))", expression)
                }
                return .bool(nil)
            default:
                throw failOperand("`has` needs an entity or a record, not \(type)", base)
            }
        case .like(let base, _):
            let type = try check(base, env)
            guard case .string = type else { throw failOperand("`like` needs a String, not \(type)", base) }
            return .bool(nil)
        case .isType(let base, let typeName, let container):
            let actual = try entity(base, env, "`is`")
            if typeName != "Action" && schema.entityTypes[typeName] == nil {
                throw checkEntityType(typeName, at: expression.location)!
            }
            if let container { try entityOrEntitySet(container, env) }
            if actual != typeName { return .bool(false) }
            return .bool(container == nil ? true : nil)
        case .set(let elements):
            var element: CheckedType?
            for item in elements {
                let type = try check(item, env)
                if let known = element {
                    guard let both = CheckedType.common(known, type) else {
                        throw failOperand("a set's elements must have one type; found \(known) and \(type)", item)
                    }
                    element = both
                } else {
                    element = type
                }
            }
            return .set(element.map { Self.widen($0) })
        case .record(let fields):
            var types: [String: CheckedType] = [:]
            for (key, field) in fields { types[key] = Self.widen(try check(field, env)) }
            return .record(types)
        case .method(let method, let base, let argument):
            let receiver = try check(base, env)
            guard case .set(let element) = receiver else {
                throw failOperand("`.\(method.rawValue)` needs a set, not \(receiver)", base)
            }
            let value = try check(argument, env)
            switch method {
            case .contains:
                if let element, CheckedType.common(element, value) == nil {
                    throw failOperand("`.contains` looks for \(value) in a set of \(element); it can never be found", argument)
                }
            case .containsAll, .containsAny:
                guard case .set = value else {
                    throw failOperand("`.\(method.rawValue)` needs a set as its argument, not \(value)", argument)
                }
                if CheckedType.common(receiver, value) == nil {
                    throw fail("`.\(method.rawValue)` compares \(receiver) with \(value)", argument)
                }
            }
            return .bool(nil)
        }
    }

    /// `e.attr == "text"` where the schema lists every value `attr` takes and `text` is not one of
    /// them: the comparison never holds (`resource.phase == "session2"` for `"session-2"`).
    private func unlistedValue(_ attribute: Expression, _ literal: Expression, _ env: Environment) throws(PolicyError) -> PolicyError? {
        guard case .attribute(let base, let name) = attribute.kind, case .literal(.string(let text)) = literal.kind,
              case .entity(let typeName) = try check(base, env),
              let values = schema.entityTypes[typeName]?.stringValues[name], !values.contains(text) else { return nil }
        let shown = text.count <= 40 && text.unicodeScalars.allSatisfy({ (0x20..<0x7f).contains($0.value) }) ? "\"\(text)\"" : "this value"
        let listed = values.map { "\"\($0)\"" }.joined(separator: ", ")
        return failOperand("`\(typeName)`'s `\(name)` is never \(shown); it is one of \(listed)", literal)
    }

    /// Literal `true` inside a set or record is just a Bool there.
    private static func widen(_ type: CheckedType) -> CheckedType {
        switch type {
        case .bool: return .bool(nil)
        case .set(let element): return .set(element.map(widen))
        case .record(let fields): return .record(fields.mapValues(widen))
        default: return type
        }
    }

    private func entityOrEntitySet(_ expression: Expression, _ env: Environment) throws(PolicyError) {
        let type = try check(expression, env)
        switch type {
        case .entity, .set(.entity?), .set(nil): return
        default: throw failOperand("the right side of `in` needs an entity or a set of entities, not \(type)", expression)
        }
    }

    private func attributes(of typeName: String, _ expression: Expression) throws(PolicyError) -> [String: SchemaType] {
        if typeName == "Action" { return [:] }
        guard let type = schema.entityTypes[typeName] else {
            throw checkEntityType(typeName, at: expression.location)!
        }
        return type.attributes
    }

    private func suggestion(_ typeName: String) -> String {
        let known = schema.entityTypes[typeName]?.attributes.keys.sorted().joined(separator: ", ") ?? ""
        return known.isEmpty ? "" : " (it has: \(known))"
    }

    private func literalType(_ value: Value, _ expression: Expression) throws(PolicyError) -> CheckedType {
        switch value {
        case .bool(let b): return .bool(b)
        case .long: return .long
        case .string: return .string
        case .entity(let uid):
            if uid.type == "Action" {
                if let error = checkAction(uid, at: expression.location) { throw error }
            } else if let error = checkEntityType(uid.type, at: expression.location) {
                throw error
            }
            return .entity(uid.type)
        case .set, .record:
            throw fail("unexpected constant", expression)
        }
    }
}

extension PolicyError {
    func with(policy id: String) -> PolicyError {
        var copy = self
        copy.policyID = id
        return copy
    }
}

extension ActionConstraint {
    var location: SourceLocation? {
        switch self {
        case .any: return nil
        case .equal(_, let at), .in(_, let at): return at
        }
    }
}
