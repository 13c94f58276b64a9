import Foundation
import GRDB
import GRDBSQLite

// Rows are decoded with GRDB's throwing accessors, never its subscripts: a damaged database (a
// renamed column, a NULL or a value that cannot be converted) must give an error, and the
// subscripts trap instead. Ids, blobs, text and integers are read as SQLite's statement converts
// them (an integer where text belongs reads as its digits); what the vault trusts is authenticated
// after decoding, so a converted value fails there.
extension Row {
    func id<K>(_ column: String) throws -> VaultID<K> { VaultID(try decode(UUID.self, forColumn: column)) }
    func optionalID<K>(_ column: String) throws -> VaultID<K>? { try decode(UUID?.self, forColumn: column).map(VaultID.init) }
    func bytes(_ column: String) throws -> [UInt8] { [UInt8](try decode(Data.self, forColumn: column)) }

    /// A count (version, counter, sequence, parameter) that is at least `minimum`: a damaged value
    /// is a tampering error here, not a trap later where it becomes unsigned.
    func count(_ column: String, atLeast minimum: Int) throws -> Int {
        let value = try decode(Int.self, forColumn: column)
        guard value >= minimum else { throw VaultError.tampered("a stored \(column.replacingOccurrences(of: "_", with: " "))") }
        return value
    }

    /// `count(_:atLeast:)` by column index, for the scans that select few columns.
    func count(atIndex index: Int, atLeast minimum: Int, what: String) throws -> Int {
        let value = try decode(Int.self, atIndex: index)
        guard value >= minimum else { throw VaultError.tampered("a stored \(what)") }
        return value
    }
}

/// Reads a row's columns in the order its SELECT lists them (each decoder sits next to its list),
/// from a GRDB `Row` or straight from the statement that holds the row (`ColumnCursor`).
/// GRDB's lookup by name lowercases the name at every access, which was a twentieth of a shared
/// read; a damaged value (NULL where a value belongs, a value that does not convert) is still an
/// error, never a trap.
struct ColumnReader {
    private enum Source {
        case row(Row)
        case statement(SQLiteStatement)
    }

    private let source: Source
    private var index = 0

    init(_ row: Row) { source = .row(row) }

    /// Reads the row the statement stands on; valid until its next step.
    init(statement: SQLiteStatement) { source = .statement(statement) }

    /// Whether the next column is NULL.
    var nextIsNull: Bool {
        switch source {
        case .row(let row): row.hasNull(atIndex: index)
        case .statement(let statement): sqlite3_column_type(statement, CInt(index)) == SQLITE_NULL
        }
    }

    mutating func next<Value: DatabaseValueConvertible>(_ type: Value.Type = Value.self) throws -> Value {
        defer { index += 1 }
        switch source {
        case .row(let row):
            return try row.decode(Value.self, atIndex: index)
        case .statement(let statement):
            guard let value = Value.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: CInt(index))) else {
                throw Self.damaged(index)
            }
            return value
        }
    }

    /// The same for the types SQLite's statement hands over directly (ids, blobs, text, integers
    /// and their optionals): read without a `DatabaseValue` in between (the other way was a
    /// twentieth of a shared read). A value of another storage class is converted as SQLite
    /// converts it.
    mutating func next<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ type: Value.Type = Value.self) throws -> Value {
        defer { index += 1 }
        switch source {
        case .row(let row):
            return try row.decode(Value.self, atIndex: index)
        case .statement(let statement):
            guard let value = Value.fromStatement(statement, atUncheckedIndex: CInt(index)) else { throw Self.damaged(index) }
            return value
        }
    }

    mutating func id<K>() throws -> VaultID<K> { VaultID(try next(UUID.self)) }
    mutating func optionalID<K>() throws -> VaultID<K>? { try next(UUID?.self).map(VaultID.init) }
    mutating func bytes() throws -> [UInt8] { [UInt8](try next(Data.self)) }

    /// Passes over `count` columns (the rest of a LEFT JOIN's columns that matched no row).
    mutating func skip(_ count: Int) { index += count }

    /// `Row.count(_:atLeast:)` for the next column; `what` names it in the error.
    mutating func count(atLeast minimum: Int, what: String) throws -> Int {
        let value = try next(Int.self)
        guard value >= minimum else { throw VaultError.tampered("a stored \(what)") }
        return value
    }

    private static func damaged(_ column: Int) -> VaultError {
        VaultError(.storage, "a stored value that does not decode (column \(column))")
    }
}

/// The rows of a statement, each handed to `decode` as a `ColumnReader` on the statement itself.
/// GRDB's `Row.fetchCursor` builds a dictionary of lowercased column names for every cursor
/// (2.5% of the daemon's CPU serving shared reads at eight connections: 40 columns in one of them).
final class ColumnCursor<Element>: DatabaseCursor {
    let _statement: Statement
    var _isDone = false
    private let decode: (inout ColumnReader) throws -> Element

    init(_ statement: Statement, arguments: StatementArguments, decode: @escaping (inout ColumnReader) throws -> Element) throws {
        _statement = statement
        self.decode = decode
        try statement.setArguments(arguments) // resets the statement, then binds and checks them
    }

    deinit {
        // As GRDB's cursors do: the statement stops standing on a row (and holding its read).
        sqlite3_reset(_statement.sqliteStatement)
    }

    func _element(sqliteStatement: SQLiteStatement) throws -> Element {
        var reader = ColumnReader(statement: sqliteStatement)
        return try decode(&reader)
    }
}

extension Array where Element == UInt8 {
    var data: Data { Data(self) }
}

extension StorageAccess {
    /// The first row of `sql`, decoded while the statement still holds it. GRDB's `Row.fetchOne`
    /// first copies every column into a row of its own; the hot lookups decode in place (the same
    /// throwing accessors, so a damaged value is still an error). `decode` must not keep the row.
    func first<T>(_ sql: String, _ arguments: StatementArguments = StatementArguments(),
                  _ decode: (inout ColumnReader) throws -> T) throws -> T? {
        try withoutActuallyEscaping(decode) { decode in
            try ColumnCursor(statement(sql), arguments: arguments, decode: decode).next()
        }
    }

    /// Every row of `sql`, each decoded in place as `first` does.
    func each<T>(_ sql: String, _ arguments: StatementArguments = StatementArguments(),
                 _ decode: (inout ColumnReader) throws -> T) throws -> [T] {
        try withoutActuallyEscaping(decode) { decode in
            let rows = try ColumnCursor(statement(sql), arguments: arguments, decode: decode)
            var values: [T] = []
            while let value = try rows.next() { values.append(value) }
            return values
        }
    }
}

