/// Evaluates condition expressions against one request and entity store, with Cedar's semantics:
/// `&&`, `||` and `if` short-circuit; everything else is strict and fails on a type mismatch, a
/// missing attribute or entity, or Long overflow.
struct Evaluator {
    let request: Request
    let entities: Entities

    func evaluate(_ expression: Expression) throws(PolicyError) -> Value {
        switch expression.kind {
        case .literal(let value):
            return value
        case .variable(let variable):
            switch variable {
            case .principal: return .entity(request.principal)
            case .action: return .entity(request.action)
            case .resource: return .entity(request.resource)
            case .context: return .record(request.context)
            }
        case .and(let left, let right):
            guard try bool(left) else { return .bool(false) }
            return .bool(try bool(right))
        case .or(let left, let right):
            if try bool(left) { return .bool(true) }
            return .bool(try bool(right))
        case .not(let operand):
            return .bool(!(try bool(operand)))
        case .ifThenElse(let condition, let then, let otherwise):
            return try bool(condition) ? try evaluate(then) : try evaluate(otherwise)
        case .negate(let operand):
            let n = try long(operand)
            let (result, overflow) = Int64(0).subtractingReportingOverflow(n)
            if overflow { throw fail("overflow while negating \(n)", expression) }
            return .long(result)
        case .binary(let op, let left, let right):
            return try binary(op, left, right, expression)
        case .attribute(let base, let name):
            let value = try evaluate(base)
            switch value {
            case .record(let fields):
                guard let field = fields[name] else {
                    throw fail("record does not have the attribute `\(name)`", expression)
                }
                return field
            case .entity(let uid):
                guard let entity = entities[uid] else {
                    throw fail("entity `\(uid)` does not exist", expression)
                }
                guard let field = entity.attributes[name] else {
                    throw fail("`\(uid)` does not have the attribute `\(name)`", expression)
                }
                return field
            default:
                throw fail("expected an entity or a record before `.\(name)`, got \(value.typeName)", expression)
            }
        case .has(let base, let name):
            let value = try evaluate(base)
            switch value {
            case .record(let fields): return .bool(fields[name] != nil)
            case .entity(let uid): return .bool(entities[uid]?.attributes[name] != nil)
            default: throw fail("expected an entity or a record before `has`, got \(value.typeName)", expression)
            }
        case .like(let base, let pattern):
            let value = try evaluate(base)
            guard case .string(let text) = value else {
                throw fail("expected a string before `like`, got \(value.typeName)", expression)
            }
            return .bool(pattern.matches(text))
        case .isType(let base, let type, let container):
            let uid = try entity(base)
            guard uid.type == type else { return .bool(false) }
            guard let container else { return .bool(true) }
            return .bool(try isIn(uid, try evaluate(container), container))
        case .set(let elements):
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try evaluate(element)) }
            return .set(values)
        case .record(let fields):
            var values: [String: Value] = [:]
            for (key, field) in fields { values[key] = try evaluate(field) }
            return .record(values)
        case .method(let method, let base, let argument):
            let receiver = try evaluate(base)
            guard case .set(let set) = receiver else {
                throw fail("expected a set before `.\(method.rawValue)`, got \(receiver.typeName)", expression)
            }
            let value = try evaluate(argument)
            switch method {
            case .contains:
                return .bool(set.contains(value))
            case .containsAll, .containsAny:
                guard case .set(let other) = value else {
                    throw fail("`.\(method.rawValue)` expects a set, got \(value.typeName)", argument)
                }
                if method == .containsAll {
                    return .bool(other.elements.allSatisfy { set.contains($0) })
                }
                return .bool(other.elements.contains { set.contains($0) })
            }
        }
    }

    /// Evaluates a whole `when`/`unless` clause, which must be a Bool.
    func condition(_ expression: Expression) throws(PolicyError) -> Bool {
        try bool(expression)
    }

    private func binary(_ op: Expression.BinaryOperator, _ left: Expression, _ right: Expression,
                        _ expression: Expression) throws(PolicyError) -> Value {
        switch op {
        case .equal:
            return .bool(try evaluate(left) == evaluate(right))
        case .notEqual:
            return .bool(try evaluate(left) != evaluate(right))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let a = try long(left)
            let b = try long(right)
            switch op {
            case .less: return .bool(a < b)
            case .lessOrEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            default: return .bool(a >= b)
            }
        case .add, .subtract, .multiply:
            let a = try long(left)
            let b = try long(right)
            let (result, overflow): (Int64, Bool)
            switch op {
            case .add: (result, overflow) = a.addingReportingOverflow(b)
            case .subtract: (result, overflow) = a.subtractingReportingOverflow(b)
            default: (result, overflow) = a.multipliedReportingOverflow(by: b)
            }
            if overflow { throw fail("overflow: \(a) \(op.rawValue) \(b) does not fit in a Long", expression) }
            return .long(result)
        case .in:
            let uid = try entity(left)
            return .bool(try isIn(uid, try evaluate(right), right))
        }
    }

    /// Cedar's `in`: the entity is the target or below it; the target may be a set of entities.
    private func isIn(_ uid: EntityUID, _ target: Value, _ expression: Expression) throws(PolicyError) -> Bool {
        switch target {
        case .entity(let ancestor):
            return entities.isDescendant(uid, of: ancestor)
        case .set(let set):
            var found = false
            for element in set.elements {
                guard case .entity(let ancestor) = element else {
                    throw fail("`in` expects a set of entities, but the set holds a \(element.typeName)", expression)
                }
                if !found && entities.isDescendant(uid, of: ancestor) { found = true }
            }
            return found
        default:
            throw fail("`in` expects an entity or a set of entities on its right, got \(target.typeName)", expression)
        }
    }

    private func bool(_ expression: Expression) throws(PolicyError) -> Bool {
        let value = try evaluate(expression)
        guard case .bool(let b) = value else { throw fail("expected a bool, got \(value.typeName)", expression) }
        return b
    }

    private func long(_ expression: Expression) throws(PolicyError) -> Int64 {
        let value = try evaluate(expression)
        guard case .long(let n) = value else { throw fail("expected a long, got \(value.typeName)", expression) }
        return n
    }

    private func entity(_ expression: Expression) throws(PolicyError) -> EntityUID {
        let value = try evaluate(expression)
        guard case .entity(let uid) = value else { throw fail("expected an entity, got \(value.typeName)", expression) }
        return uid
    }

    private func fail(_ message: String, _ expression: Expression) -> PolicyError {
        PolicyError(.evaluation, message, at: expression.location)
    }
}
