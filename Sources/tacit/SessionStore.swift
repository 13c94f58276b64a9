import Foundation
import TacitAPI

/// What the CLI keeps between commands, per socket:
///
/// - the session token, under `$XDG_RUNTIME_DIR/tacit/` (else a private folder in the user's cache
///   dir), mode 0600; `TACIT_SESSION` overrides it; `logout` deletes it;
/// - the capture token for `jot`, the member's X25519 public key and the last manifest counter seen,
///   under `$XDG_STATE_HOME/tacit/` (default `~/.local/state/tacit`), mode 0600; they survive
///   `logout`, and `logout --all` deletes them.
struct SessionStore {
    /// A cached session.
    struct Session: Codable {
        /// The socket it belongs to.
        var socket: String
        /// Who is logged in.
        var name: String
        /// The bearer token.
        var token: String
        /// When the daemon ends it at the latest.
        var expiresAt: Date
    }

    /// What survives `logout` for one member.
    struct Member: Codable {
        /// The capture token `tacit jot` uses.
        var captureToken: String
        /// The member's X25519 public key (base64), sent with every jot.
        var agreementKey: String
        /// The highest manifest counter the daemon reported at a login or after a write.
        var manifestCounter: UInt64
    }

    /// The state file of one socket.
    struct State: Codable {
        /// The socket it belongs to.
        var socket: String
        /// Who logged in last (whose capture token `jot` uses).
        var lastName: String?
        /// Per member name.
        var members: [String: Member]
    }

    /// The socket this store is for.
    let socketPath: String

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// A short stable name for the socket's files.
    private var socketKey: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in socketPath.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// `$HOME` as the shell has it (Foundation's home directory is the password file's, which
    /// ignored a `HOME` set for another person's state: two people's sessions overwrote each other).
    private var home: URL {
        if let home = environment["HOME"], home.hasPrefix("/") { return URL(fileURLWithPath: home) }
        return FileManager.default.homeDirectoryForCurrentUser
    }

    /// The folder for session tokens: `$XDG_RUNTIME_DIR/tacit`, else `$XDG_CACHE_HOME/tacit/sessions`
    /// (default `~/.cache/tacit/sessions`), created 0700.
    var sessionDirectory: URL {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty,
           FileManager.default.fileExists(atPath: runtime) {
            return URL(fileURLWithPath: runtime).appendingPathComponent("tacit")
        }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent(".cache")
        return cache.appendingPathComponent("tacit/sessions")
    }

    /// The folder for capture tokens, keys and counters: `$XDG_STATE_HOME/tacit` (default
    /// `~/.local/state/tacit`), created 0700.
    var stateDirectory: URL {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? home.appendingPathComponent(".local/state")
        return state.appendingPathComponent("tacit")
    }

    private var sessionFile: URL { sessionDirectory.appendingPathComponent("session-\(socketKey).json") }
    private var stateFile: URL { stateDirectory.appendingPathComponent("state-\(socketKey).json") }

    /// The session to use: `TACIT_SESSION` first, else the cached one for this socket.
    func session() -> Session? {
        if let token = environment["TACIT_SESSION"], !token.isEmpty {
            return Session(socket: socketPath, name: "", token: token, expiresAt: .distantFuture)
        }
        guard let data = try? Data(contentsOf: sessionFile),
              let session = try? DaemonClient.decoder.decode(Session.self, from: data),
              session.socket == socketPath else { return nil }
        return session
    }

    /// Caches a session token (0600).
    func save(_ session: Session) throws {
        try Self.writePrivately(try DaemonClient.encoder.encode(session), to: sessionFile)
    }

    /// Deletes the cached session token.
    func forgetSession() {
        try? FileManager.default.removeItem(at: sessionFile)
    }

    /// After a passphrase change, which revoked every capture token of the member: keeps the new
    /// one for the member logged in here (nothing when this device holds none for them).
    func replaceCaptureToken(_ token: String) {
        var state = state()
        guard let name = session().map(\.name).flatMap({ $0.isEmpty ? state.lastName : $0 }),
              state.members[name] != nil else { return }
        state.members[name]?.captureToken = token
        try? save(state)
    }

    /// The state of this socket (empty when none).
    func state() -> State {
        guard let data = try? Data(contentsOf: stateFile),
              let state = try? DaemonClient.decoder.decode(State.self, from: data), state.socket == socketPath else {
            return State(socket: socketPath, lastName: nil, members: [:])
        }
        return state
    }

    /// Saves the state (0600).
    func save(_ state: State) throws {
        if state.members.isEmpty {
            try? FileManager.default.removeItem(at: stateFile)
            return
        }
        try Self.writePrivately(try DaemonClient.encoder.encode(state), to: stateFile)
    }

    /// Writes `data` to `url` with mode 0600 in a 0700 folder, atomically (temp file and rename).
    static func writePrivately(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid())")
            let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw CLIError("cannot write \(temporary.path): \(String(cString: strerror(errno)))") }
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            guard written == data.count else { throw CLIError("cannot write \(temporary.path)") }
            guard rename(temporary.path, url.path) == 0 else {
                throw CLIError("cannot write \(url.path): \(String(cString: strerror(errno)))")
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot create \(folder.path): \(error.localizedDescription)")
        }
    }
}
