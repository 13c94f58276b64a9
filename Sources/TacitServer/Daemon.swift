import Foundation
import Glibc
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import TacitCrypto
import TacitPolicy
import TacitVault

/// The Tacit daemon: the vault behind an HTTP/1.1 + JSON API on a Unix socket, every request
/// decided by the policy engine.
///
/// `prepare` does everything that can fail before serving — configuration, policy, keys, database,
/// anchor, socket — so a misconfigured daemon stops with a message instead of half-starting.
public final class Daemon: Sendable {
    /// What `tacit serve` was asked to do.
    public struct Options: Sendable {
        /// Where the daemon keeps its files.
        public var layout: HomeLayout
        /// `--config FILE`; default: `tacit.json` in the home when present.
        public var configurationFile: URL?
        /// `--policy FILE`: an operator policy added on top of the base policy.
        public var policyFile: URL?
        /// `--accept-restore`: open a database that is behind its anchor and re-anchor it.
        public var acceptRestore: Bool
        /// `--clock FILE` (test configurations only).
        public var clockFile: URL?

        /// Creates options.
        public init(layout: HomeLayout, configurationFile: URL? = nil, policyFile: URL? = nil,
                    acceptRestore: Bool = false, clockFile: URL? = nil) {
            self.layout = layout
            self.configurationFile = configurationFile
            self.policyFile = policyFile
            self.acceptRestore = acceptRestore
            self.clockFile = clockFile
        }
    }

    /// The home layout served.
    public let layout: HomeLayout
    let state: DaemonState
    /// The operator's bootstrap code, when this start created it (printed once by `tacit serve`).
    public let bootstrapCode: String?
    /// The vault the daemon serves, for in-process tools (the demo, benchmarks).
    public var vault: Vault { state.vault }
    /// Lines `tacit serve` prints before serving (test configuration warnings, restored database).
    public let notices: [String]

    private let running = Locked<ServiceGroup?>(nil)
    /// This daemon's claim on its home, given up at `shutDown`.
    private let lock: HomeLock

    private init(layout: HomeLayout, state: DaemonState, bootstrapCode: String?, notices: [String], lock: HomeLock) {
        self.layout = layout
        self.state = state
        self.bootstrapCode = bootstrapCode
        self.notices = notices
        self.lock = lock
    }

    /// The daemon's umask: no permission for group or others on anything it creates.
    static let fileCreationMask: mode_t = 0o077

    /// The most malloc arenas the daemon's threads share.
    static let mallocArenas: Int32 = 2

    /// Loads configuration and policy, checks the socket's place, then opens or creates keys and
    /// database. Nothing is served yet.
    ///
    /// - Parameter confirmRestore: asked, with both states printed in its argument, before a
    ///   database behind its anchor is accepted (`--accept-restore`); answering `false` stops.
    /// - Throws: `DaemonError.startup` with a message for the operator.