// MARK: Instance

extension StorageAccess {
    func instanceState() throws -> InstanceState {
        guard let row = try Row.fetchOne(statement("SELECT write_counter, audit_head FROM instance_state WHERE id = 1")) else {
            throw VaultError(.integrityViolation, "the instance state row is missing")
        }
        return InstanceState(writeCounter: UInt64(try row.count("write_counter", atLeast: 0)), auditHead: (try row.bytes("audit_head")))
    }

    func advanceWriteCounter() throws {
        try execute("UPDATE instance_state SET write_counter = write_counter + 1 WHERE id = 1")
        guard db.changesCount == 1 else { throw VaultError(.integrityViolation, "the instance state row is missing") }
    }

    func setAuditHead(_ head: [UInt8]) throws {
        try execute("UPDATE instance_state SET audit_head = ? WHERE id = 1", [head.data])
    }

    /// Inserts one record; the caller sets the head once, after the last record of its batch.
    func insertAuditRecord(sequence: Int64, record: [UInt8], hash: [UInt8]) throws {
        try execute("INSERT INTO audit_record (sequence, record, hash) VALUES (?, ?, ?)",
                    [sequence, record.data, hash.data])
    }

    /// The stored hash of audit record 1, if there is one.
    func firstAuditHash() throws -> [UInt8]? {
        try Data.fetchOne(statement("SELECT hash FROM audit_record WHERE sequence = 1")).map { [UInt8]($0) }
    }

    /// Whether the log holds a record with this hash; the empty log's head (32 zero bytes) is in
    /// every log. A scan: asked only when a database opens ahead of its anchor.
    func hasAuditRecord(hash: [UInt8]) throws -> Bool {
        if hash.allSatisfy({ $0 == 0 }) { return true }
        return try Bool.fetchOne(statement("SELECT EXISTS (SELECT 1 FROM audit_record WHERE hash = ?)"), arguments: [Data(hash)]) ?? false
    }

    func lastAuditSequence() throws -> Int64 {
        try Int64.fetchOne(statement("SELECT MAX(sequence) FROM audit_record")) ?? 0
    }

    /// Calls `body` with each audit record, oldest first, one row at a time: the log only grows,
    /// and a check or a listing of it must not hold all of it in memory. The sequence is as stored
    /// (the caller judges it).
    func forEachAuditRecord(_ body: (_ sequence: Int64, _ record: [UInt8], _ hash: [UInt8]) throws -> Void) throws {
        let cursor = try Row.fetchCursor(statement("SELECT sequence, record, hash FROM audit_record ORDER BY sequence"))
        while let row = try cursor.next() {
            try body(try row.decode(Int64.self, forColumn: "sequence"), try row.bytes("record"), try row.bytes("hash"))
        }
    }

    /// The latest `limit` audit records, oldest first (the sequence as stored).
    func latestAuditRecords(_ limit: Int) throws -> [(sequence: Int64, record: [UInt8], hash: [UInt8])] {
        try Row.fetchAll(statement("SELECT sequence, record, hash FROM audit_record ORDER BY sequence DESC LIMIT ?"),
                         arguments: [limit]).reversed().map {
            (try $0.decode(Int64.self, forColumn: "sequence"), try $0.bytes("record"), try $0.bytes("hash"))
        }
    }
}

// MARK: Principals and enrollment

extension StorageAccess {
    private static let principalColumns = """
        id, name, role, disabled, created_at, salt, scrypt_log2n, scrypt_r, scrypt_p, wrapped_root_pass,
        wrapped_root_recovery, x25519_public, ed25519_public, x25519_private, ed25519_private
        """

    private static let principalByName = "SELECT \(principalColumns) FROM principal WHERE name = ?"
    private static let principalByID = "SELECT \(principalColumns) FROM principal WHERE id = ?"

    /// Decodes a row of `principalColumns`, in that order.
    private func principalRow(_ row: Row) throws -> PrincipalRow {
        var c = ColumnReader(row)
        return try principalRow(&c)
    }

    /// Decodes the next columns of `c` as `principalColumns`.
    private func principalRow(_ c: inout ColumnReader) throws -> PrincipalRow {
        let id: PrincipalID = try c.id()
        let name: String = try c.next()
        guard let role = PrincipalRole(rawValue: try c.next(String.self)) else {
            throw VaultError(.integrityViolation, "a principal has an unknown role")
        }
        return PrincipalRow(id: id, name: name, role: role, disabled: try c.next(), createdAt: try c.next(), salt: try c.bytes(),
                            log2N: try c.count(atLeast: 1, what: "scrypt log2n"), r: try c.count(atLeast: 1, what: "scrypt r"),
                            p: try c.count(atLeast: 1, what: "scrypt p"), wrappedRootPass: try c.bytes(),
                            wrappedRootRecovery: try c.bytes(), agreementPublic: try c.bytes(), signingPublic: try c.bytes(),
                            agreementPrivateWrapped: try c.bytes(), signingPrivateWrapped: try c.bytes())
    }

