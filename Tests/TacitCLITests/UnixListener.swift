import Foundation
import TacitTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A listening Unix socket for the tests' stand-ins (`CannedDaemon`, `InterposingRelay`): it
/// accepts on a thread of its own and hands each connection to `connection` on another thread,
/// closing the connection when `connection` returns.
final class UnixListener: @unchecked Sendable {
    let path: String
    private let listener: Int32
    private let accepting = DispatchGroup()

    /// Listens on `path` (replacing what is there); `what` names the stand-in in errors.
    init(at path: String, what: String, connection: @escaping @Sendable (Int32) -> Void) throws {
        self.path = path
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw HarnessError("\(what): socket() failed") }
        unlink(path)
        guard withUnixSocketAddress(path, { bind(listener, $0, $1) }) == 0, listen(listener, 8) == 0 else {
            close(listener)
            throw HarnessError("\(what): cannot listen on \(path)")
        }
        accepting.enter()
        Thread { [listener, accepting] in
            defer { accepting.leave() }
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                Thread {
                    connection(client)
                    close(client)
                }.start()
            }
        }.start()
    }

    /// Stops listening (connections in progress finish on their own).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        accepting.wait()
        close(listener)
        unlink(path)
    }

    /// Sends all of `bytes` to `socket`; false when the peer is gone (no SIGPIPE in the test process).
    static func sendAll(_ socket: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var sent = bytes.startIndex
        while sent < bytes.endIndex {
            let written = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            sent += written
        }
        return true
    }
}
