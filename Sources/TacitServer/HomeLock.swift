import Foundation
import Glibc
import TacitCrypto

/// One daemon per home: an exclusive `flock` on `Data/daemon.lock`, held from before the keys and
/// the database are opened until the daemon shuts down (or its process ends, however it ends).
///
/// The socket check alone let a second daemon start on the same home with another `--socket`, and
/// both then wrote one database and one anchor. The lock file holds the holder's process id, so the
/// refusal can name it; the file itself stays (an unlocked file is no claim).
final class HomeLock: Sendable {
    /// The locked file's descriptor; -1 once released.
    private let descriptor: Locked<Int32>

    private init(descriptor: Int32) { self.descriptor = Locked(descriptor) }

    /// Takes the lock of `layout`'s home, creating `Data/` (0700) when needed.
    ///
    /// - Throws: `DaemonError.startup` naming the home (and the holder's process id when it can be
    ///   read) when another daemon holds it, or naming the file when it cannot be opened.
    static func acquire(_ layout: HomeLayout) throws(DaemonError) -> HomeLock {
        do {
            try FileManager.default.createDirectory(at: layout.data, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .startup("cannot create \(layout.data.path)")
        }
        let path = layout.lock.path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .startup("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            let holder = Self.holder(descriptor)
            close(descriptor)
            guard failure == EWOULDBLOCK else { throw .startup("cannot lock \(path): \(String(cString: strerror(failure)))") }
            throw .startup("another tacit daemon\(holder.map { " (process \($0))" } ?? "") is serving \(layout.home.path); "
                           + "stop it first — two daemons would write one database")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return HomeLock(descriptor: descriptor)
    }

    /// The process id written by the daemon holding the lock, if it reads as one.
    private static func holder(_ descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Gives the lock up (at shutdown); later calls do nothing.
    func release() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
        }
    }

    deinit { release() }
}