    func insertPrincipal(_ p: PrincipalRow) throws {
        try execute("INSERT INTO principal (\(Self.principalColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [p.id.uuid, p.name, p.role.rawValue, p.disabled, p.createdAt, p.salt.data, p.log2N, p.r, p.p,
                     p.wrappedRootPass.data, p.wrappedRootRecovery.data, p.agreementPublic.data,
                     p.signingPublic.data, p.agreementPrivateWrapped.data, p.signingPrivateWrapped.data])
    }

    func principal(named name: String) throws -> PrincipalRow? {
        try first(Self.principalByName, [name]) { try self.principalRow(&$0) }
    }

    func principal(_ id: PrincipalID) throws -> PrincipalRow? {
        try first(Self.principalByID, [id.uuid]) { try self.principalRow(&$0) }
    }

    /// The members of `group` who take part (not disabled), in one statement that reads no key
    /// material.
    func activeMembers(of group: GroupID) throws -> Set<PrincipalID> {
        Set(try UUID.fetchAll(statement("""
            SELECT m.principal_id FROM membership m JOIN principal p ON p.id = m.principal_id
            WHERE m.group_id = ? AND p.disabled = 0
            """), arguments: [group.uuid]).map(PrincipalID.init))
    }

    func principals() throws -> [PrincipalRow] {
        try each("SELECT \(Self.principalColumns) FROM principal ORDER BY name") { try self.principalRow(&$0) }
    }

    func updatePassphraseWrap(_ id: PrincipalID, salt: [UInt8], log2N: Int, r: Int, p: Int, wrapped: [UInt8]) throws {
        try execute("""
            UPDATE principal SET salt = ?, scrypt_log2n = ?, scrypt_r = ?, scrypt_p = ?, wrapped_root_pass = ? WHERE id = ?
            """, [salt.data, log2N, r, p, wrapped.data, id.uuid])
    }

    func updateRootWraps(_ id: PrincipalID, recovery: [UInt8], agreementPrivate: [UInt8], signingPrivate: [UInt8]) throws {
        try execute("""
            UPDATE principal SET wrapped_root_recovery = ?, x25519_private = ?, ed25519_private = ? WHERE id = ?
            """, [recovery.data, agreementPrivate.data, signingPrivate.data, id.uuid])
    }

    func setDisabled(_ id: PrincipalID, _ disabled: Bool) throws -> Bool {
        try execute("UPDATE principal SET disabled = ? WHERE id = ?", [disabled, id.uuid])
        return db.changesCount == 1
    }

    func insertEnrollmentCode(_ c: EnrollmentCodeRow) throws {
        try execute("""
            INSERT INTO enrollment_code (code_hash, name, role, group_id, expires_at, used_at, facilitator)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [c.codeHash.data, c.name, c.role.rawValue, c.group?.uuid, c.expiresAt, c.usedAt, c.facilitator])
    }

    /// Deletes the unused codes of `name`; returns how many there were.
    @discardableResult
    func dropUnusedEnrollmentCodes(for name: String) throws -> Int {
        try execute("DELETE FROM enrollment_code WHERE name = ? AND used_at IS NULL", [name])
        return db.changesCount
    }

    /// How many of `name`'s unused codes still work at `now` (not expired).
    func liveEnrollmentCodes(for name: String, now: Int64) throws -> Int {
        try Int.fetchOne(statement("SELECT COUNT(*) FROM enrollment_code WHERE name = ? AND used_at IS NULL AND expires_at > ?"),
                         arguments: [name, now]) ?? 0
    }

    /// The codes given to a name and not used yet (expired ones too), by name.
    func unusedEnrollmentCodes() throws -> [EnrollmentCodeRow] {
        try Row.fetchAll(statement("""
            SELECT code_hash, name, role, group_id, expires_at, facilitator FROM enrollment_code
            WHERE used_at IS NULL AND name IS NOT NULL ORDER BY name
            """)).map {
            EnrollmentCodeRow(codeHash: try $0.bytes("code_hash"), name: try $0.decode(forColumn: "name"),
                              role: PrincipalRole(rawValue: try $0.decode(forColumn: "role")) ?? .member,
                              group: try $0.optionalID("group_id"), expiresAt: try $0.decode(forColumn: "expires_at"), usedAt: nil,
                              facilitator: try $0.decode(forColumn: "facilitator"))
        }
    }

    func enrollmentCode(hash: [UInt8]) throws -> EnrollmentCodeRow? {
        try Row.fetchOne(statement("SELECT * FROM enrollment_code WHERE code_hash = ?"), arguments: [hash.data]).map {
            EnrollmentCodeRow(codeHash: (try $0.bytes("code_hash")), name: (try $0.decode(forColumn: "name")),
                              role: PrincipalRole(rawValue: (try $0.decode(forColumn: "role"))) ?? .member, group: (try $0.optionalID("group_id")),
                              expiresAt: (try $0.decode(forColumn: "expires_at")), usedAt: (try $0.decode(forColumn: "used_at")), facilitator: (try $0.decode(forColumn: "facilitator")))
        }
    }

    func markEnrollmentCodeUsed(hash: [UInt8], at time: Int64) throws {
        try execute("UPDATE enrollment_code SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
                    [time, hash.data])
        guard db.changesCount == 1 else { throw VaultError(.enrollmentCodeUsed, "this enrollment code was already used") }
    }
}

// MARK: Capture tokens

extension StorageAccess {
    func insertCaptureToken(hash: [UInt8], principal: PrincipalID, at time: Int64) throws {
        try execute("INSERT INTO capture_token (token_hash, principal_id, created_at) VALUES (?, ?, ?)",
                    [hash.data, principal.uuid, time])
    }

    func captureTokenPrincipal(hash: [UInt8]) throws -> PrincipalID? {
        try Row.fetchOne(statement("SELECT principal_id FROM capture_token WHERE token_hash = ?"), arguments: [hash.data])
            .map { (try $0.id("principal_id")) }
    }

    func deleteCaptureTokens(of principal: PrincipalID) throws {
        try execute("DELETE FROM capture_token WHERE principal_id = ?", [principal.uuid])
    }
}

// MARK: Groups and cycles

extension StorageAccess {
    private static let groupColumns = "id, name, facilitator_id, created_at"
    private static let groupByID = "SELECT \(groupColumns) FROM tacit_group WHERE id = ?"
    private static let groupsOfMember = """
        SELECT g.id, g.name, g.facilitator_id, g.created_at FROM tacit_group g JOIN membership m ON m.group_id = g.id
        WHERE m.principal_id = ? ORDER BY g.name
        """

    /// Decodes a row of `groupColumns`, in that order.
    private func groupValue(_ row: Row) throws -> Group {
        var c = ColumnReader(row)
        return try groupValue(&c)
    }

    /// Decodes `groupColumns` from where `c` stands.
    private func groupValue(_ c: inout ColumnReader) throws -> Group {
        Group(id: try c.id(), name: try c.next(), facilitator: try c.optionalID(),
              createdAt: Date(timeIntervalSince1970: Double(try c.next(Int64.self))))
    }

    func insertGroup(_ g: Group) throws {
        try execute("INSERT INTO tacit_group (id, name, facilitator_id, created_at) VALUES (?, ?, ?, ?)",
                    [g.id.uuid, g.name, g.facilitator?.uuid, Int64(g.createdAt.timeIntervalSince1970)])
    }

    func group(_ id: GroupID) throws -> Group? {
        try first(Self.groupByID, [id.uuid]) { try self.groupValue(&$0) }
    }

    func group(named name: String) throws -> Group? {
        try first("SELECT \(Self.groupColumns) FROM tacit_group WHERE name = ?", [name]) { try self.groupValue(&$0) }
    }

    func groups() throws -> [Group] {
        try each("SELECT \(Self.groupColumns) FROM tacit_group ORDER BY name") { try self.groupValue(&$0) }
    }

    /// The ids of `member`'s groups (by id): what a policy decision needs, from the membership
    /// index alone.
    /// The groups of two principals (`first` may be `second`), in one statement, each list in
    /// `groupIDs(of:)`'s order. Two index lookups rather than `IN (…) ORDER BY`, for which SQLite
    /// built a temporary table and a sorter at every call.
    func groupIDs(of first: PrincipalID, and second: PrincipalID) throws -> (first: [GroupID], second: [GroupID]) {
        var groups: (first: [GroupID], second: [GroupID]) = ([], [])
        _ = try each("""
            SELECT 0, group_id FROM membership WHERE principal_id = ? UNION ALL
            SELECT 1, group_id FROM membership WHERE principal_id = ?
            """, [first.uuid, second.uuid]) { c in
            let which = try c.next(Int.self), group: GroupID = try c.id()
            if which == 0 { groups.first.append(group) } else { groups.second.append(group) }
        }
        // SQLite's order of BLOBs: bytewise.
        let bytewise: (GroupID, GroupID) -> Bool = { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        return (groups.first.sorted(by: bytewise), groups.second.sorted(by: bytewise))
    }

    func groupIDs(of member: PrincipalID) throws -> [GroupID] {
        try UUID.fetchAll(statement("SELECT group_id FROM membership WHERE principal_id = ? ORDER BY group_id"),
                          arguments: [member.uuid]).map(GroupID.init)
    }

    func groups(of member: PrincipalID) throws -> [Group] {
        try each(Self.groupsOfMember, [member.uuid]) { try self.groupValue(&$0) }
    }

    func setFacilitator(_ group: GroupID, _ principal: PrincipalID) throws {
        try execute("UPDATE tacit_group SET facilitator_id = ? WHERE id = ?", [principal.uuid, group.uuid])
    }

    func clearFacilitator(_ group: GroupID, ifItIs principal: PrincipalID) throws {
        try execute("UPDATE tacit_group SET facilitator_id = NULL WHERE id = ? AND facilitator_id = ?", [group.uuid, principal.uuid])
    }

    func members(of group: GroupID) throws -> [PrincipalID] {
        try UUID.fetchAll(statement("SELECT principal_id FROM membership WHERE group_id = ?"), arguments: [group.uuid])
            .map(PrincipalID.init)
    }

    func isMember(_ principal: PrincipalID, of group: GroupID) throws -> Bool {
        try Bool.fetchOne(statement("SELECT 1 FROM membership WHERE group_id = ? AND principal_id = ?"),
                          arguments: [group.uuid, principal.uuid]) ?? false
    }

    func addMembership(_ group: GroupID, _ principal: PrincipalID, at time: Int64) throws {
        try execute("INSERT OR IGNORE INTO membership (group_id, principal_id, joined_at) VALUES (?, ?, ?)",
                    [group.uuid, principal.uuid, time])
    }

    func removeMembership(_ group: GroupID, _ principal: PrincipalID) throws -> Bool {
        try execute("DELETE FROM membership WHERE group_id = ? AND principal_id = ?",
                    [group.uuid, principal.uuid])
        return db.changesCount == 1
    }

    private static let cycleColumns = "id, group_id, session1_at, session2_at, session_minutes, created_at"

    /// Decodes a row of `cycleColumns`, in that order.
    private func cycleValue(_ row: Row) throws -> Cycle {
        var c = ColumnReader(row)
        return try cycleValue(&c)
    }

    private func cycleValue(_ c: inout ColumnReader) throws -> Cycle {
        Cycle(id: try c.id(), group: try c.id(),
              session1: Date(timeIntervalSince1970: Double(try c.next(Int64.self))),
              session2: Date(timeIntervalSince1970: Double(try c.next(Int64.self))),
              sessionMinutes: try c.next(),
              createdAt: Date(timeIntervalSince1970: Double(try c.next(Int64.self))))
    }

    private static let groupsWithCyclesOfMember = """
        SELECT g.id, g.name, g.facilitator_id, g.created_at,
               c.id, c.group_id, c.session1_at, c.session2_at, c.session_minutes, c.created_at
        FROM membership m JOIN tacit_group g ON g.id = m.group_id LEFT JOIN cycle c ON c.group_id = g.id
        WHERE m.principal_id = ? ORDER BY g.name, c.session1_at
        """

    /// `member`'s groups (by name) with each group's cycles (by session 1), in one statement: what
    /// a new entry's decision and the current cycle need, in place of two statements.
    func groupsWithCycles(of member: PrincipalID) throws -> [(group: Group, cycles: [Cycle])] {
        let rows = try each(Self.groupsWithCyclesOfMember, [member.uuid]) { c -> (Group, Cycle?) in
            let group = try groupValue(&c)
            // A group without cycles comes as one row whose cycle columns are NULL.
            return (group, c.nextIsNull ? nil : try cycleValue(&c))
        }
        var result: [(group: Group, cycles: [Cycle])] = []
        for (group, cycle) in rows {
            if result.last?.group.id != group.id { result.append((group, [])) }
            if let cycle { result[result.count - 1].cycles.append(cycle) }
        }
        return result
    }

    func insertCycle(_ c: Cycle) throws {
        try execute("""
            INSERT INTO cycle (id, group_id, session1_at, session2_at, session_minutes, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [c.id.uuid, c.group.uuid, Int64(c.session1.timeIntervalSince1970),
                  Int64(c.session2.timeIntervalSince1970), c.sessionMinutes, Int64(c.createdAt.timeIntervalSince1970)])
    }

    func cycle(_ id: CycleID) throws -> Cycle? {
        try first("SELECT \(Self.cycleColumns) FROM cycle WHERE id = ?", [id.uuid]) { try self.cycleValue(&$0) }
    }

    /// Deletes a cycle; its group objects and their seals go with it (`ON DELETE CASCADE`).
    func deleteCycle(_ id: CycleID) throws {
        try execute("DELETE FROM cycle WHERE id = ?", [id.uuid])
    }

    /// Moves a cycle's sessions (their lengths and everything sealed in the cycle stay).
    func updateSchedule(of id: CycleID, session1: Date, session2: Date) throws {
        try execute("UPDATE cycle SET session1_at = ?, session2_at = ? WHERE id = ?",
                    [Int64(session1.timeIntervalSince1970), Int64(session2.timeIntervalSince1970), id.uuid])
    }

    /// The live shares (ending after `now`) of entries in cycle `id` that end before `close`: how
    /// many, when the first ends, and how many of them are to the group and end before `session2`.
    /// Counted among the shares `viewer` may know of — to the group, theirs, or sealed to them: a
    /// share between two other members is theirs alone, not even as a number.
    func sharesEnding(inCycle id: CycleID, before close: Int64, session2: Int64, after now: Int64,
                      visibleTo viewer: PrincipalID) throws -> SharesEndingEarly {
        let row = try Row.fetchOne(statement("""
            SELECT COUNT(*) AS n, MIN(share.expires_at) AS first,
                   COALESCE(SUM(share.to_group AND share.expires_at <= ?), 0) AS agenda
            FROM share JOIN entry ON entry.id = share.entry_id
            WHERE entry.cycle_id = ? AND share.expires_at > ? AND share.expires_at < ?
              AND (share.to_group = 1 OR share.author_id = ?
                   OR EXISTS (SELECT 1 FROM share_seal WHERE share_seal.share_id = share.id AND share_seal.reader_id = ?))
            """), arguments: [session2, id.uuid, now, close, viewer.uuid, viewer.uuid])
        let count: Int = row?["n"] ?? 0
        let first: Int64? = row?["first"]
        return SharesEndingEarly(count: count, first: first.map { Date(timeIntervalSince1970: Double($0)) },
                                 groupSharesGoneBySession2: row?["agenda"] ?? 0)
    }

    func countEntries(inCycle id: CycleID) throws -> Int {
        try Int.fetchOne(statement("SELECT COUNT(*) FROM entry WHERE cycle_id = ?"), arguments: [id.uuid]) ?? 0
    }

    func cycles(in group: GroupID) throws -> [Cycle] {
        try each("SELECT \(Self.cycleColumns) FROM cycle WHERE group_id = ? ORDER BY session1_at", [group.uuid]) { try self.cycleValue(&$0) }
    }
}

