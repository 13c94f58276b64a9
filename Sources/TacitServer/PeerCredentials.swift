import TacitCrypto
import Glibc
import NIOCore

/// The uid of the process at the other end of a Unix socket connection (`SO_PEERCRED`), which the
/// kernel vouches for: a session is bound to it.
///
/// The kernel records the peer's credentials at `connect`, so they cannot change for the life of a
/// connection: the answer is asked once (on the channel's event loop) and kept until the connection
/// closes, sparing every later request on it a trip to the event loop. One per daemon.
final class PeerCredentials: Sendable {
    private let known = Locked<[ObjectIdentifier: UInt32]>([:])

    /// Connections whose uid is kept (tests check that closed ones are forgotten).
    var keptCount: Int { known.withLock { $0.count } }

    /// The peer's uid, or `nil` when the channel is not a Unix socket the kernel can answer for.
    func uid(of channel: any Channel) async -> UInt32? {
        let key = ObjectIdentifier(channel)
        if let uid = known.withLock({ $0[key] }) { return uid }
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let credentials: PeerCredential? = try? await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        ).get()
        guard let uid = credentials.map({ UInt32($0.uid) }) else { return nil }
        let added = known.withLock { kept in kept.updateValue(uid, forKey: key) == nil }
        if added {
            // The callback holds the channel, so its address (the key) cannot be reused by a new
            // connection before the entry is gone. On a channel already closed it runs at once.
            channel.closeFuture.whenComplete { [self] _ in
                _ = channel
                known.withLock { _ = $0.removeValue(forKey: key) }
            }
        }
        return uid
    }
}
/// The layout of Linux's `struct ucred` (which Glibc's module only declares under `_GNU_SOURCE`).
struct PeerCredential: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
