import TacitCrypto

/// What a cache of this library remembers: values by key, at most `capacity` of them, behind a lock.
/// When full it starts again empty — each cache here holds what is asked again and again (a
/// member's shares, the open cycles, the peers' pins), so the cost of forgetting is one
/// recomputation per key, and no access order has to be kept on the path that reads it.
///
/// Bounded because an unbounded one grew the daemon by 4.4 MiB a minute under a six-minute load.
final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private let values: Locked<[Key: Value]>

    init(capacity: Int) {
        precondition(capacity > 0, "a memo holds at least one value")
        self.capacity = capacity
        values = Locked([:])
    }

    subscript(key: Key) -> Value? { values.withLock { $0[key] } }

    /// Remembers `value` for `key`; when `capacity` values are already kept, forgets them first.
    func remember(_ value: Value, for key: Key) {
        values.withLock { values in
            if values.count >= capacity, values[key] == nil { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
    }

    /// The value for `key`, computed by `make` and remembered when not known yet.
    func value<Failure: Error>(for key: Key, make: () throws(Failure) -> Value) throws(Failure) -> Value {
        if let known = self[key] { return known }
        let made = try make()
        remember(made, for: key)
        return made
    }

    /// How many values are kept (tests).
    var count: Int { values.withLock { $0.count } }
}

/// A memo of keys alone: whether something was seen.
extension BoundedMemo where Value == Void {
    func contains(_ key: Key) -> Bool { self[key] != nil }
    func insert(_ key: Key) { remember((), for: key) }
}