    public static func prepare(_ options: Options, logger: Logger,
                               confirmRestore: @Sendable (String) -> Bool = { _ in false },
                               testingUID: UInt32? = nil, auditWindow: Duration = .milliseconds(10)) async throws -> Daemon {
        let layout = options.layout
        var notices: [String] = []
        // At most two malloc arenas: glibc otherwise gives each busy thread its own (up to 8 per
        // core) and keeps their freed memory, so resident memory grew for minutes under load
        // (+42% in 30 s of the soak's load test; +15% with two arenas, throughput unchanged).
        ProcessMemory.limitMallocArenas(to: mallocArenas)
        // Every file the daemon's process creates from here on is its owner's alone: the database
        // and its -wal and -shm (SQLite creates them 0644 & ~umask), Keys/, Data/. Files with a
        // mode of their own (instance.pub, 0644) set it explicitly. The umask is the process's,
        // so an in-process daemon (tests, benchmarks) sets it for its host too.
        umask(Self.fileCreationMask)

        // Configuration: a missing tacit.json means the defaults; a given --config must exist.
        // A file or folder any local user could change would let them set the daemon's rules (a
        // test configuration with a weak scrypt, their own socket group, a policy that permits
        // all): refused, as a socket's folder others can write is.
        try Self.refuseWritableByOthers(layout.home, "the home")
        let configuration: Configuration
        do {
            if let file = options.configurationFile {
                try Self.refuseWritableByOthers(file, "the configuration \(file.lastPathComponent)")
                configuration = try Configuration.load(contentsOf: file)
            } else if FileManager.default.fileExists(atPath: layout.configuration.path) {
                try Self.refuseWritableByOthers(layout.configuration, "the configuration tacit.json")
                configuration = try Configuration.load(contentsOf: layout.configuration)
            } else {
                configuration = Configuration()
            }
        } catch let problem as Configuration.Problem {
            throw DaemonError.startup(problem.description)
        }

        let clock: DaemonClock
        if let clockFile = options.clockFile {
            guard configuration.testing else {
                throw DaemonError.startup("--clock is accepted only under a test configuration (\"testing\": true)")
            }
            clock = .file(ClockFile(clockFile, logger: logger))
            try clock.check()
        } else {
            clock = .system
        }
        if let notice = configuration.testingNotice { notices.append(notice) }

        // Policy: the base is compiled in; an operator file adds to it and must validate.
        let operatorText: String?
        if let policyFile = options.policyFile {
            try Self.refuseWritableByOthers(policyFile, "the policy file \(policyFile.lastPathComponent)")
            guard let text = try? String(contentsOf: policyFile, encoding: .utf8) else {
                throw DaemonError.startup("cannot read the policy file \(policyFile.path)")
            }
            operatorText = text
        } else {
            operatorText = nil
        }
        let policies: PolicySet
        do {
            policies = try PolicySet.load(operator: operatorText)
        } catch {
            // Every problem, as `tacit policy check` lists them, not only the first.
            let name = options.policyFile?.lastPathComponent ?? "policy"
            let problems = operatorText.map { PolicySet.problems(inOperatorPolicy: $0) } ?? []
            guard problems.count > 1 else { throw DaemonError.startup("\(name):\(error)") }
            throw DaemonError.startup(problems.map { "\(name):\($0)" }.joined(separator: "\n"))
        }
        if let operatorText, let file = options.policyFile {
            // Which rules this daemon decides with, said at every start.
            let added = policies.policies.suffix(policies.policies.count - PolicySet.base.policies.count).map(\.id)
            notices.append("operator policy \(file.path): \(added.count) \(added.count == 1 ? "policy" : "policies") on top of the "
                           + "base policy (\(added.prefix(10).joined(separator: ", "))\(added.count > 10 ? ", …" : ""))")
            for warning in PolicySet.warnings(inOperatorPolicy: operatorText) {
                notices.append("operator policy \(file.lastPathComponent):\(warning.location.map { "\($0.line):\($0.column)" } ?? ""): "
                               + "warning: \(warning.message)")
            }
        }
        let policyHash = SHA256.hash(Array((PolicySet.baseText + "\n" + (operatorText ?? "")).utf8))
            .map { String(format: "%02x", $0) }.joined()

        // The vault's settings, checked (scrypt's memory among them) before the home is touched.
        var vaultLogger = logger
        vaultLogger[metadataKey: "component"] = "vault"
        let vaultConfiguration = try Self.vaultConfiguration(configuration, clock: clock, logger: vaultLogger)

        // The socket's place, before anything is created or opened in the home: a path too long,
        // a folder others can write or a daemon already serving this home stops here, with the
        // home untouched (a second daemon would otherwise open the first one's database).
        do {
            try FileManager.default.createDirectory(at: layout.home, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try SocketPlacement.check(path: layout.socketPath, group: configuration.socketGroup)
        } catch let problem as SocketPlacement.Problem {
            throw DaemonError.startup(problem.description)
        } catch {
            throw DaemonError.startup("cannot create \(layout.home.path)")
        }

        // Files another user owns (a start as root on the service user's home leaves Keys/ and the
        // anchor root's) had been taken for missing or damaged ones, with advice to accept a
        // restore; said for what it is instead.
        try Self.checkOwnAccess(layout)

        // Keys/ and the instance key. A key made here beside an existing database would replace the
        // one its exports were signed with: such a database waits for Keys/ to come back from its
        // backup, or for --accept-restore, and a refused start creates nothing.
        let existingDatabase = FileManager.default.fileExists(atPath: layout.data.appendingPathComponent(Vault.databaseFileName).path)
        let keyMissing = !FileManager.default.fileExists(atPath: layout.instanceKey.path)
        if existingDatabase && keyMissing {
            guard options.acceptRestore else {
                throw DaemonError.startup("Keys/instance.key is missing beside an existing database; restore Keys/ from its backup, "
                                          + "or start with --accept-restore to give this instance a new signing key")
            }
            notices.append("made a new instance signing key: exports signed before verify only with the old Keys/instance.pub")
        }
        // From here on this daemon is the home's only one, whatever socket another was given.
        let lock = try HomeLock.acquire(layout)
        do {
            try FileManager.default.createDirectory(at: layout.keys, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw DaemonError.startup("cannot create \(layout.keys.path)")
        }
        let instanceKey = try InstanceKeys.loadOrCreate(layout)

        // The vault, checked against its anchor.
        let vault: Vault
        // What the operator accepted at this start, for the audit log.
        var accepted: String?
        let staged = layout.data.appendingPathComponent("restore.sqlite")
        if options.acceptRestore, FileManager.default.fileExists(atPath: staged.path) {
            // A backup uploaded with `tacit restore` replaces the database now, after confirmation
            // — unless it is another instance's (staged by hand: an upload of one is refused).
            let database = layout.data.appendingPathComponent(Vault.databaseFileName)
            // Sound and whole first, as at upload (a file staged by hand was not checked then).
            do {
                try Vault.checkBackup(at: staged)
            } catch {
                Self.removeSidecars(of: staged)
                throw DaemonError.startup("\(staged.path): \(error.message); nothing changed")
            }
            let refusal = Self.refusal(of: Vault.origin(ofBackupAt: staged, for: database))
            Self.removeSidecars(of: staged)
            if let refusal { throw DaemonError.startup("\(staged.path): \(refusal); nothing changed") }
            // Read before asking; the files SQLite leaves beside the staged one go whatever the answer.
            let summary = Self.restoreSummary(staged: staged, layout: layout)
            Self.removeSidecars(of: staged)
            guard confirmRestore(summary) else {
                throw DaemonError.startup("restore not confirmed; nothing changed")
            }
            // The database it replaces is kept (ciphertext, like the database itself): a restore
            // accepted by mistake, or of the wrong backup, can be undone by hand.
            let kept = try Self.keepReplacedDatabase(layout, at: clock.now())
            do {
                let restored = try await Vault.restore(from: staged, directory: layout.data, keysDirectory: layout.keys,
                                                       configuration: vaultConfiguration)
                try restored.close()
                try FileManager.default.removeItem(at: staged)
                Self.removeSidecars(of: staged)
            } catch let error as VaultError {
                throw DaemonError.startup(error.message)
            }
            notices.append("restored the uploaded backup"
                           + (kept.map { "; the database it replaced is kept in \($0.path) (delete it once the restore is right)" } ?? ""))
            accepted = "the uploaded backup" + (kept.map { ", the replaced database kept as Data/\($0.lastPathComponent)" } ?? "")
        } else if FileManager.default.fileExists(atPath: staged.path) {
            // Staged by `tacit restore` and not taken: said at every start until it is taken or dropped.
            notices.append("a restore is staged (\(staged.path)): it replaces the database only when the daemon starts "
                           + "with --accept-restore; delete that file to drop it")
        }
        do {
            vault = try await Vault.open(directory: layout.data, keysDirectory: layout.keys,
                                         configuration: vaultConfiguration, acceptRestore: false)
        } catch let error where error.code == .databaseBehindAnchor || error.code == .anchorInvalid {
            guard options.acceptRestore else { throw DaemonError.startup(error.message) }
            // A database put in place by hand is checked as an uploaded backup is: sound, and its
            // audit chain intact.
            let file = layout.data.appendingPathComponent(Vault.databaseFileName)
            do {
                try Vault.checkBackup(at: file)
            } catch {
                throw DaemonError.startup("\(file.path): \(error.message); nothing changed")
            }
            let states = try? Vault.anchorStates(directory: layout.data, keysDirectory: layout.keys)
            var summary = """
                database: \(states.map { "\($0.database)" } ?? "unreadable")
                anchor:   \(states?.anchor.map { "\($0)" } ?? "missing or unverifiable")
                """
            if let states, let anchor = states.anchor, anchor.counter > states.database.counter {
                summary += "\n\(anchor.counter - states.database.counter) writes behind the anchor: they are lost if you accept"
            }
            guard confirmRestore(summary) else { throw DaemonError.startup("restore not confirmed; nothing changed") }
            do {
                vault = try await Vault.open(directory: layout.data, keysDirectory: layout.keys,
                                             configuration: vaultConfiguration, acceptRestore: true)
            } catch {
                throw DaemonError.startup(error.message)
            }
            notices.append("accepted the restored database and re-anchored it")
            accepted = "a database behind its anchor"
        } catch where error.code == .storage {
            // A database SQLite cannot read cannot be restored through the daemon (it does not start):
            // say how to put the latest backup in its place.
            let file = layout.data.appendingPathComponent(Vault.databaseFileName).path
            throw DaemonError.startup("cannot open \(file): \(error.message). If it is damaged, put your latest backup in its place "
                                      + "(keep the damaged file aside first: mv \(file) \(file).damaged; then cp BACKUP \(file), and remove \(file)-wal "
                                      + "and \(file)-shm), then start with --accept-restore")
        } catch {
            throw DaemonError.startup(error.message)
        }

        // The chain goes on from the restored database's head: its next record says a restore
        // was accepted here (who typed yes is the host's to know: the daemon's console).
        if options.acceptRestore && accepted == nil {
            // Asked for, with nothing to accept: said, so the operator does not take it for done.
            notices.append("--accept-restore: nothing to restore (no backup is staged, and the database is not behind its "
                           + "anchor); serving the database as it is")
        }
        if let accepted {
            do {
                try await vault.appendAudit([AuditDraft(actor: nil, action: "acceptRestore", resource: accepted, decision: "allow",
                                                        policies: [], policyHash: policyHash, time: clock.now())])
            } catch {
                throw DaemonError.startup("the restore was accepted but its audit record could not be written: \(error.message)")
            }
        }

        // Passphrases stored with a cost this configuration refuses (a home made under a test
        // configuration, started without it): nobody could unlock, and an unlock attempt would
        // tell an enrolled name from an unknown one. Not served.
        let cheap = try vault.namesWithUnacceptedPassphraseCost()
        if !cheap.isEmpty {
            try? vault.close()
            let names = cheap.prefix(5).joined(separator: ", ") + (cheap.count > 5 ? ", …" : "")
            throw DaemonError.startup("the stored passphrases of \(cheap.count) \(cheap.count == 1 ? "principal" : "principals") (\(names)) "
                                      + "have a cost outside this configuration's range: this home was made under a test configuration (\"testing\": true in "
                                      + "tacit.json). Start it with that configuration; it is not for real journals")
        }

        // Until the operator enrolls, a bootstrap code that works: the one kept from an earlier start
        // while it is unused and unexpired (pointed to, not printed again), else a new one.
        var bootstrapCode: String?
        if try await vault.principals().isEmpty {
            let kept = try? String(contentsOf: layout.bootstrapCode, encoding: .utf8)
            if let kept, let expiry = try await vault.expiryOfUnusedEnrollmentCode(kept.trimmingCharacters(in: .whitespacesAndNewlines)) {
                notices.append("the operator has not enrolled yet: the bootstrap code is in \(layout.bootstrapCode.path) "
                               + "(valid until \(ISO8601DateFormatter().string(from: expiry)))")
            } else {
                if kept != nil { notices.append("the bootstrap code kept in \(layout.bootstrapCode.path) is no longer valid; a new one replaces it") }
                let code = try await vault.createEnrollmentCode(name: nil, role: .admin)
                try InstanceKeys.write(Array((code.code + "\n").utf8), to: layout.bootstrapCode, mode: 0o600)
                bootstrapCode = code.code
            }
        }

        let audit = AuditLog(vault: vault, window: auditWindow, logger: logger)
        let state = DaemonState(vault: vault, authorizer: Authorizer(policies: policies), policyHash: policyHash,
                                configuration: configuration, clock: clock, logger: logger, instanceKey: instanceKey,
                                audit: audit, testingUID: testingUID, layout: layout)
        return Daemon(layout: layout, state: state, bootstrapCode: bootstrapCode, notices: notices, lock: lock)
    }

    /// Why a backup of another instance is refused, and how to move that instance here instead.
    static let foreignBackup = "this backup is of another Tacit instance (its audit log begins with another record), "
        + "and restoring it would replace this organisation's database; to move that instance here, stop the daemon, "
        + "move Data/ aside and start from that instance's Keys/ and backup"

    /// Copies the database with its -wal into `Data/replaced-DATE/` before a restore replaces it;
    /// `nil` when there is no database.
    static func keepReplacedDatabase(_ layout: HomeLayout, at date: Date) throws -> URL? {
        let database = layout.data.appendingPathComponent(Vault.databaseFileName)
        guard FileManager.default.fileExists(atPath: database.path) else { return nil }
        let stamp = date.formatted(.iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false)
            .timeSeparator(.omitted)).replacingOccurrences(of: "T", with: "-")
        // A second restore in the same second (a test clock) gets a folder of its own.
        var folder = layout.data.appendingPathComponent("replaced-\(stamp)")
        var number = 1
        while FileManager.default.fileExists(atPath: folder.path) {
            number += 1
            folder = layout.data.appendingPathComponent("replaced-\(stamp)-\(number)")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: database.path + suffix) {
                try FileManager.default.copyItem(atPath: database.path + suffix,
                                                 toPath: folder.appendingPathComponent(Vault.databaseFileName + suffix).path)
            }
        } catch {
            // A copy cut short (a full disk) is no copy: it goes, and the database stays as it is.
            try? FileManager.default.removeItem(at: folder)
            throw DaemonError.startup("cannot keep the database the restore replaces in \(folder.path) (\(error.localizedDescription)); "
                                      + "nothing changed")
        }
        return folder
    }

