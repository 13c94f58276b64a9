import Foundation

/// What the daemon's policy gate needs to decide a read of a share, taken from one snapshot of the
/// database: the share's and the entry's clear columns, the author with their groups, the entry's
/// group. Nothing is decrypted.
public struct ShareReadFacts: Sendable {
    public let share: ShareMetadata
    public let entry: EntryMetadata
    public let author: Principal
    public let authorGroups: [GroupID]
    public let group: Group?
}

/// What the policy gate needs to decide a new entry: the cycle it goes to (the one asked for, or the
/// author's current one), that cycle's group, and the author's groups.
public struct EntryWriteFacts: Sendable {
    /// `nil` when the cycle asked for does not exist, or when none was asked for and the author is in
    /// no cycle now.
    public let cycle: Cycle?
    public let group: Group?
    public let authorGroups: [GroupID]
}

extension Vault {
    /// The facts for deciding reads of `shares` by `reader`, and the reader's own groups, in one
    /// read transaction (a share that does not exist, or whose entry or author is gone, is left out).
    ///
    /// - Throws: `VaultError.storage`.
    public func shareReadFacts(_ shares: [ShareID], reader: PrincipalID)
        async throws(VaultError) -> (readerGroups: [GroupID], shares: [ShareID: ShareReadFacts]) {
        // A feed's worth of shares is a bounded read too, but not a short one: off the caller's thread.
        if shares.count > 1 { return try await read { access in try Self.shareReadFacts(shares, reader: reader, access: access) } }
        return try readShort { access in try Self.shareReadFacts(shares, reader: reader, access: access) }
    }

    static func shareReadFacts(_ shares: [ShareID], reader: PrincipalID, access: StorageAccess)
        throws -> (readerGroups: [GroupID], shares: [ShareID: ShareReadFacts]) {
        var facts: [ShareID: ShareReadFacts] = [:]
        var groupsOf: [PrincipalID: [GroupID]] = [reader: try access.groupIDs(of: reader)]
        for id in shares {
            guard let rows = try ShareRows.load(id, access: access) else { continue }
            let author = rows.share.author
            let authorGroups = try groupsOf[author] ?? access.groupIDs(of: author)
            groupsOf[author] = authorGroups
            facts[id] = try ShareReadFacts(rows, authorGroups: authorGroups, access: access)
        }
        return (groupsOf[reader] ?? [], facts)
    }

    /// The facts for deciding a new entry by `author` in `cycle` (or their current cycle), in one
    /// read transaction.
    ///
    /// - Throws: `VaultError.storage`.
    public func entryWriteFacts(author: PrincipalID, cycle requested: CycleID?) async throws(VaultError) -> EntryWriteFacts {
        let date = now
        return try readShort { access in try self.entryWriteFacts(author: author, cycle: requested, access: access, at: date) }
    }

    /// `entryWriteFacts` inside a transaction the caller holds (the write itself, see
    /// `MemberSession.writeEntry(_:deciding:)`).
    ///
    /// The author's groups and their cycles come from one statement; only a cycle asked for
    /// outside them (which the decision then refuses) is looked up on its own.
    func entryWriteFacts(author: PrincipalID, cycle requested: CycleID?, access: StorageAccess, at date: Date) throws -> EntryWriteFacts {
        let groups = try access.groupsWithCycles(of: author)
        let cycle: Cycle?
        if let requested {
            cycle = try groups.lazy.flatMap(\.cycles).first { $0.id == requested } ?? access.cycle(requested)
        } else {
            cycle = currentCycle(among: groups.flatMap(\.cycles), at: date)
        }
        let group = try cycle.flatMap { cycle in try groups.first { $0.group.id == cycle.group }?.group ?? access.group(cycle.group) }
        return EntryWriteFacts(cycle: cycle, group: group, authorGroups: groups.map(\.group.id))
    }
}

extension ShareReadFacts {
    /// The facts of a share from its rows, read in the same transaction; the entry's group is read here.
    init(_ rows: ShareRows, authorGroups: [GroupID], access: StorageAccess) throws {
        self.init(rows, authorGroups: authorGroups, group: try rows.entry.columns.group.flatMap { try access.group($0) })
    }

    /// The facts of a share from its rows and the entry's group, read in the same transaction.
    init(_ rows: ShareRows, authorGroups: [GroupID], group: Group?) {
        self.init(share: Vault.metadata(rows.share), entry: EntryMetadata(rows.entry.columns), author: rows.author.principal,
                  authorGroups: authorGroups, group: group)
    }
}