// MARK: Entries

extension StorageAccess {
    private static let entryColumns =
        "id, author_id, group_id, cycle_id, kind, iso_week, size_bucket, version, ciphertext, wrapped_key, needs_rekey"

    private static let entryByID = "SELECT \(entryColumns) FROM entry WHERE id = ?"

    /// Decodes a row of `entryColumns`, in that order.
    private func entryRow(_ row: Row) throws -> EntryRow {
        var c = ColumnReader(row)
        return try entryRow(&c)
    }

    /// Decodes the next columns of `c` as `entryColumns`.
    private func entryRow(_ c: inout ColumnReader) throws -> EntryRow {
        let id: EntryID = try c.id(), author: PrincipalID = try c.id()
        let group: GroupID? = try c.optionalID(), cycle: CycleID? = try c.optionalID()
        guard let kind = EntryKind(rawValue: try c.next(String.self)) else { throw VaultError.tampered("an entry's kind") }
        let columns = EntryColumns(id: id, author: author, group: group, cycle: cycle, kind: kind, isoWeek: try c.next(),
                                   sizeBucket: try c.count(atLeast: 0, what: "size bucket"),
                                   version: try c.count(atLeast: 1, what: "version"))
        return EntryRow(columns: columns, ciphertext: try c.bytes(), wrappedKey: try c.bytes(), needsRekey: try c.next())
    }

