import Foundation
import Logging
import TacitCrypto
import TacitPolicy
import TacitVault

/// Everything the request handlers share: the vault, the policy engine, the configuration, the
/// clock, the sessions and the unlock backoff. Mutable parts sit behind locks; nothing here blocks
/// an event loop (the vault's database and scrypt work run off them).
final class DaemonState: Sendable {
    let vault: Vault
    let authorizer: Authorizer
    /// SHA-256 of the active policy text (base + operator), recorded with every audited decision.
    let policyHash: String
    let configuration: Configuration
    let clock: DaemonClock
    let logger: Logger
    let instanceKey: Ed25519.PrivateKey
    let audit: AuditLog
    /// In router tests there is no socket to ask for the peer's uid; only tests set this.
    let testingUID: UInt32?
    let layout: HomeLayout
    /// The uid behind each open connection, asked of the kernel once per connection.
    let peers = PeerCredentials()

    private let sessions: Locked<SessionTable<MemberSession>>
    private let backoff = Locked(UnlockBackoff())

    init(vault: Vault, authorizer: Authorizer, policyHash: String, configuration: Configuration, clock: DaemonClock,
         logger: Logger, instanceKey: Ed25519.PrivateKey, audit: AuditLog, testingUID: UInt32? = nil,
         layout: HomeLayout) {
        self.layout = layout
        self.vault = vault
        self.authorizer = authorizer
        self.policyHash = policyHash
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.instanceKey = instanceKey
        self.audit = audit
        self.testingUID = testingUID
        sessions = Locked(SessionTable(idle: TimeInterval(configuration.sessionIdleSeconds),
                                      absolute: TimeInterval(configuration.sessionAbsoluteSeconds)))
    }

    var now: Date { clock.now() }

    // MARK: sessions

    func openSession(_ session: MemberSession, uid: UInt32) throws -> String {
        let now = self.now
        return try sessions.withLock { table in
            table.purge(now: now)
            return try table.open(principal: session.principal.id.uuid, uid: uid, handle: session, now: now)
        }
    }

    func authenticate(token: String, uid: UInt32) -> Result<SessionTable<MemberSession>.Session, SessionTable<MemberSession>.Refusal> {
        let now = self.now
        let (result, expired) = sessions.withLock { table in
            var expired: MemberSession?
            let result = table.authenticate(token, uid: uid, now: now) { expired = $0 }
            return (result, expired)
        }
        // Keys of a session that just expired are wiped now, not whenever the last reference goes.
        expired?.lock()
        return result
    }

    func closeSession(token: String) {
        let closed: MemberSession? = sessions.withLock { table in
            let session = table.session(for: token)?.handle
            table.close(token)
            return session
        }
        closed?.lock()
    }

    /// Ends `principal`'s sessions (all, or all but the one `token` names) and wipes their keys.
    func closeSessions(of principal: PrincipalID, except token: String? = nil) {
        let closed = sessions.withLock { $0.closeAll(of: principal.uuid, except: token).map(\.handle) }
        closed.forEach { $0.lock() }
    }

    /// Closes every session and wipes its keys (shutdown); how many there were.
    @discardableResult
    func closeAllSessions() -> Int {
        let all: [MemberSession] = sessions.withLock { table in
            let handles = table.sessions.values.map(\.handle)
            table.closeAll()
            return handles
        }
        all.forEach { $0.lock() }
        return all.count
    }

    func session(expiresAt token: String) -> Date? {
        sessions.withLock { table in table.session(for: token).map { $0.started.addingTimeInterval(table.absolute) } }
    }

    /// Drops expired sessions and wipes their keys.
    func purgeSessions() {
        let now = self.now
        let expired: [MemberSession] = sessions.withLock { table in
            let before = table.sessions
            table.purge(now: now)
            return before.filter { table.sessions[$0.key] == nil }.map(\.value.handle)
        }
        expired.forEach { $0.lock() }
    }

    // MARK: backoff

    func unlockWait(for name: String) -> TimeInterval? {
        let now = self.now
        return backoff.withLock { $0.wait(for: name, now: now, instant: .now) }
    }

    func recordUnlockFailure(for name: String) {
        let now = self.now
        backoff.withLock { $0.recordFailure(for: name, now: now, instant: .now) }
    }

    func recordUnlockSuccess(for name: String) {
        backoff.withLock { $0.recordSuccess(for: name) }
    }
}
