/// The entity store a request is decided against, with each entity's ancestors computed once.
///
/// Built by the caller from trusted state (the database and the server's clock), never from a client.
public struct Entities: Sendable {
    private var byUID: [EntityUID: Entity]
    private var ancestorsByUID: [EntityUID: Set<EntityUID>]

    /// Makes a store from entities; a later entity with the same identifier replaces an earlier one.
    ///
    /// Ancestors are the transitive closure of `parents`; a cycle in the hierarchy is tolerated.
    public init(_ entities: some Sequence<Entity>) {
        var byUID: [EntityUID: Entity] = [:]
        for entity in entities { byUID[entity.uid] = entity }
        self.byUID = byUID
        var ancestors: [EntityUID: Set<EntityUID>] = [:]
        for (uid, entity) in byUID where !entity.parents.isEmpty {
            var seen = Set<EntityUID>()
            var stack = entity.parents
            while let next = stack.popLast() {
                guard seen.insert(next).inserted else { continue }
                if let parent = byUID[next] { stack.append(contentsOf: parent.parents) }
            }
            ancestors[uid] = seen
        }
        self.ancestorsByUID = ancestors
    }

    /// An empty store.
    public init() {
        self.init([Entity]())
    }

    /// The entity with the given identifier, if the store holds it.
    public subscript(uid: EntityUID) -> Entity? {
        byUID[uid]
    }

    /// Every entity in the store, in no particular order.
    public var all: some Collection<Entity> { byUID.values }

    /// Whether `descendant` is `ancestor` itself or below it in the hierarchy (Cedar's `in`).
    public func isDescendant(_ descendant: EntityUID, of ancestor: EntityUID) -> Bool {
        descendant == ancestor || (ancestorsByUID[descendant]?.contains(ancestor) ?? false)
    }

    /// Whether the entity has any ancestor at all.
    func hasAncestors(_ uid: EntityUID) -> Bool {
        ancestorsByUID[uid] != nil
    }
}