    /// Refuses to go on when this process cannot use a folder of the home, read a file of Keys/
    /// or read and write a file of Data/ (the database, its -wal and -shm, the lock), naming the
    /// first such, its owner and what mends it.
    static func checkOwnAccess(_ layout: HomeLayout) throws {
        var paths: [(path: String, write: Bool)] = [(layout.home.path, true)]
        for (folder, write) in [(layout.keys, false), (layout.data, true)] {
            guard FileManager.default.fileExists(atPath: folder.path) else { continue }
            paths.append((folder.path, true))
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            paths += names.sorted().map { (folder.appendingPathComponent($0).path, write) }
        }
        for (path, write) in paths {
            // Followed through symbolic links (a database on another volume), sockets and the like skipped.
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR || info.st_mode & S_IFMT == S_IFREG else { continue }
            let folder = info.st_mode & S_IFMT == S_IFDIR
            let needed = folder ? R_OK | W_OK | X_OK : write ? R_OK | W_OK : R_OK
            guard access(path, needed) != 0 else { continue }
            let owner = userName(info.st_uid), me = userName(geteuid())
            let relative = path == layout.home.path ? path : String(path.dropFirst(layout.home.path.count + 1))
            let mode = String(info.st_mode & 0o777, radix: 8)
            let what = folder ? "use" : write ? "read and write" : "read"
            if info.st_uid == geteuid() {
                throw DaemonError.startup("\(relative) (mode \(mode)) is this daemon's user's own, but it cannot \(what) it: "
                                          + "chmod u+\(folder ? "rwx" : write ? "rw" : "r") \(path)")
            }
            throw DaemonError.startup("\(relative) belongs to \(owner) (mode \(mode)), and this daemon runs as \(me): it cannot "
                                      + "\(what) it. Start the daemon as \(owner), or give the home to \(me) (chown -R \(me) \(layout.home.path))")
        }
    }

