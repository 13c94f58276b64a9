/// One worked example of the base policy: a request, the operator layer if any, and the decision
/// a person should see.
public struct PolicyScenario: Sendable {
    /// What the example shows, in words.
    public let name: String
    /// The request asked.
    public let request: Request
    /// The operator's policy file layered on the base policy, if any.
    public let operatorPolicy: String?
    /// The expected decision.
    public let expected: Decision.Effect
    /// The expected determining policy ids, sorted.
    public let determining: [String]

    /// Makes a scenario.
    public init(_ name: String, _ request: Request, operatorPolicy: String? = nil,
                expected: Decision.Effect, determining: [String]) {
        self.name = name
        self.request = request
        self.operatorPolicy = operatorPolicy
        self.expected = expected
        self.determining = determining.sorted()
    }
}
