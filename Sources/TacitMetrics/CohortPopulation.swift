import Foundation

/// Whose activity a release's noisy cells depend on: the cohort's members, and the members on the
/// rosters of the cycles that ended in the period (the support of `cycles-completed`).
///
/// The ledger stores it beside each release, as an opaque blob it never interprets, so that a later
/// release of the same period can be checked against the earlier ones: if the rosters changed by
/// one to four members in between, the difference of two releases would concern only those members,
/// and the new release is withheld (`population-changed`). The blob holds member ids, as the
/// vault's roster tables already do; it never leaves the daemon.
///
/// Encoding (version 1): `u8 1 ‖ u32 n ‖ n × 16-byte id ‖ u32 m ‖ m × 16-byte id`, each list sorted
/// bytewise, big-endian counts. A withheld release stores an empty blob: it has no noisy cell.
struct CohortPopulation: Equatable, Sendable {
    /// Members of the cohort, sorted.
    var members: [UUID]
    /// Members on the rosters of the cycles ending in the period, sorted.
    var cycleMembers: [UUID]

    init(members: some Sequence<UUID>, cycleMembers: some Sequence<UUID>) {
        self.members = Self.sorted(members)
        self.cycleMembers = Self.sorted(cycleMembers)
    }

    /// The blob for the ledger.
    var encoded: [UInt8] {
        var out: [UInt8] = [1]
        for list in [members, cycleMembers] {
            let count = UInt32(list.count)
            out += [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            for id in list { out += Self.bytes(id) }
        }
        return out
    }

    /// Reads a blob; `nil` for an empty one (a withheld release).
    ///
    /// - Throws: `MetricsError.malformedRelease` for a blob that is not version 1.
    init?(decoding blob: [UInt8]) throws {
        guard !blob.isEmpty else { return nil }
        let bad = MetricsError(.malformedRelease, "a stored release's population is damaged")
        guard blob[0] == 1 else { throw bad }
        var offset = 1
        func list() throws -> [UUID] {
            guard blob.count >= offset + 4 else { throw bad }
            let count = blob[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4
            guard blob.count >= offset + 16 * count else { throw bad }
            let ids = (0..<count).map { index in
                let start = offset + 16 * index
                return UUID(uuid: (blob[start], blob[start + 1], blob[start + 2], blob[start + 3], blob[start + 4],
                                   blob[start + 5], blob[start + 6], blob[start + 7], blob[start + 8], blob[start + 9],
                                   blob[start + 10], blob[start + 11], blob[start + 12], blob[start + 13],
                                   blob[start + 14], blob[start + 15]))
            }
            offset += 16 * count
            return ids
        }
        members = try list()
        cycleMembers = try list()
        guard offset == blob.count else { throw bad }
    }

    /// The fewest members by which either list differs from `other`'s, ignoring lists that are
    /// equal: `nil` when nothing differs.
    func smallestChange(from other: CohortPopulation) -> Int? {
        let changes = [Self.symmetricDifference(members, other.members),
                       Self.symmetricDifference(cycleMembers, other.cycleMembers)].filter { $0 > 0 }
        return changes.min()
    }

    private static func symmetricDifference(_ a: [UUID], _ b: [UUID]) -> Int {
        let left = Set(a), right = Set(b)
        return left.symmetricDifference(right).count
    }

    private static func bytes(_ id: UUID) -> [UInt8] {
        withUnsafeBytes(of: id.uuid) { Array($0) }
    }

    /// Distinct ids in bytewise order.
    private static func sorted(_ ids: some Sequence<UUID>) -> [UUID] {
        Set(ids).map { ($0.byteOrderKey, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

extension UUID {
    /// The 16 bytes as two big-endian halves: comparing keys compares the ids bytewise, without
    /// formatting them as strings.
    var byteOrderKey: (UInt64, UInt64) {
        let u = uuid
        let high = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = [u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (high, low)
    }
}
