import Foundation
import TacitCrypto
import TacitTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A Unix-socket relay between the CLI and the daemon that, the first time a request starting with
/// `prefix` passes through, runs `interpose` before forwarding it: how a test puts another client's
/// request between two requests of one command (a race the command must survive), with no hook
/// in the product.
final class InterposingRelay: Sendable {
    private let listener: UnixListener
    /// Set once `interpose` has run.
    private let interposed: Locked<Bool>
    var path: String { listener.path }

    /// Listens on `path` and relays each connection to the socket at `target`.
    init(at path: String, to target: String, before prefix: String, interpose: @escaping @Sendable () -> Void) throws {
        let interposed = Locked(false)
        self.interposed = interposed
        let prefix = Array(prefix.utf8)
        listener = try UnixListener(at: path, what: "relay") { client in
            let daemon = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard daemon >= 0, withUnixSocketAddress(target, { connect(daemon, $0, $1) }) == 0 else {
                if daemon >= 0 { close(daemon) }
                return
            }
            defer { close(daemon) }
            // On the way to the daemon, `interpose` runs once, before the first chunk that starts
            // a matching request.
            let both = DispatchGroup()
            both.enter()
            Thread {
                Self.pump(client, daemon) { chunk in
                    guard chunk.starts(with: prefix) else { return }
                    let first = interposed.withLock { done in
                        defer { done = true }
                        return !done
                    }
                    if first { interpose() }
                }
                both.leave()
            }.start()
            Self.pump(daemon, client) { _ in }
            both.wait()
        }
    }

    /// Whether `interpose` ran.
    var didInterpose: Bool { interposed.withLock { $0 } }

    /// Stops listening (connections in progress finish on their own).
    func stop() { listener.stop() }

    /// Copies bytes until end of file, showing each chunk to `inspect` before it goes on.
    private static func pump(_ from: Int32, _ to: Int32, inspect: (ArraySlice<UInt8>) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            inspect(buffer[..<count])
            guard UnixListener.sendAll(to, buffer[..<count]) else { return }
        }
        shutdown(to, Int32(SHUT_WR))
    }
}
