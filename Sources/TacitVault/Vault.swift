import Foundation
import Logging
import TacitCrypto

/// Tacit's vault: journals, shares and keys stored as ciphertext in one SQLite database, with the
/// instance anchor in `Keys/`.
///
/// Operator operations (enrollment codes, groups, backup) need no member key; everything that
/// reads or writes content happens on a `MemberSession` returned by `unlock`. All database work is
/// async (GRDB's async `read`/`write`), and scrypt runs on threads of its own, at most
/// `maximumConcurrentDerivations` at once, so a request handler may await any of these methods.
public final class Vault: Sendable {
    /// The database file's name inside the data folder.
    public static let databaseFileName = "tacit.sqlite"

    let storage: VaultStorage
    let configuration: VaultConfiguration
    let anchor: InstanceAnchor
    let gate: DerivationGate
    let calendar: CalendarMath
    /// Phase boundaries of recently asked cycles (see `PhaseBoundaryMemo`).
    let phaseBoundaries = PhaseBoundaryMemo()
    /// Shares whose author signature already verified, each by a hash of everything the
    /// verification covered (share, version, expiry, signature, pinned key, audience, commitment),
    /// so that a later read of the same share skips one Ed25519 verification. 16,384 hashes (about
    /// 2 MiB) are far more shares than an instance's members read within a while.
    let verifiedShares = BoundedMemo<[UInt8], Void>(capacity: 16_384)
    let isClosed = Locked(false)

    /// The data folder.
    public let directory: URL
    /// The key folder (`Keys/`).
    public let keysDirectory: URL

    var logger: Logger { configuration.logger }
    var now: Date { configuration.clock.now() }
    /// The zone whose days the vault counts in (a cycle's phases, its close): what dates the daemon
    /// writes as days are in.
    public var timeZone: TimeZone { configuration.timeZone }
    var nowSeconds: Int64 { Int64(now.timeIntervalSince1970.rounded(.down)) }

    private init(storage: VaultStorage, configuration: VaultConfiguration, anchor: InstanceAnchor,
                 directory: URL, keysDirectory: URL) {
        self.storage = storage
        self.configuration = configuration
        self.anchor = anchor
        self.directory = directory
        self.keysDirectory = keysDirectory
        gate = DerivationGate(limit: configuration.maximumConcurrentDerivations)
        calendar = CalendarMath(timeZone: configuration.timeZone)
    }

    /// Opens the vault in `directory` (creating the database on first use) and checks it against
    /// the instance anchor in `keysDirectory`.
    ///
    /// - Parameter acceptRestore: re-anchor a database that is behind its anchor (a restored or
    ///   rolled-back copy), or whose anchor is missing; the operator's explicit `--accept-restore`.
    /// - Throws: `VaultError.databaseBehindAnchor` (the message shows both states),
    ///   `.anchorInvalid` for a missing or unverifiable anchor beside an existing database,
    ///   `.storage` for SQLite or file-system failures.
    public static func open(directory: URL, keysDirectory: URL, configuration: VaultConfiguration = VaultConfiguration(),
                            acceptRestore: Bool = false) async throws(VaultError) -> Vault {
        try openSync(directory: directory, keysDirectory: keysDirectory, configuration: configuration,
                     acceptRestore: acceptRestore)
    }