    func insertEntry(_ e: EntryRow) throws {
        let c = e.columns
        try execute("INSERT INTO entry (\(Self.entryColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [c.id.uuid, c.author.uuid, c.group?.uuid, c.cycle?.uuid, c.kind.rawValue, c.isoWeek,
                     c.sizeBucket, c.version, e.ciphertext.data, e.wrappedKey.data, e.needsRekey])
    }

    /// Replaces an entry version in place; `previousVersion` guards against a lost update.
    func replaceEntry(_ e: EntryRow, previousVersion: Int) throws {
        let c = e.columns
        try execute("""
            UPDATE entry SET kind = ?, iso_week = ?, size_bucket = ?, version = ?, ciphertext = ?, wrapped_key = ?,
            needs_rekey = ?, group_id = ?, cycle_id = ? WHERE id = ? AND author_id = ? AND version = ?
            """, [c.kind.rawValue, c.isoWeek, c.sizeBucket, c.version, e.ciphertext.data, e.wrappedKey.data,
                  e.needsRekey, c.group?.uuid, c.cycle?.uuid, c.id.uuid, c.author.uuid, previousVersion])
        guard db.changesCount == 1 else { throw VaultError(.integrityViolation, "the entry changed underneath this write") }
    }

    func entry(_ id: EntryID) throws -> EntryRow? {
        try first(Self.entryByID, [id.uuid]) { try self.entryRow(&$0) }
    }

    func entries(by author: PrincipalID) throws -> [EntryRow] {
        try each("SELECT \(Self.entryColumns) FROM entry WHERE author_id = ?", [author.uuid]) { try self.entryRow(&$0) }
    }

    /// (id, version) of every entry of `author` (what the manifest covers), and whether any of
    /// them is marked for re-keying: one pass over the author's rows at unlock.
    func entryVersions(by author: PrincipalID) throws -> (entries: [(EntryID, Int)], anyMarked: Bool) {
        var entries: [(EntryID, Int)] = []
        var anyMarked = false
        let rows = try Row.fetchCursor(statement("SELECT id, version, needs_rekey FROM entry WHERE author_id = ?"),
                                       arguments: [author.uuid])
        while let row = try rows.next() {
            entries.append((EntryID(try row.decode(UUID.self, atIndex: 0)), try row.count(atIndex: 1, atLeast: 1, what: "version")))
            if try row.decode(Bool.self, atIndex: 2) { anyMarked = true }
        }
        return (entries, anyMarked)
    }

    /// (id, version, kind, cycle, group) of every entry of `author`: what search checks its cache against.
    func entryHeaders(by author: PrincipalID) throws -> [EntryHeader] {
        var headers: [EntryHeader] = []
        let rows = try Row.fetchCursor(statement("SELECT id, version, kind, cycle_id, group_id FROM entry WHERE author_id = ?"),
                                       arguments: [author.uuid])
        while let row = try rows.next() {
            guard let kind = EntryKind(rawValue: try row.decode(String.self, atIndex: 2)) else {
                throw VaultError.tampered("an entry's kind")
            }
            headers.append(EntryHeader(id: EntryID(try row.decode(UUID.self, atIndex: 0)),
                                       version: try row.count(atIndex: 1, atLeast: 1, what: "version"),
                                       kind: kind, cycle: try row.decode(UUID?.self, atIndex: 3).map(CycleID.init),
                                       group: try row.decode(UUID?.self, atIndex: 4).map(GroupID.init)))
        }
        return headers
    }

    func entriesNeedingRekey(by author: PrincipalID) throws -> [EntryRow] {
        try each("SELECT \(Self.entryColumns) FROM entry WHERE author_id = ? AND needs_rekey = 1", [author.uuid]) {
            try self.entryRow(&$0)
        }
    }

    func markForRekey(_ entries: [EntryID]) throws {
        for id in entries {
            try execute("UPDATE entry SET needs_rekey = 1 WHERE id = ?", [id.uuid])
        }
    }

    func deleteEntry(_ id: EntryID) throws {
        try execute("DELETE FROM entry WHERE id = ?", [id.uuid])
    }

    func countEntries(by author: PrincipalID) throws -> Int {
        try Int.fetchOne(statement("SELECT COUNT(*) FROM entry WHERE author_id = ?"), arguments: [author.uuid]) ?? 0
    }
}

