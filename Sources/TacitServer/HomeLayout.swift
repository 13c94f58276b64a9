import Foundation

/// Where a daemon keeps its files: `Keys/`, `Data/` and `tacit.sock` under its home.
public struct HomeLayout: Sendable, Equatable {
    /// The home folder (`--home`, `TACIT_HOME`, or the current directory).
    public let home: URL
    /// The socket path (`--socket`, `TACIT_SOCKET`, or `HOME/tacit.sock`).
    public let socketPath: String

    /// A layout for `home`, with the socket at `socketPath` or the default place.
    public init(home: URL, socketPath: String? = nil) {
        self.home = home.standardizedFileURL
        self.socketPath = socketPath ?? self.home.appendingPathComponent("tacit.sock").path
    }

    /// The key folder.
    public var keys: URL { home.appendingPathComponent("Keys") }
    /// The data folder (the database).
    public var data: URL { home.appendingPathComponent("Data") }
    /// The configuration file read when `--config` is not given.
    public var configuration: URL { home.appendingPathComponent("tacit.json") }
    /// The operator's one-time code, until it is used.
    public var bootstrapCode: URL { keys.appendingPathComponent("bootstrap-code") }
    /// The instance signing key.
    public var instanceKey: URL { keys.appendingPathComponent("instance.key") }
    /// The instance public key.
    public var instancePublicKey: URL { keys.appendingPathComponent("instance.pub") }
    /// The lock a serving daemon holds (`HomeLock`), with its process id.
    public var lock: URL { data.appendingPathComponent("daemon.lock") }
}
