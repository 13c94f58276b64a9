/// One parsed `permit` or `forbid` policy.
public struct Policy: Sendable {
    /// Whether a satisfied policy allows or denies.
    public enum Effect: String, Sendable, Hashable {
        /// Allows, unless some forbid is satisfied.
        case permit
        /// Denies, whatever permits say.
        case forbid
    }

    /// The policy's id: its `@id("…")` annotation, or `policyN` (its index in the file) without one.
    public internal(set) var id: String
    /// Permit or forbid.
    public let effect: Effect
    /// Where the policy starts in its text.
    public let location: SourceLocation
    /// Every annotation, `@name("value")`.
    public let annotations: [String: String]

    let principal: ScopeConstraint
    let action: ActionConstraint
    let resource: ScopeConstraint
    let conditions: [Condition]
}

/// A `when` or `unless` clause.
struct Condition: Sendable {
    var isWhen: Bool
    var body: Expression
}

/// The principal or resource part of a policy's scope.
enum ScopeConstraint: Sendable, Hashable {
    case any
    case equal(EntityUID, SourceLocation)
    case `in`(EntityUID, SourceLocation)
    case `is`(String, SourceLocation)
    case isIn(String, EntityUID, SourceLocation)

    func matches(_ uid: EntityUID, in entities: Entities) -> Bool {
        switch self {
        case .any: return true
        case .equal(let target, _): return uid == target
        case .in(let ancestor, _): return entities.isDescendant(uid, of: ancestor)
        case .is(let type, _): return uid.type == type
        case .isIn(let type, let ancestor, _): return uid.type == type && entities.isDescendant(uid, of: ancestor)
        }
    }
}

/// The action part of a policy's scope.
enum ActionConstraint: Sendable, Hashable {
    case any
    case equal(EntityUID, SourceLocation)
    case `in`([EntityUID], SourceLocation)

    func matches(_ uid: EntityUID, in entities: Entities) -> Bool {
        switch self {
        case .any: return true
        case .equal(let target, _): return uid == target
        case .in(let targets, _): return targets.contains { entities.isDescendant(uid, of: $0) }
        }
    }

    /// The actions the constraint names, or nil for any action.
    var named: [EntityUID]? {
        switch self {
        case .any: return nil
        case .equal(let uid, _): return [uid]
        case .in(let uids, _): return uids
        }
    }
}
