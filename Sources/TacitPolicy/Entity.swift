/// An entity in the store: its identifier, attributes and direct parents.
public struct Entity: Sendable, Hashable {
    /// The entity's identifier.
    public var uid: EntityUID
    /// The entity's attributes.
    public var attributes: [String: Value]
    /// The entities this one is directly `in` (for a member, its groups).
    public var parents: [EntityUID]

    /// Makes an entity.
    public init(_ uid: EntityUID, attributes: [String: Value] = [:], parents: [EntityUID] = []) {
        self.uid = uid
        self.attributes = attributes
        self.parents = parents
    }
}