    /// The login name of `uid`, or the number when it has none.
    static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    /// Refuses `url` when someone other than this daemon's user (or root) owns it, when other
    /// users can write it — others, or a group with anyone in it but its owner (a user's private
    /// group, which a umask of 002 gives every file, is only them) — or when they can write the
    /// folder it is in and that folder is not sticky (in /tmp no one else can replace it). The
    /// folder is checked also for a `url` not made yet (the home at its first start); a missing
    /// file is otherwise left to the step that needs it.
    static func refuseWritableByOthers(_ url: URL, _ what: String) throws {
        func writableByOthers(_ info: stat) -> Bool {
            info.st_mode & S_IWOTH != 0 || (info.st_mode & S_IWGRP != 0 && !isPrivateGroup(info.st_gid, of: info.st_uid))
        }
        let parent = url.deletingLastPathComponent().path
        var folder = stat()
        if url.path != "/", stat(parent, &folder) == 0, writableByOthers(folder), folder.st_mode & S_ISVTX == 0 {
            throw DaemonError.startup("\(what) (\(url.path)) is in \(parent), which other users can write (mode "
                                      + "\(String(folder.st_mode & 0o777, radix: 8))): they could put another in its place; "
                                      + "chmod go-w \(parent), or keep it in a folder only you can write")
        }
        var info = stat()
        guard stat(url.path, &info) == 0 else { return }
        let mode = String(info.st_mode & 0o777, radix: 8)
        if info.st_uid != geteuid() && info.st_uid != 0 {
            let owner = userName(info.st_uid)
            throw DaemonError.startup("\(what) (\(url.path)) belongs to \(owner), not to this daemon's user \(userName(geteuid())) "
                                      + "or root, and it sets the daemon's rules: "
                                      + (info.st_mode & S_IFMT == S_IFDIR ? "start the daemon as \(owner)" : "use a file of your own"))
        }
        if writableByOthers(info) {
            throw DaemonError.startup("\(what) (\(url.path)) is writable by other users (mode \(mode)\(info.st_mode & S_IWOTH == 0 ? ", group \(groupName(info.st_gid))" : "")): "
                                      + "anyone who can write it could change the daemon's rules; chmod go-w \(url.path)")
        }
    }

