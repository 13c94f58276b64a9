/// The answer to a request: allow or deny, the policies that determined it, and any errors.
public struct Decision: Sendable, Hashable, CustomStringConvertible {
    /// Allow or deny.
    public enum Effect: String, Sendable, Hashable {
        /// The request may proceed.
        case allow
        /// The request is refused.
        case deny
    }

    /// An evaluation error inside one policy.
    public struct PolicyFailure: Sendable, Hashable {
        /// The id of the policy whose condition failed.
        public var policyID: String
        /// What went wrong, for a person.
        public var message: String
    }

    /// Allow or deny.
    public var effect: Effect
    /// For an allow, the satisfied permits; for a deny, the satisfied (or failed) forbids — empty
    /// when nothing permitted the request (default deny). Sorted.
    public var determining: [String]
    /// Policies whose evaluation failed, in policy order.
    public var errors: [PolicyFailure]

    /// Whether the request is allowed.
    public var isAllowed: Bool { effect == .allow }

    /// One line for logs and audits, e.g. `deny by not-the-author` or `deny (no permit)`; it holds
    /// policy ids and error messages, never entity content.
    public var description: String {
        var text = effect.rawValue
        text += determining.isEmpty ? " (no permit)" : " by " + determining.joined(separator: ", ")
        if !errors.isEmpty {
            text += "; errors: " + errors.map { "\($0.policyID): \($0.message)" }.joined(separator: "; ")
        }
        return text
    }
}
