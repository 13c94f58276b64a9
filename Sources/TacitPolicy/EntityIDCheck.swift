/// Entity references in an operator's policy that could never name an entity: Tacit gives its
/// members, groups, cycles, entries and shares lowercase UUIDs as ids, so `Member::"alice"` — a
/// name where an id belongs — is a policy that silently never applies. The base policy and the
/// engine's own tests name entities freely; only a layer an operator writes is held to it.
enum EntityIDCheck {
    static func problems(in policy: Policy, schema: Schema) -> [PolicyError] {
        var found: [(EntityUID, SourceLocation)] = []
        for constraint in [policy.principal, policy.resource] {
            switch constraint {
            case .any, .is: break
            case .equal(let uid, let at), .in(let uid, let at), .isIn(_, let uid, let at): found.append((uid, at))
            }
        }
        for condition in policy.conditions { collect(condition.body, into: &found) }
        return found.compactMap { uid, location in
            guard let type = schema.entityTypes[uid.type], type.uuidIDs, !isLowercaseUUID(uid.id),
                  !type.placeholderIDs.contains(uid.id) else { return nil }
            let hint = uid.type == "Member" || uid.type == "Group"
                ? "`tacit \(uid.type == "Member" ? "principal" : "group") list --json` shows them" : "as the daemon shows them"
            return PolicyError(.validation, "`\(uid)` can never match: \(uid.type) entities are named by their id, a lowercase "
                               + "UUID, not by name (\(hint))", at: location, policy: policy.id)
        }
    }

    private static func collect(_ expression: Expression, into found: inout [(EntityUID, SourceLocation)]) {
        switch expression.kind {
        case .literal(let value): collect(value, at: expression.location, into: &found)
        case .variable: break
        case .set(let elements): elements.forEach { collect($0, into: &found) }
        case .record(let fields): fields.forEach { collect($0.1, into: &found) }
        case .attribute(let base, _), .has(let base, _), .like(let base, _), .not(let base), .negate(let base):
            collect(base, into: &found)
        case .isType(let base, _, let ancestor):
            collect(base, into: &found)
            if let ancestor { collect(ancestor, into: &found) }
        case .binary(_, let left, let right), .and(let left, let right), .or(let left, let right), .method(_, let left, let right):
            collect(left, into: &found)
            collect(right, into: &found)
        case .ifThenElse(let condition, let then, let otherwise):
            [condition, then, otherwise].forEach { collect($0, into: &found) }
        }
    }

    private static func collect(_ value: Value, at location: SourceLocation, into found: inout [(EntityUID, SourceLocation)]) {
        switch value {
        case .entity(let uid): found.append((uid, location))
        case .set(let values): values.elements.forEach { collect($0, at: location, into: &found) }
        case .record(let fields): fields.values.forEach { collect($0, at: location, into: &found) }
        default: break
        }
    }

    /// `8-4-4-4-12` lowercase hexadecimal digits, as the daemon writes ids.
    static func isLowercaseUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12]
            && groups.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) } }
    }
}
