import Foundation
import GRDB
import TacitCrypto

extension Vault {
    /// A consistent copy of the database (SQLite online backup) as a stream of chunks the daemon can
    /// pass to the client; the vault writes to no path a client names (the copy is made in a private
    /// folder beside the database and removed when the stream ends). `Keys/` is not in it.
    public func backup(chunkSize: Int = 1 << 20) -> AsyncThrowingStream<[UInt8], any Error> {
        AsyncThrowingStream { continuation in
            let task = Task.detached { [self] in
                let folder = directory.appendingPathComponent(".backup-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: folder) }
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false,
                                                            attributes: [.posixPermissions: 0o700])
                    let copy = folder.appendingPathComponent("backup.sqlite")
                    try storage.backup(to: copy.path)
                    let handle = try FileHandle(forReadingFrom: copy)
                    defer { try? handle.close() }
                    while let data = try handle.read(upToCount: chunkSize), !data.isEmpty {
                        continuation.yield([UInt8](data))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: VaultError.wrap(error, "the backup"))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Replaces the database in `directory` with the backup at `source` (the vault must be closed),
    /// then opens it accepting the restore, which re-anchors.
    ///
    /// - Throws: `VaultError.invalidInput` for a file that is not a sound Tacit database.
    public static func restore(from source: URL, directory: URL, keysDirectory: URL,
                               configuration: VaultConfiguration = VaultConfiguration()) async throws(VaultError) -> Vault {
        try checkBackup(at: source)
        let target = directory.appendingPathComponent(databaseFileName)
        try mapping("replacing the database") {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let bytes = try Data(contentsOf: source)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target.path + suffix) }
            try AtomicFile.replace(target, with: [UInt8](bytes), mode: 0o600)
        }
        return try await open(directory: directory, keysDirectory: keysDirectory, configuration: configuration,
                              acceptRestore: true)
    }

    /// The state of the backup at `source` — write counter, audit head, manifests — read without
    /// changing the file, for `tacit serve --accept-restore` to show before it asks.
    ///
    /// - Throws: `VaultError.storage` when it is not a readable Tacit database.
    public static func backupState(at source: URL) throws(VaultError) -> AnchorState {
        try mapping("reading the backup") {
            let queue = try readOnlyQueue(source)
            defer { try? queue.close() }
            return try queue.read { db in try InstanceAnchor.currentState(StorageAccess(db: db)) }
        }
    }

    /// Checks that `source` is a sound Tacit database (integrity check, format 1) whose audit chain
    /// is whole, without changing it: a backup changed after it was made (a record taken out, a
    /// row edited with the chain left as it was) is not restored.
    ///
    /// - Throws: `VaultError.invalidInput` for anything else, naming the first broken audit record.
    public static func checkBackup(at source: URL) throws(VaultError) {
        let chain: AuditChainCheck = try mapping("checking the backup") {
            // A file that is no database, or another program's, is not sound either: it had been
            // answered with SQLite's own words ("no such table: instance_state").
            // Only what says so about the file: a file that cannot be opened (permissions, a
            // missing file, a busy or failing disk) keeps its own error.
            let notSound = VaultError.invalid("it is not a sound Tacit database (a file made by `tacit backup`)")
            func isNotOurs(_ error: any Error) -> Bool {
                guard let error = error as? DatabaseError else { return false }
                return [.SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT].contains(error.resultCode)
            }
            let queue: DatabaseQueue
            do { queue = try readOnlyQueue(source) } catch where isNotOurs(error) { throw notSound }
            defer { try? queue.close() }
            let sound: Bool
            do {
                sound = try queue.read { db in
                    try db.tableExists("instance_state")
                        && String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"]
                        && (try Int.fetchOne(db, sql: "SELECT format FROM instance_state WHERE id = 1")) == 1
                }
            } catch where isNotOurs(error) {
                throw notSound
            }
            guard sound else { throw notSound }
            return try queue.read { db in try Vault.checkAuditChain(StorageAccess(db: db)) }
        }
        guard chain.isIntact else {
            let broken = chain.firstBroken ?? 0
            let place = broken > chain.records ? "after its last record (\(chain.records)): records were removed from its end"
                : "at record \(broken) of \(chain.records): that record was changed or removed after it was written"
            throw VaultError.invalid("the backup's audit log is broken \(place), and it is not restored")
        }
    }

    /// Whose state a backup is, as far as two files can tell (`origin(ofBackupAt:for:)`).
    public enum BackupOrigin: Sendable, Equatable {
        /// Both audit logs begin with the same record: this instance's.
        case thisInstance
        /// The logs begin with different records: another instance's.
        case otherInstance
        /// The backup's log is empty while the database's is not: a state before anyone enrolled
        /// — this instance's first minutes or another instance's — that would replace everyone's
        /// journals with nothing.
        case beforeAnyEnrollment
        /// The database's log is empty or cannot be read (a fresh or damaged database, which a
        /// restore is there to replace), or the backup's cannot.
        case unknown
    }

    /// Whether the backup at `source` is of the instance whose database is `database`: both audit
    /// logs begin with the same record (the operator's enrollment, with its random id and its
    /// time: two instances never share it, and every later state of one instance keeps it). Both
    /// are only read.
    public static func origin(ofBackupAt source: URL, for database: URL) -> BackupOrigin {
        enum Log { case unreadable, empty, first([UInt8]) }
        func log(_ file: URL) -> Log {
            do {
                let queue = try readOnlyQueue(file)
                defer { try? queue.close() }
                return try queue.read { db in try StorageAccess(db: db).firstAuditHash() }.map(Log.first) ?? .empty
            } catch {
                return .unreadable
            }
        }
        guard case .first(let mine) = log(database) else { return .unknown }
        switch log(source) {
        case .unreadable: return .unknown
        case .empty: return .beforeAnyEnrollment
        case .first(let theirs): return ConstantTime.equals(mine, theirs) ? .thisInstance : .otherInstance
        }
    }

    /// A read-only connection to a backup: reading it never changes the file.
    private static func readOnlyQueue(_ source: URL) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: source.path, configuration: configuration)
    }
}
