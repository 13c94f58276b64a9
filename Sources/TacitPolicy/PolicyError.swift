/// Every error TacitPolicy reports: a syntax or validation problem in policy text (with its
/// `line:column`), a malformed entity or request, or an evaluation error inside one policy.
public struct PolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is.
    public enum Code: String, Sendable, Hashable {
        /// The text is not valid in the supported Cedar subset.
        case syntax
        /// The text parses but does not fit the schema (unknown name, type error, impossible scope).
        case validation
        /// Two policies share one id, or an operator policy reuses a base policy's id.
        case duplicateID
        /// Entity or request data is malformed.
        case data
        /// Evaluating a policy failed (missing attribute, type error, overflow).
        case evaluation
    }

    /// What kind of problem this is.
    public var code: Code
    /// A message meant for a person.
    public var message: String
    /// Where in the policy text the problem is, when it is about policy text.
    public var location: SourceLocation?
    /// The policy the problem belongs to, when known.
    public var policyID: String?

    /// Makes an error.
    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil, policy policyID: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.policyID = policyID
    }

    /// `line:column: message`, or the message alone when there is no location.
    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