    /// The blocking form of `open`, for tools without an async context.
    public static func openSync(directory: URL, keysDirectory: URL, configuration: VaultConfiguration = VaultConfiguration(),
                                acceptRestore: Bool = false) throws(VaultError) -> Vault {
        try mapping("creating the data and key folders") {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.createDirectory(at: keysDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        let storage = try VaultStorage(path: directory.appendingPathComponent(databaseFileName).path)
        do {
            let anchor = try openAnchor(storage: storage, keysDirectory: keysDirectory, configuration: configuration,
                                        acceptRestore: acceptRestore)
            return Vault(storage: storage, configuration: configuration, anchor: anchor, directory: directory,
                         keysDirectory: keysDirectory)
        } catch {
            try? storage.close()
            throw error
        }
    }

    private static func openAnchor(storage: VaultStorage, keysDirectory: URL, configuration: VaultConfiguration,
                                   acceptRestore: Bool) throws(VaultError) -> InstanceAnchor {
        let secretURL = keysDirectory.appendingPathComponent("anchor.secret")
        let database = try storage.readSync { try InstanceAnchor.currentState($0) }
        var secret = try AtomicFile.readSecret(secretURL, count: 32)
        if secret == nil {
            // A fresh instance gets a fresh secret; an existing database without one is refused
            // unless the operator accepts it (a restore onto a new Keys/ folder).
            guard database.counter == 0 || acceptRestore else {
                throw VaultError(.anchorInvalid, "Keys/anchor.secret is missing beside an existing database; "
                                 + "restore Keys/ from its backup, or accept this database with --accept-restore")
            }
            let fresh = try mapping("the anchor secret") { try SecretBytes.random(count: 32) }
            try AtomicFile.replace(secretURL, with: fresh.unprotectedCopy(), mode: 0o600)
            secret = fresh
        }
        let anchor = try InstanceAnchor(keysDirectory: keysDirectory, secret: secret!, storage: storage,
                                        interval: configuration.anchorInterval)
        let recorded: AnchorState?
        do { recorded = try anchor.recorded() } catch where acceptRestore { recorded = nil }
        switch recorded {
        case nil:
            guard database.counter == 0 || acceptRestore else {
                throw VaultError(.anchorInvalid, "Keys/anchor is missing beside an existing database (\(database)); "
                                 + "accept this database with --accept-restore")
            }
        case let anchored?:
            let behind = database.counter < anchored.counter
            // Ahead of the anchor is what a crash leaves — but then the anchor's audit head is a
            // record of this database's log, which only grows. A database with another history
            // (another instance's, or a copy put in by hand) has no such record.
            var holdsHead = true
            if database.counter > anchored.counter {
                holdsHead = try storage.readSync { try $0.hasAuditRecord(hash: anchored.auditHead) }
            }
            let diverged = database.counter == anchored.counter ? database != anchored : !holdsHead
            if (behind || diverged) && !acceptRestore {
                throw VaultError(.databaseBehindAnchor, "the database is \(behind ? "behind" : "not the one recorded by") "
                                 + "its anchor: a restored or rolled-back copy. database: \(database); anchor: \(anchored). "
                                 + "Run `tacit serve --accept-restore` to accept it")
            }
            if behind || diverged {
                configuration.logger.warning("accepting a restored database and re-anchoring",
                                             metadata: ["database": "\(database)", "anchor": "\(anchored)"])
            }
        }
        try anchor.write(database)
        return anchor
    }

    /// The database's state and the anchor's, for `tacit serve --accept-restore` to print before
    /// asking for confirmation (the anchor is `nil` when missing or unverifiable).
    public static func anchorStates(directory: URL, keysDirectory: URL) throws(VaultError)
        -> (database: AnchorState, anchor: AnchorState?) {
        let storage = try VaultStorage(path: directory.appendingPathComponent(databaseFileName).path)
        defer { try? storage.close() }
        let database = try storage.readSync { try InstanceAnchor.currentState($0) }
        guard let secret = try? AtomicFile.readSecret(keysDirectory.appendingPathComponent("anchor.secret"), count: 32) else {
            return (database, nil)
        }
        let anchor = try InstanceAnchor(keysDirectory: keysDirectory, secret: secret, storage: storage, interval: 1)
        return (database, try? anchor.recorded())
    }

    /// Writes the anchor, checkpoints and closes the database. The vault is unusable afterwards.
    ///
    /// - Throws: `VaultError.storage`.
    public func close() throws(VaultError) {
        guard isClosed.withLock({ closed in defer { closed = true }; return !closed }) else { return }
        try? storage.checkpointTruncate()
        try anchor.flush(closing: true)
        try storage.close()
    }

    /// `wal_checkpoint(TRUNCATE)` and an anchor update.
    ///
    /// - Throws: `VaultError.storage`.
    public func checkpoint() async throws(VaultError) {
        try storage.checkpointTruncate()
        try anchor.flush()
    }

    /// `PRAGMA integrity_check`; `["ok"]` when the database is sound.
    public func integrityCheck() async throws(VaultError) -> [String] { try storage.integrityCheck() }

    /// How async writes were committed so far: concurrent writes share commits.
    public var writeStatistics: WriteStatistics { storage.groupCommit.statistics }

    /// The database's current anchor state.
    public func state() async throws(VaultError) -> AnchorState {
        try await storage.read { try InstanceAnchor.currentState($0) }
    }

    // MARK: Writes

    /// A write transaction followed by the anchor's schedule.
    func write<T: Sendable>(_ body: @Sendable @escaping (StorageAccess) throws -> T) async throws(VaultError) -> T {
        let result = try await storage.write(body)
        anchor.noteCommit()
        return result
    }

    func writeSync<T>(_ body: (StorageAccess) throws -> T) throws(VaultError) -> T {
        let result = try storage.writeSync(body)
        anchor.noteCommit()
        return result
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (StorageAccess) throws -> T) async throws(VaultError) -> T {
        try await storage.read(body)
    }

    /// A short, bounded read (a few indexed lookups, one entry decrypted) run on the caller's
    /// thread: handing it to GRDB's queue and back costs two thread wake-ups, more than the read.
    /// Long reads (listings, search, exports) use `read`, which keeps them off the caller's thread.
    func readShort<T>(_ body: (StorageAccess) throws -> T) throws(VaultError) -> T {
        try storage.readSync(body)
    }
}
