import Foundation

/// A share's clear columns: what the policy engine needs to decide a read before anything is
/// decrypted.
public struct ShareMetadata: Sendable, Equatable, Identifiable {
    /// The share's id.
    public let id: ShareID
    /// The shared entry.
    public let entry: EntryID
    /// Who shared it.
    public let author: PrincipalID
    /// The entry's group.
    public let group: GroupID?
    /// The audience snapshot taken when sharing.
    public let readers: [PrincipalID]
    /// The entry version sealed.
    public let version: Int
    /// When it ends.
    public let expiresAt: Date
    /// When it was made.
    public let createdAt: Date
    /// Shared with the group (its roster when shared) rather than with chosen members; signed
    /// with the share. What the session-2 agenda lists.
    public let toGroup: Bool
}

extension Vault {
    /// An entry's clear columns (no decryption), or `nil` when it does not exist.
    ///
    /// - Throws: `VaultError.storage`.
    public func entryMetadata(_ id: EntryID) async throws(VaultError) -> EntryMetadata? {
        try readShort { try $0.entry(id).map { EntryMetadata($0.columns) } }
    }

    /// A share's clear columns, or `nil` when it does not exist (revoked shares are deleted).
    ///
    /// - Throws: `VaultError.storage`.
    public func shareMetadata(_ id: ShareID) async throws(VaultError) -> ShareMetadata? {
        try readShort { try $0.share(id).map(Self.metadata) }
    }

    /// The live shares of an entry, clear columns only.
    ///
    /// - Throws: `VaultError.storage`.
    public func shareMetadata(ofEntry id: EntryID) async throws(VaultError) -> [ShareMetadata] {
        try readShort { try $0.shares(of: id).map(Self.metadata) }
    }

    /// The shares with the group of the entries in `cycle` that have not ended at `now` (clear
    /// columns only): what the session-2 agenda can list, whether or not its reader holds a seal.
    ///
    /// - Throws: `VaultError.storage`.
    public func groupShares(inCycle cycle: CycleID, now: Date) async throws(VaultError) -> [ShareMetadata] {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await read { try $0.groupShares(inCycle: cycle, at: seconds).map(Self.metadata) }
    }

    /// How many entries of `cycle` were shared with the group and have no group share left that
    /// runs at `now` (each ended at the end its author signed).
    ///
    /// - Throws: `VaultError.storage`.
    public func endedGroupShares(inCycle cycle: CycleID, now: Date) async throws(VaultError) -> Int {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await read { try $0.entriesWithEndedGroupShares(inCycle: cycle, at: seconds).count }
    }

    /// The groups `principal` belongs to now, by id.
    ///
    /// - Throws: `VaultError.storage`.
    public func groupIDs(of principal: PrincipalID) async throws(VaultError) -> [GroupID] {
        try readShort { try $0.groupIDs(of: principal) }
    }

    static func metadata(_ row: ShareRow) -> ShareMetadata {
        let readers = stride(from: 0, to: row.audience.count - row.audience.count % 16, by: 16).map { start in
            let b = Array(row.audience[start..<(start + 16)])
            return PrincipalID(UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                                           b[12], b[13], b[14], b[15])))
        }
        return ShareMetadata(id: row.id, entry: row.entry, author: row.author, group: row.group, readers: readers,
                             version: row.version, expiresAt: Date(timeIntervalSince1970: TimeInterval(row.expiresAt)),
                             createdAt: Date(timeIntervalSince1970: TimeInterval(row.createdAt)), toGroup: row.toGroup)
    }
}

extension Vault {
    /// How many passphrase derivations (scrypt) this vault has run: lets tests check that an
    /// unknown name costs the same work as a known one, without timing anything.
    public var derivationsRun: Int { gate.started }
}

extension Vault {
    /// The ids of `author`'s entries that have a live (unexpired) share: what listings mark as shared.
    ///
    /// - Throws: `VaultError.storage`.
    public func sharedEntryIDs(of author: PrincipalID, now: Date) async throws(VaultError) -> [EntryID] {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        return try await read { try $0.liveSharedEntries(of: author, at: seconds) }
    }
}
