import ArgumentParser
import Foundation

/// Where the daemon lives: `--home DIR` / `TACIT_HOME` (default: the current directory) and
/// `--socket PATH` / `TACIT_SOCKET` (default: `HOME/tacit.sock`).
struct Connection: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The daemon's home folder (default: $TACIT_HOME, else the current directory).",
                                            valueName: "DIR"))
    var home: String?

    @Option(name: .long, help: ArgumentHelp("The daemon's socket (default: $TACIT_SOCKET, else HOME/tacit.sock).",
                                            valueName: "PATH"))
    var socket: String?

    func validate() throws {
        // An empty socket had quietly meant ./tacit.sock: most likely a script's unset variable.
        if socket?.isEmpty == true { throw ValidationError("--socket is empty: give the daemon's socket, or leave it out") }
        if ProcessInfo.processInfo.environment["TACIT_SOCKET"]?.isEmpty == true, socket == nil {
            throw ValidationError("TACIT_SOCKET is empty — set it to the daemon's socket, or unset it")
        }
    }

    /// The home folder, absolute.
    var homeURL: URL {
        let environment = ProcessInfo.processInfo.environment
        let path = home ?? environment["TACIT_HOME"] ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    /// The socket path, absolute.
    var socketPath: String {
        if let socket = socket ?? ProcessInfo.processInfo.environment["TACIT_SOCKET"], !socket.isEmpty {
            return URL(fileURLWithPath: socket).standardizedFileURL.path
        }
        return homeURL.appendingPathComponent("tacit.sock").path
    }

    /// The explicitly given socket (`--socket` or `TACIT_SOCKET`), or nil for the home's default.
    var explicitSocket: String? {
        if let socket = socket ?? ProcessInfo.processInfo.environment["TACIT_SOCKET"], !socket.isEmpty {
            return URL(fileURLWithPath: socket).standardizedFileURL.path
        }
        return nil
    }

    /// A client of the daemon on this socket.
    var client: DaemonClient { DaemonClient(socketPath: socketPath) }
}

/// `--json`, for every listing.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table (for scripts).")
    var json = false
}
