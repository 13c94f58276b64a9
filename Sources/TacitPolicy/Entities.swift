/// The entity store a request is decided against.
///
/// Built by the caller from trusted state (the database and the server's clock), never from a client.
///
/// The daemon builds one per request from a handful of entities, so a small store keeps them in an
/// array and walks `parents` when asked (comparing a few identifiers costs less than hashing them
/// into tables that live for one decision). A large store (tests, the differential test's
/// generated worlds) indexes them and computes each entity's ancestors once.
public struct Entities: Sendable {
    /// Up to this many entities, lookups scan and ancestry is walked on demand.
    static let smallStoreLimit = 16

    private var entities: [Entity]
    private var index: [EntityUID: Int]?
    private var ancestorsByUID: [EntityUID: Set<EntityUID>]?

    /// Makes a store from entities; a later entity with the same identifier replaces an earlier one.
    ///
    /// Ancestors are the transitive closure of `parents`; a cycle in the hierarchy is tolerated.
    public init(_ entities: some Sequence<Entity>) {
        var kept: [Entity] = []
        kept.reserveCapacity(entities.underestimatedCount)
        var index: [EntityUID: Int] = [:]
        for entity in entities {
            if kept.count < Self.smallStoreLimit && index.isEmpty {
                if let place = kept.firstIndex(where: { $0.uid == entity.uid }) {
                    kept[place] = entity
                } else {
                    kept.append(entity)
                }
                if kept.count == Self.smallStoreLimit {
                    for (place, held) in kept.enumerated() { index[held.uid] = place }
                }
            } else if let place = index[entity.uid] {
                kept[place] = entity
            } else {
                index[entity.uid] = kept.count
                kept.append(entity)
            }
        }
        self.entities = kept
        guard !index.isEmpty else { return }
        self.index = index
        var ancestors: [EntityUID: Set<EntityUID>] = [:]
        for entity in kept where !entity.parents.isEmpty {
            var seen = Set<EntityUID>()
            var stack = entity.parents
            while let next = stack.popLast() {
                guard seen.insert(next).inserted else { continue }
                if let place = index[next] { stack.append(contentsOf: kept[place].parents) }
            }
            ancestors[entity.uid] = seen
        }
        self.ancestorsByUID = ancestors
    }

    /// An empty store.
    public init() {
        self.init([Entity]())
    }

    /// The entity with the given identifier, if the store holds it.
    public subscript(uid: EntityUID) -> Entity? {
        if let index { return index[uid].map { entities[$0] } }
        return entities.first { $0.uid == uid }
    }

    /// Every entity in the store, in no particular order.
    public var all: some Collection<Entity> { entities }

    /// Whether `descendant` is `ancestor` itself or below it in the hierarchy (Cedar's `in`).
    public func isDescendant(_ descendant: EntityUID, of ancestor: EntityUID) -> Bool {
        if descendant == ancestor { return true }
        if let ancestorsByUID { return ancestorsByUID[descendant]?.contains(ancestor) ?? false }
        // A small store: walk up from the descendant, each entity at most once (cycles end).
        guard let start = self[descendant], !start.parents.isEmpty else { return false }
        var visited: [EntityUID] = []
        var stack = start.parents
        while let next = stack.popLast() {
            if next == ancestor { return true }
            guard !visited.contains(next) else { continue }
            visited.append(next)
            if let parent = self[next] { stack.append(contentsOf: parent.parents) }
        }
        return false
    }

    /// Whether the entity has any ancestor at all.
    func hasAncestors(_ uid: EntityUID) -> Bool {
        if let ancestorsByUID { return ancestorsByUID[uid] != nil }
        return self[uid].map { !$0.parents.isEmpty } ?? false
    }
}
