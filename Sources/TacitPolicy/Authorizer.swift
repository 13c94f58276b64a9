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
        // The policies are read in place: a policy copied out of the array per candidate costs a
        // retain and release of each of its parts, more than most conditions take to evaluate.
        policies.policies.withUnsafeBufferPointer { all in
            for index in policies.candidates(for: request.action, in: entities) {
                guard all[index].principal.matches(request.principal, in: entities),
                      all[index].action.matches(request.action, in: entities),
                      all[index].resource.matches(request.resource, in: entities)
                else { continue }
                let effect = all[index].effect
                do throws(PolicyError) {
                    var satisfied = true
                    for condition in all[index].conditions where try evaluator.condition(condition.body) != condition.isWhen {
                        satisfied = false
                        break
                    }
                    guard satisfied else { continue }
                    if effect == .forbid { forbids.append(all[index].id) } else { permits.append(all[index].id) }
                } catch {
                    errors.append(Decision.PolicyFailure(policyID: all[index].id, message: error.description))
                    if effect == .forbid { forbids.append(all[index].id) }
                }
            }
        }
        if !forbids.isEmpty { return Decision(effect: .deny, determining: forbids.sorted(), errors: errors) }
        if !permits.isEmpty { return Decision(effect: .allow, determining: permits.sorted(), errors: errors) }
        return Decision(effect: .deny, determining: [], errors: errors)
    }
}
