/// Decides requests against a policy set with Cedar's rules: default deny, any satisfied forbid
/// denies, otherwise any satisfied permit allows.
///
/// One deliberate difference from Cedar: a forbid whose condition fails to evaluate *denies*
/// (Cedar skips it), so a broken guard never opens a door. A failing permit is skipped, as in Cedar.
public struct Authorizer: Sendable {
    /// The policies requests are decided against.
    public let policies: PolicySet

    /// Makes an authorizer for a policy set (by default, the compiled-in base policy).
    public init(policies: PolicySet = .base) {
        self.policies = policies
    }

    /// Decides one request against an entity store built by the caller from trusted state.
    ///
    /// With a validated policy set, a request that does not fit the schema (unknown action, wrong
    /// principal or resource type, missing or mistyped context) is denied with an error.
    public func isAuthorized(_ request: Request, entities: Entities) -> Decision {
        if let schema = policies.schema {
            do {
                try schema.validate(request)
            } catch {
                return Decision(effect: .deny, determining: [],
                                errors: [Decision.PolicyFailure(policyID: "(request)", message: error.message)])
            }
        }
        let evaluator = Evaluator(request: request, entities: entities)
        var permits: [String] = []
        var forbids: [String] = []
        var errors: [Decision.PolicyFailure] = []
        for index in policies.candidates(for: request.action, in: entities) {
            let policy = policies.policies[index]
            guard policy.principal.matches(request.principal, in: entities),
                  policy.action.matches(request.action, in: entities),
                  policy.resource.matches(request.resource, in: entities)
            else { continue }
            do {
                var satisfied = true
                for condition in policy.conditions where try evaluator.condition(condition.body) != condition.isWhen {
                    satisfied = false
                    break
                }
                guard satisfied else { continue }
                if policy.effect == .forbid { forbids.append(policy.id) } else { permits.append(policy.id) }
            } catch {
                errors.append(Decision.PolicyFailure(policyID: policy.id, message: error.description))
                if policy.effect == .forbid { forbids.append(policy.id) }
            }
        }
        if !forbids.isEmpty { return Decision(effect: .deny, determining: forbids.sorted(), errors: errors) }
        if !permits.isEmpty { return Decision(effect: .allow, determining: permits.sorted(), errors: errors) }
        return Decision(effect: .deny, determining: [], errors: errors)
    }
}