// MARK: Shares

extension StorageAccess {
    private static let shareColumns =
        "id, entry_id, author_id, group_id, audience, version, expires_at, created_at, commitment, signature, to_group"
    private static let shareByID = "SELECT \(shareColumns) FROM share WHERE id = ?"

    /// Decodes a row of `shareColumns`, in that order.
    private func shareRow(_ row: Row) throws -> ShareRow {
        var c = ColumnReader(row)
        return try shareRow(&c)
    }

    /// Decodes the next columns of `c` as `shareColumns`.
    private func shareRow(_ c: inout ColumnReader) throws -> ShareRow {
        ShareRow(id: try c.id(), entry: try c.id(), author: try c.id(), group: try c.optionalID(), audience: try c.bytes(),
                        version: try c.count(atLeast: 1, what: "version"), expiresAt: try c.next(), createdAt: try c.next(),
                        commitment: try c.bytes(), signature: try c.bytes(), toGroup: try c.next(Bool.self))
    }

    func upsertShare(_ s: ShareRow) throws {
        try execute("""
            INSERT INTO share (id, entry_id, author_id, group_id, audience, version, expires_at, created_at, commitment, signature,
                               to_group)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET audience = excluded.audience, version = excluded.version,
                commitment = excluded.commitment, signature = excluded.signature
            """, [s.id.uuid, s.entry.uuid, s.author.uuid, s.group?.uuid, s.audience.data, s.version, s.expiresAt,
                  s.createdAt, s.commitment.data, s.signature.data, s.toGroup])
    }

    func share(_ id: ShareID) throws -> ShareRow? {
        try first(Self.shareByID, [id.uuid]) { try self.shareRow(&$0) }
    }