    /// Whether `gid` is `uid`'s private group: their primary group, with no other member named.
    static func isPrivateGroup(_ gid: gid_t, of uid: uid_t) -> Bool {
        guard let user = getpwuid(uid), user.pointee.pw_gid == gid, let group = getgrgid(gid) else { return false }
        return group.pointee.gr_mem == nil || group.pointee.gr_mem.pointee == nil
    }

    /// The name of `gid`, or the number when it has none.
    static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return "gid \(gid)" }
        return String(cString: name)
    }

    /// Why a backup of `origin` is not restored over this database, or `nil` when it may be.
    static func refusal(of origin: Vault.BackupOrigin) -> String? {
        switch origin {
        case .otherInstance:
            return foreignBackup
        case .beforeAnyEnrollment:
            return "this backup holds no enrollment (it was taken before anyone enrolled, here or on another instance), "
                + "and restoring it would replace everyone's journals with nothing; to start over, stop the daemon "
                + "and start it on a new home"
        case .thisInstance, .unknown:
            return nil
        }
    }

    /// What the operator reads before accepting an uploaded backup: the database now, the backup,
    /// and how many writes the backup lacks (they are lost when it replaces the database).
    /// Removes the `-wal` and `-shm` files SQLite leaves beside a database file it opened (a
    /// staged or checked backup), once that file is gone or moved.
    static func removeSidecars(of database: URL) {
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
    }

    static func restoreSummary(staged: URL, layout: HomeLayout) -> String {
        let database = layout.data.appendingPathComponent(Vault.databaseFileName)
        let now = FileManager.default.fileExists(atPath: database.path)
            ? (try? Vault.anchorStates(directory: layout.data, keysDirectory: layout.keys))?.database : nil
        let incoming = try? Vault.backupState(at: staged)
        var lines = [
            "replace the database with the uploaded backup \(staged.path)",
            "database now: \(now.map { "\($0)" } ?? "none")",
            "the backup:   \(incoming.map { "\($0)" } ?? "unreadable")",
        ]
        if let now, let incoming, incoming.counter < now.counter {
            lines.append("the backup is \(now.counter - incoming.counter) writes behind the database: they are lost if you accept")
        }
        return lines.joined(separator: "\n")
    }

    static func vaultConfiguration(_ configuration: Configuration, clock: DaemonClock,
                                   logger: Logger) throws -> VaultConfiguration {
        let policy: ScryptParameters.Policy = configuration.testing ? .testing : .production
        let parameters: ScryptParameters
        do {
            parameters = try ScryptParameters(log2N: configuration.scryptLog2N, r: 8, p: 1, policy: policy)
        } catch {
            throw DaemonError.startup("configuration: scryptLog2N: \(error)")
        }
        return VaultConfiguration(
            scryptParameters: parameters, scryptPolicy: policy, clock: VaultClock { clock.now() },
            groupSize: GroupSizeRules(allowed: configuration.groupMinimum...configuration.groupMaximum),
            enrollmentCodeLifetime: TimeInterval(configuration.enrollmentCodeSeconds),
            logger: logger)
    }

    /// The router with every route of the API (for tests through HummingbirdTesting as well).
    func router() -> Router<TacitRequestContext> {
        Routes.build(state)
    }

    /// Serves until SIGTERM, SIGINT or SIGHUP (or `stop()`), then stops accepting, finishes
    /// requests in flight, flushes the audit log, checkpoints the WAL, writes the anchor, wipes
    /// every session's keys and removes the socket. SIGHUP is a closed terminal for a daemon
    /// started from one: it had ended the process on the spot, its socket left behind.
    ///
    /// - Parameter signals: the signals that stop the daemon gracefully; tests pass none and call `stop()`.
    /// - Throws: `DaemonError.startup` when the socket cannot be placed; errors from the server.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint, .sighup], onReady: @escaping @Sendable () -> Void = {}) async throws {
        let socketPath = layout.socketPath
        do {
            try SocketPlacement.prepare(path: socketPath)
        } catch let problem as SocketPlacement.Problem {
            throw DaemonError.startup(problem.description)
        }
        ProcessHardening.disableCoreDumps()
        let group = state.configuration.socketGroup
        let logger = state.logger
        // A socket that cannot be given the mode and group the configuration asks for is not served.
        let misplaced = Locked<SocketPlacement.Problem?>(nil)
        let application = Application(
            router: router(),
            // A client that stops sending (a request cut off halfway, or an idle connection) is
            // let go of; a request being answered is not timed. Bytes that are not HTTP get the
            // daemon's JSON 400 (`ProtocolErrorHandler`).
            server: .http1(configuration: .init(additionalChannelHandlers: [ProtocolErrorHandler()],
                                                idleTimeout: .seconds(Int64(state.configuration.connectionIdleSeconds)))),
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: nil),
            onServerRunning: { [self] _ in
                do {
                    try SocketPlacement.secure(path: socketPath, group: group)
                } catch {
                    misplaced.withLock { $0 = error as? SocketPlacement.Problem ?? .init(description: "\(error)") }
                    await stop()
                    return
                }
                onReady()
            },
            logger: logger
        )
        let serviceGroup = ServiceGroup(configuration: .init(
            services: [application, Maintenance(state: state)],
            gracefulShutdownSignals: signals,
            logger: logger))
        running.withLock { $0 = serviceGroup }
        defer {
            running.withLock { $0 = nil }
            unlink(socketPath)
        }
        do {
            try await serviceGroup.run()
        } catch {
            await shutDown()
            throw error
        }
        await shutDown()
        if let problem = misplaced.withLock({ $0 }) { throw DaemonError.startup(problem.description) }
    }

    /// Asks a running daemon to stop gracefully, as SIGTERM does.
    public func stop() async {
        await running.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// The shutdown sequence after the server stopped.
    public func shutDown() async {
        await state.audit.flush()
        let sessions = state.closeAllSessions()
        do {
            try state.vault.close()
            // The operator's sign that nothing is left to recover: records, keys and the anchor.
            state.logger.info("stopped cleanly: audit records written, database checkpointed and anchored",
                              metadata: ["sessionsWiped": "\(sessions)"])
        } catch {
            state.logger.error("closing the vault", metadata: ["error": "\(error)"])
        }
        lock.release()
    }
}

/// Background upkeep while serving: expired sessions are wiped every few seconds.
struct Maintenance: Service {
    let state: DaemonState

    func run() async throws {
        // Graceful shutdown cancels the loop at once instead of waiting out a sleep.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(5))
                state.purgeSessions()
            }
        }
    }
}
