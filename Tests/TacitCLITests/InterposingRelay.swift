import Foundation
import TacitTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A Unix-socket relay between the CLI and the daemon that, the first time a request starting with
/// `prefix` passes through, runs `interpose` before forwarding it: how a test puts another client's
/// request between two requests of one command (a race the command must survive), with no hook
/// in the product.
final class InterposingRelay: @unchecked Sendable {
    let path: String
    private let target: String
    private let prefix: [UInt8]
    private let interpose: @Sendable () -> Void
    private let listener: Int32
    private let state = NSLock()
    private var interposed = false
    private let accepting = DispatchGroup()

    /// Listens on `path` and relays each connection to the socket at `target`.
    init(at path: String, to target: String, before prefix: String, interpose: @escaping @Sendable () -> Void) throws {
        self.path = path
        self.target = target
        self.prefix = Array(prefix.utf8)
        self.interpose = interpose
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw HarnessError("relay: socket() failed") }
        unlink(path)
        let bound = withUnixSocketAddress(path) { bind(listener, $0, $1) }
        guard bound == 0, listen(listener, 8) == 0 else {
            close(listener)
            throw HarnessError("relay: cannot listen on \(path)")
        }
        let thread = Thread { [self] in acceptLoop() }
        accepting.enter()
        thread.start()
    }

    /// Whether `interpose` ran.
    var didInterpose: Bool { state.withLock { interposed } }

    /// Stops listening (connections in progress finish on their own).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        accepting.wait()
        close(listener)
        unlink(path)
    }

    private func acceptLoop() {
        defer { accepting.leave() }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let daemon = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard daemon >= 0, withUnixSocketAddress(target, { connect(daemon, $0, $1) }) == 0 else {
                close(client)
                if daemon >= 0 { close(daemon) }
                continue
            }
            let both = DispatchGroup()
            for (from, to, inspecting) in [(client, daemon, true), (daemon, client, false)] {
                both.enter()
                Thread { [self] in
                    pump(from, to, inspecting: inspecting)
                    both.leave()
                }.start()
            }
            Thread {
                both.wait()
                close(client)
                close(daemon)
            }.start()
        }
    }

    /// Copies bytes until end of file; on the way to the daemon, runs `interpose` once before the
    /// first chunk that starts a matching request.
    private func pump(_ from: Int32, _ to: Int32, inspecting: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            if inspecting, buffer[..<count].starts(with: prefix) {
                let first = state.withLock {
                    defer { interposed = true }
                    return !interposed
                }
                if first { interpose() }
            }
            var sent = 0
            while sent < count {
                // send, not write: a peer gone mid-copy must not raise SIGPIPE in the test process.
                let written = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { return }
                sent += written
            }
        }
        shutdown(to, Int32(SHUT_WR))
    }
}