    /// `columns` (a comma-separated list) with each name qualified by `table`.
    private static func qualified(_ columns: String, _ table: String) -> String {
        columns.split(separator: ",").map { "\(table).\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }.joined(separator: ", ")
    }

    private static let shareWithEntryAndAuthorByID = """
        SELECT \(qualified(shareColumns, "s")), \(qualified(entryColumns, "e")), \(qualified(principalColumns, "p"))
        FROM share s JOIN entry e ON e.id = s.entry_id JOIN principal p ON p.id = s.author_id WHERE s.id = ?
        """

    /// The share with its entry and its author, in one statement (a read of a shared entry needs
    /// all three); `nil` when the share, its entry or its author is not there.
    func shareWithEntryAndAuthor(_ id: ShareID) throws -> (share: ShareRow, entry: EntryRow, author: PrincipalRow)? {
        try first(Self.shareWithEntryAndAuthorByID, [id.uuid]) { c in
            return (try shareRow(&c), try entryRow(&c), try principalRow(&c))
        }
    }

    private static let shareReadByID = """
        SELECT \(qualified(shareColumns, "s")), \(qualified(entryColumns, "e")), \(qualified(principalColumns, "p")),
               \(qualified(groupColumns, "g")), x.seal, \(qualified(pinColumns, "q")),
               EXISTS (SELECT 1 FROM share_read r WHERE r.share_id = s.id AND r.reader_id = ?)
        FROM share s JOIN entry e ON e.id = s.entry_id JOIN principal p ON p.id = s.author_id
        LEFT JOIN tacit_group g ON g.id = e.group_id
        LEFT JOIN share_seal x ON x.share_id = s.id AND x.reader_id = ?
        LEFT JOIN pin q ON q.owner_id = ? AND q.peer_id = s.author_id
        WHERE s.id = ?
        """

    /// What a repeated read of a shared entry needs, in one statement: the share with its entry and
    /// author, the entry's group, and for `reader` their seal, their pin of the author and whether
    /// they read the share before. `nil` when the share, its entry or its author is not there (each
    /// statement a read saves was a tenth of its work in GRDB's bookkeeping).
    func shareRead(_ id: ShareID, reader: PrincipalID) throws -> ShareReadRows? {
        try first(Self.shareReadByID, [reader.uuid, reader.uuid, reader.uuid, id.uuid]) { c in
            let share = try shareRow(&c), entry = try entryRow(&c), author = try principalRow(&c)
            var group: Group?
            if c.nextIsNull { c.skip(4) } else { group = try groupValue(&c) }
            let seal = try c.next(Data?.self).map { [UInt8]($0) }
            var pin: PinRow?
            if c.nextIsNull { c.skip(5) } else { pin = try pinRow(&c) }
            let hasRead = try c.next(Bool.self)
            guard entry.columns.author == share.author else { return nil }
            return ShareReadRows(rows: ShareRows(share: share, entry: entry, author: author), group: group, seal: seal,
                                 pin: pin, hasRead: hasRead)
        } ?? nil
    }

    func shares(of entry: EntryID) throws -> [ShareRow] {
        try each("SELECT \(Self.shareColumns) FROM share WHERE entry_id = ?", [entry.uuid]) { try self.shareRow(&$0) }
    }

    func shares(by author: PrincipalID) throws -> [ShareRow] {
        // Made in one second (a script, a test's clock), shares keep the order they were made in.
        try each("SELECT \(Self.shareColumns) FROM share WHERE author_id = ? ORDER BY created_at, rowid", [author.uuid]) { try self.shareRow(&$0) }
    }

    /// The shares with the group of entries in `cycle` that are live at `time`, oldest first.
    func groupShares(inCycle cycle: CycleID, at time: Int64) throws -> [ShareRow] {
        try each("""
            SELECT \(Self.shareColumns) FROM share WHERE to_group = 1 AND expires_at > ?
            AND entry_id IN (SELECT id FROM entry WHERE cycle_id = ?) ORDER BY created_at
            """, [time, cycle.uuid]) { try self.shareRow(&$0) }
    }

    /// The entries of `cycle` shared with the group whose group shares have all ended by `time`.
    func entriesWithEndedGroupShares(inCycle cycle: CycleID, at time: Int64) throws -> [EntryID] {
        try UUID.fetchAll(statement("""
            SELECT DISTINCT entry_id FROM share WHERE to_group = 1 AND expires_at <= ?
            AND entry_id IN (SELECT id FROM entry WHERE cycle_id = ?)
            AND entry_id NOT IN (SELECT entry_id FROM share WHERE to_group = 1 AND expires_at > ?)
            """), arguments: [time, cycle.uuid, time]).map(EntryID.init)
    }

    /// Shares with a seal for `reader`, with that seal.
    func sharesSealed(to reader: PrincipalID) throws -> [(ShareRow, [UInt8])] {
        try Row.fetchAll(statement("""
            SELECT s.*, x.seal AS reader_seal FROM share s JOIN share_seal x ON x.share_id = s.id
            WHERE x.reader_id = ? ORDER BY s.created_at
            """), arguments: [reader.uuid]).map { (try self.shareRow($0), try $0.bytes("reader_seal")) }
    }

    func deleteShare(_ id: ShareID) throws {
        try execute("DELETE FROM share WHERE id = ?", [id.uuid])
    }

    func seals(of share: ShareID) throws -> [SealRow] {
        try Row.fetchAll(statement("SELECT * FROM share_seal WHERE share_id = ?"), arguments: [share.uuid]).map {
            SealRow(share: (try $0.id("share_id")), reader: (try $0.id("reader_id")), seal: (try $0.bytes("seal")))
        }
    }

    func seal(of share: ShareID, for reader: PrincipalID) throws -> [UInt8]? {
        try Data.fetchOne(statement("SELECT seal FROM share_seal WHERE share_id = ? AND reader_id = ?"),
                          arguments: [share.uuid, reader.uuid]).map { [UInt8]($0) }
    }

    func replaceSeals(of share: ShareID, with seals: [SealRow]) throws {
        try execute("DELETE FROM share_seal WHERE share_id = ?", [share.uuid])
        for s in seals {
            try execute("INSERT INTO share_seal (share_id, reader_id, seal) VALUES (?, ?, ?)",
                        [s.share.uuid, s.reader.uuid, s.seal.data])
        }
    }

    /// Deletes `reader`'s seals on every share of an entry in `group`; returns the entries affected.
    func deleteSeals(of reader: PrincipalID, inGroup group: GroupID) throws -> [EntryID] {
        let entries = try UUID.fetchAll(statement("""
            SELECT DISTINCT s.entry_id FROM share s JOIN share_seal x ON x.share_id = s.id
            WHERE x.reader_id = ? AND s.group_id = ?
            """), arguments: [reader.uuid, group.uuid]).map(EntryID.init)
        try execute("""
            DELETE FROM share_seal WHERE reader_id = ? AND share_id IN (SELECT id FROM share WHERE group_id = ?)
            """, [reader.uuid, group.uuid])
        return entries
    }

    func recordRead(_ share: ShareID, by reader: PrincipalID, at time: Int64) throws {
        try execute("INSERT OR IGNORE INTO share_read (share_id, reader_id, first_read_at) VALUES (?, ?, ?)",
                    [share.uuid, reader.uuid, time])
    }

    func reads(of share: ShareID) throws -> [(PrincipalID, Int64)] {
        try Row.fetchAll(statement("SELECT reader_id, first_read_at FROM share_read WHERE share_id = ?"),
                         arguments: [share.uuid]).map { ((try $0.id("reader_id")), (try $0.decode(forColumn: "first_read_at"))) }
    }
}

// MARK: Group objects

extension StorageAccess {
    private func groupObjectRow(_ row: Row) throws -> GroupObjectRow {
        GroupObjectRow(id: (try row.id("id")), group: (try row.id("group_id")), cycle: (try row.optionalID("cycle_id")),
                       author: (try row.id("author_id")), kind: (try row.decode(forColumn: "kind")), version: (try row.count("version", atLeast: 1)),
                       ciphertext: (try row.bytes("ciphertext")), wrappedKey: (try row.bytes("wrapped_key")),
                       signature: (try row.bytes("signature")))
    }

