/// One authorization question: may `principal` do `action` to `resource`, given `context`?
public struct Request: Sendable {
    /// Who asks: for Tacit, always a `Member` (staff are members with another `role`).
    public var principal: EntityUID
    /// What they want to do: an `Action::"…"`.
    public var action: EntityUID
    /// What they want to do it to.
    public var resource: EntityUID
    /// Facts about the request the caller computed from trusted state (the server's clock, the
    /// budget left); never values a client sent.
    public var context: [String: Value]

    /// Makes a request.
    public init(principal: EntityUID, action: EntityUID, resource: EntityUID, context: [String: Value] = [:]) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
    }
}
