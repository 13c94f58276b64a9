import Testing
@testable import TacitPolicy

/// A set answers the same whether it is small (scanned) or large (hashed): duplicates dropped,
/// membership, equality and hashing regardless of order, and sets of sets.
@Suite struct ValueSetTests {
    static func members(_ count: Int) -> [Value] {
        (0..<count).map { .entity(EntityUID("Member", "m\($0)")) }
    }

    @Test(arguments: [0, 1, ValueSet.smallLimit, ValueSet.smallLimit + 1, 3 * ValueSet.smallLimit])
    func setsOfEverySizeAnswerAlike(count: Int) {
        let values = Self.members(count)
        // Each value twice, the second round reversed: duplicates are dropped, first-seen order kept.
        let set = ValueSet(values + values.reversed())
        #expect(set.count == count)
        #expect(set.elements == values)
        for value in values { #expect(set.contains(value)) }
        #expect(!set.contains(.entity(EntityUID("Member", "outsider"))))
        #expect(!set.contains(.string("m0")), "a string is not the entity of the same id")

        let shuffled = ValueSet(values.shuffled())
        #expect(set == shuffled)
        #expect(set.hashValue == shuffled.hashValue)
        #expect(Set([Value.set(set), Value.set(shuffled)]).count == 1, "equal sets are one element of a set")
        if count > 0 {
            let fewer = ValueSet(values.dropLast())
            #expect(set != fewer && fewer != set)
            let swapped = ValueSet(values.dropLast() + [.entity(EntityUID("Member", "other"))])
            #expect(set != swapped && swapped != set)
        }
    }

    @Test func aSmallAndALargeSetAreEqualWhenTheyHoldTheSame() {
        // The same elements, reached once by growing past the limit and once by starting past it.
        let values = Self.members(ValueSet.smallLimit + 3)
        let grown = ValueSet(values)
        let large = ValueSet(values.reversed())
        #expect(grown == large && grown.hashValue == large.hashValue)
        #expect(ValueSet(values.prefix(2)) != grown)
    }
}