    func insertGroupObject(_ o: GroupObjectRow) throws {
        try execute("""
            INSERT INTO group_object (id, group_id, cycle_id, author_id, kind, version, ciphertext, wrapped_key, signature)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [o.id.uuid, o.group.uuid, o.cycle?.uuid, o.author.uuid, o.kind, o.version, o.ciphertext.data,
                  o.wrappedKey.data, o.signature.data])
    }

    func groupObjects(ofCycle cycle: CycleID) throws -> [GroupObjectRow] {
        try Row.fetchAll(statement("SELECT * FROM group_object WHERE cycle_id = ?"), arguments: [cycle.uuid]).map { try self.groupObjectRow($0) }
    }

    func groupObjects(by author: PrincipalID) throws -> [GroupObjectRow] {
        try Row.fetchAll(statement("SELECT * FROM group_object WHERE author_id = ?"), arguments: [author.uuid]).map { try self.groupObjectRow($0) }
    }

    func groupObjectSeal(_ object: GroupObjectID, for member: PrincipalID) throws -> [UInt8]? {
        try Data.fetchOne(statement("SELECT seal FROM group_object_seal WHERE object_id = ? AND member_id = ?"),
                          arguments: [object.uuid, member.uuid]).map { [UInt8]($0) }
    }

    func sealedMembers(of object: GroupObjectID) throws -> Set<PrincipalID> {
        Set(try UUID.fetchAll(statement("SELECT member_id FROM group_object_seal WHERE object_id = ?"),
                              arguments: [object.uuid]).map(PrincipalID.init))
    }

    /// The group objects `holder` can open: those they wrote, and those sealed to them.
    private static let groupObjectsHeldBy = """
        (o.author_id = ?1 OR EXISTS (SELECT 1 FROM group_object_seal own WHERE own.object_id = o.id AND own.member_id = ?1))
        """

    /// Whether a group object `holder` can open lacks a seal for a member of its group (its author aside).
    func hasGroupObjectsMissingMembers(heldBy holder: PrincipalID) throws -> Bool {
        try Bool.fetchOne(statement("""
            SELECT EXISTS (SELECT 1 FROM group_object o JOIN membership m ON m.group_id = o.group_id
                           WHERE \(Self.groupObjectsHeldBy) AND m.principal_id != o.author_id
                           AND NOT EXISTS (SELECT 1 FROM group_object_seal s
                                           WHERE s.object_id = o.id AND s.member_id = m.principal_id))
            """), arguments: [holder.uuid]) ?? false
    }

    /// The group objects `holder` can open (see `hasGroupObjectsMissingMembers(heldBy:)`).
    func groupObjects(heldBy holder: PrincipalID) throws -> [GroupObjectRow] {
        try Row.fetchAll(statement("SELECT * FROM group_object o WHERE \(Self.groupObjectsHeldBy)"),
                         arguments: [holder.uuid]).map { try self.groupObjectRow($0) }
    }

    func insertGroupObjectSeal(_ object: GroupObjectID, member: PrincipalID, seal: [UInt8]) throws {
        try execute("INSERT OR REPLACE INTO group_object_seal (object_id, member_id, seal) VALUES (?, ?, ?)",
                    [object.uuid, member.uuid, seal.data])
    }

    func deleteGroupObjectSeals(of member: PrincipalID, inGroup group: GroupID) throws {
        try execute("""
            DELETE FROM group_object_seal WHERE member_id = ? AND object_id IN (SELECT id FROM group_object WHERE group_id = ?)
            """, [member.uuid, group.uuid])
    }
}

// MARK: Jots, pins, manifests

extension StorageAccess {
    func insertJot(_ j: JotRow) throws {
        try execute("INSERT INTO jot (id, principal_id, box) VALUES (?, ?, ?)",
                    [j.id.uuid, j.principal.uuid, j.box.data])
    }

    func jots(of principal: PrincipalID) throws -> [JotRow] {
        try Row.fetchAll(statement("SELECT * FROM jot WHERE principal_id = ?"), arguments: [principal.uuid]).map {
            JotRow(id: (try $0.id("id")), principal: (try $0.id("principal_id")), box: (try $0.bytes("box")))
        }
    }

    func hasJots(of principal: PrincipalID) throws -> Bool {
        try Bool.fetchOne(statement("SELECT EXISTS (SELECT 1 FROM jot WHERE principal_id = ?)"), arguments: [principal.uuid])
            ?? false
    }

    func deleteJot(_ id: JotID) throws {
        try execute("DELETE FROM jot WHERE id = ?", [id.uuid])
    }

    private static let pinColumns = "owner_id, peer_id, x25519_public, ed25519_public, mac"
    private static let pinByOwnerAndPeer = "SELECT \(pinColumns) FROM pin WHERE owner_id = ? AND peer_id = ?"

    /// Decodes a row of `pinColumns`, in that order.
    private func pinRow(_ row: Row) throws -> PinRow {
        var c = ColumnReader(row)
        return try pinRow(&c)
    }

    /// Decodes `pinColumns` from where `c` stands.
    private func pinRow(_ c: inout ColumnReader) throws -> PinRow {
        PinRow(owner: try c.id(), peer: try c.id(), agreementPublic: try c.bytes(), signingPublic: try c.bytes(), mac: try c.bytes())
    }

    func pin(owner: PrincipalID, peer: PrincipalID) throws -> PinRow? {
        try first(Self.pinByOwnerAndPeer, [owner.uuid, peer.uuid]) { try self.pinRow(&$0) }
    }

    func pins(of owner: PrincipalID) throws -> [PinRow] {
        try each("SELECT \(Self.pinColumns) FROM pin WHERE owner_id = ?", [owner.uuid]) { try self.pinRow(&$0) }
    }

    func upsertPin(_ p: PinRow) throws {
        try execute("""
            INSERT OR REPLACE INTO pin (owner_id, peer_id, x25519_public, ed25519_public, mac) VALUES (?, ?, ?, ?, ?)
            """, [p.owner.uuid, p.peer.uuid, p.agreementPublic.data, p.signingPublic.data, p.mac.data])
    }

    func manifest(of principal: PrincipalID) throws -> ManifestRow? {
        // Read at every new entry, by the one writer: decoded in place (`first`).
        try first("SELECT principal_id, counter, set_hash, mac FROM manifest WHERE principal_id = ?", [principal.uuid]) { c in
            ManifestRow(principal: try c.id(), counter: Int64(try c.count(atLeast: 0, what: "manifest counter")), setHash: try c.bytes(),
                        mac: try c.bytes())
        }
    }

    func upsertManifest(_ m: ManifestRow) throws {
        try execute("INSERT OR REPLACE INTO manifest (principal_id, counter, set_hash, mac) VALUES (?, ?, ?, ?)",
                    [m.principal.uuid, m.counter, m.setHash.data, m.mac.data])
    }

    /// Replaces the manifest a write read (`previousCounter`) in place; a lost update is an error.
    func replaceManifest(_ m: ManifestRow, previousCounter: Int64) throws {
        try execute("UPDATE manifest SET counter = ?, set_hash = ?, mac = ? WHERE principal_id = ? AND counter = ?",
                    [m.counter, m.setHash.data, m.mac.data, m.principal.uuid, previousCounter])
        guard db.changesCount == 1 else { throw VaultError(.integrityViolation, "the manifest changed underneath this write") }
    }

    /// (principal id, manifest MAC) of every manifest, sorted by id bytes: the anchor's input.
    func manifestMACs() throws -> [(PrincipalID, [UInt8])] {
        try Row.fetchAll(statement("SELECT principal_id, mac FROM manifest ORDER BY principal_id")).map {
            ((try $0.id("principal_id")), (try $0.bytes("mac")))
        }
    }
}

extension StorageAccess {
    func replaceGroupObjectKey(_ o: GroupObjectRow) throws {
        try execute("UPDATE group_object SET wrapped_key = ? WHERE id = ?", [o.wrappedKey.data, o.id.uuid])
    }
}
