import Foundation
import TacitCrypto

/// The daemon's unlocked sessions: pure state, no I/O, every time passed in by the caller so tests
/// drive it with an injected clock.
///
/// A token is 256 random bits given to the client once; only its SHA-256 is kept. Each session is
/// bound to the uid that opened it (from `SO_PEERCRED`), so a token copied by another local user is
/// useless, and ends after `idle` seconds without use or `absolute` seconds after it began.
struct SessionTable<Handle: Sendable>: Sendable {
    /// One unlocked session.
    struct Session: Sendable {
        let principal: UUID
        let uid: UInt32
        let started: Date
        var lastUsed: Date
        /// What the vault needs to act for this principal (its unlocked keys).
        let handle: Handle
    }

    /// Why a token was not accepted. The daemon answers all of them with the same 401, so a client
    /// learns nothing about other people's sessions; the reason goes to the log and the audit.
    enum Refusal: Error, Equatable, Sendable {
        case unknown
        case expired
        case foreignUID
    }

    let idle: TimeInterval
    let absolute: TimeInterval
    private(set) var sessions: [[UInt8]: Session] = [:]

    init(idle: TimeInterval, absolute: TimeInterval) {
        self.idle = idle
        self.absolute = absolute
    }

    /// Starts a session and returns its token (base64url, 43 characters), shown to the client once.
    mutating func open(principal: UUID, uid: UInt32, handle: Handle, now: Date) throws -> String {
        let token = try SecureRandom.bytes(count: 32)
        sessions[SHA256.hash(token)] = Session(principal: principal, uid: uid, started: now, lastUsed: now, handle: handle)
        return Base64URL.encode(token)
    }

    /// The session `token` names, if it is live and `uid` opened it; marks it used.
    /// `expired` receives the handle of a session this call found expired and dropped, so that the
    /// caller can wipe its keys at once.
    mutating func authenticate(_ token: String, uid: UInt32, now: Date,
                               expired: (Handle) -> Void = { _ in }) -> Result<Session, Refusal> {
        guard let raw = Base64URL.decode(token), raw.count == 32 else { return .failure(.unknown) }
        let key = SHA256.hash(raw)
        guard var session = sessions[key] else { return .failure(.unknown) }
        if now.timeIntervalSince(session.lastUsed) >= idle || now.timeIntervalSince(session.started) >= absolute {
            // Dropping the session drops its handle: the keys it held are wiped.
            sessions[key] = nil
            expired(session.handle)
            return .failure(.expired)
        }
        guard session.uid == uid else { return .failure(.foreignUID) }
        session.lastUsed = now
        sessions[key] = session
        return .success(session)
    }

    /// The session `token` names, live or not, without touching it.
    func session(for token: String) -> Session? {
        guard let raw = Base64URL.decode(token), raw.count == 32 else { return nil }
        return sessions[SHA256.hash(raw)]
    }

    /// Ends the session of `token` (logout). Returns whether there was one.
    @discardableResult
    mutating func close(_ token: String) -> Bool {
        guard let raw = Base64URL.decode(token) else { return false }
        return sessions.removeValue(forKey: SHA256.hash(raw)) != nil
    }

    /// Ends every session of `principal` (logout --all, a disabled principal, a rotated key), or
    /// every one but the session `token` names (a changed passphrase); returns the ended ones.
    @discardableResult
    mutating func closeAll(of principal: UUID, except token: String? = nil) -> [Session] {
        let kept = token.flatMap(Base64URL.decode).map(SHA256.hash)
        let ending = sessions.filter { $0.value.principal == principal && $0.key != kept }
        for key in ending.keys { sessions.removeValue(forKey: key) }
        return Array(ending.values)
    }

    /// Drops expired sessions, wiping their keys; returns how many.
    @discardableResult
    mutating func purge(now: Date) -> Int {
        let before = sessions.count
        sessions = sessions.filter {
            now.timeIntervalSince($0.value.lastUsed) < idle && now.timeIntervalSince($0.value.started) < absolute
        }
        return before - sessions.count
    }

    /// Ends every session (shutdown).
    mutating func closeAll() { sessions.removeAll() }

    var count: Int { sessions.count }
}
