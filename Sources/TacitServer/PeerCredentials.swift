import Glibc
import NIOCore

/// The uid of the process at the other end of a Unix socket connection (`SO_PEERCRED`), which the
/// kernel vouches for: a session is bound to it.
enum PeerCredentials {
    /// The peer's uid, or `nil` when the channel is not a Unix socket the kernel can answer for.
    static func uid(of channel: any Channel) async -> UInt32? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let credentials: PeerCredential? = try? await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        ).get()
        return credentials.map { UInt32($0.uid) }
    }
}

/// The layout of Linux's `struct ucred` (which Glibc's module only declares under `_GNU_SOURCE`).
struct PeerCredential: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
