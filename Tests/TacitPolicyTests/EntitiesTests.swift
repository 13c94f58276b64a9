import Testing
@testable import TacitPolicy

/// The entity store answers the same whether it is small (scanned, ancestry walked on demand) or
/// large (indexed, ancestry computed once): lookups, replacement, `in` through several levels,
/// cycles, parents the store does not hold.
@Suite struct EntitiesTests {
    static func uid(_ type: String, _ id: String) -> EntityUID { EntityUID(type, id) }

    /// A hierarchy: member → group → org → region; a cycle a ↔ b; a member whose group is absent;
    /// and `Member::"m"` given twice, the second time with another group (the later one counts).
    static let hierarchy: [Entity] = [
        Entity(uid("Member", "m"), attributes: ["v": .long(1)], parents: [uid("Group", "old")]),
        Entity(uid("Group", "g"), parents: [uid("Org", "o")]),
        Entity(uid("Org", "o"), parents: [uid("Region", "r")]),
        Entity(uid("Node", "a"), parents: [uid("Node", "b")]),
        Entity(uid("Node", "b"), parents: [uid("Node", "a")]),
        Entity(uid("Member", "lost"), parents: [uid("Group", "absent")]),
        Entity(uid("Member", "m"), attributes: ["v": .long(2)], parents: [uid("Group", "g")]),
    ]

    static let questions: [(EntityUID, EntityUID, Bool)] = [
        (uid("Member", "m"), uid("Group", "g"), true), (uid("Member", "m"), uid("Org", "o"), true),
        (uid("Member", "m"), uid("Region", "r"), true), (uid("Member", "m"), uid("Group", "old"), false),
        (uid("Group", "g"), uid("Member", "m"), false), (uid("Node", "a"), uid("Node", "a"), true),
        (uid("Node", "a"), uid("Node", "b"), true), (uid("Node", "b"), uid("Node", "a"), true),
        (uid("Node", "a"), uid("Group", "g"), false), (uid("Member", "lost"), uid("Group", "absent"), true),
        (uid("Member", "nobody"), uid("Group", "g"), false), (uid("Member", "nobody"), uid("Member", "nobody"), true),
    ]

    static func check(_ store: Entities, _ label: String) {
        for (descendant, ancestor, expected) in questions {
            #expect(store.isDescendant(descendant, of: ancestor) == expected, "\(label): \(descendant) in \(ancestor)")
        }
        #expect(store[uid("Member", "m")]?.attributes["v"] == .long(2), "\(label): the later entity replaces the earlier")
        #expect(store[uid("Member", "nobody")] == nil, "\(label)")
        #expect(store.hasAncestors(uid("Member", "m")) && !store.hasAncestors(uid("Region", "r")), "\(label)")
        #expect(!store.hasAncestors(uid("Member", "nobody")), "\(label)")
    }

    @Test func smallAndLargeStoresAnswerAlike() {
        #expect(Self.hierarchy.count < Entities.smallStoreLimit)
        Self.check(Entities(Self.hierarchy), "small")
        // Padding before and after takes the same hierarchy past the small-store limit.
        let padding = (0..<Entities.smallStoreLimit).map { Entity(Self.uid("Pad", String($0))) }
        Self.check(Entities(padding + Self.hierarchy), "large")
        Self.check(Entities(Self.hierarchy + padding), "large, crossing the limit after the hierarchy")
        #expect(Entities(padding + Self.hierarchy).all.count == padding.count + Self.hierarchy.count - 1)
        #expect(Entities(Self.hierarchy).all.count == Self.hierarchy.count - 1)
    }
}
