import Foundation
import TacitCrypto

/// A member session's search cache: the folded text of each entry version searched, keyed by
/// entry id and checked against the stored version at every search. Memory only, in
/// `SecretBytes`, and emptied for good when the session locks: a search still running then
/// cannot put anything back.
final class SearchCache: Sendable {
    /// Folded text kept per session at most (about 64k entries of 1 KiB); beyond it, entries are
    /// decrypted again at each search rather than kept.
    static let byteLimit = 64 << 20

    private struct State: Sendable {
        var items: [EntryID: SearchCacheItem] = [:]
        var bytes = 0
        var closed = false

        mutating func remove(_ id: EntryID) {
            if let old = items.removeValue(forKey: id) { bytes -= old.text.count + old.tags.count }
        }
    }

    private let state = Locked(State())

    /// The items cached now.
    func snapshot() -> [EntryID: SearchCacheItem] { state.withLock { $0.items } }

    /// Adds `fresh` items (replacing older versions) and drops entries that are no longer `live`.
    func store(_ fresh: [EntryID: SearchCacheItem], live: Set<EntryID>) {
        state.withLock { state in
            guard !state.closed else { return }
            for id in state.items.keys.filter({ !live.contains($0) }) { state.remove(id) }
            for (id, item) in fresh {
                state.remove(id)
                let size = item.text.count + item.tags.count
                guard state.bytes + size <= Self.byteLimit else { continue }
                state.items[id] = item
                state.bytes += size
            }
        }
    }

    /// Forgets one entry (edited or deleted by this session).
    func remove(_ id: EntryID) { state.withLock { $0.remove(id) } }

    /// Forgets everything and refuses new items (the session locked).
    func removeAll() {
        // The items are released (and their memory wiped) outside the lock.
        let dropped = state.withLock { state in
            state.closed = true
            state.bytes = 0
            defer { state.items = [:] }
            return state.items
        }
        _ = dropped
    }

    /// How many entries are cached (for tests).
    var count: Int { state.withLock { $0.items.count } }
}
