import Foundation
import Glibc

/// Checks and prepares the place of the daemon's Unix socket before binding it.
enum SocketPlacement {
    /// Why the socket cannot be placed; each message says what to do.
    struct Problem: Error, CustomStringConvertible, Equatable {
        let description: String
    }

    /// The longest path a Unix socket address holds (`sun_path` is 108 bytes with its NUL).
    static let maximumPathBytes = 107

    /// Refuses a path that is too long or in a folder others can write, and removes a stale socket
    /// left by a daemon that is gone. A live socket (something answers) or a file that is not a
    /// socket is never removed.
    static func prepare(path: String) throws {
        try check(path: path)
        var existing = stat()
        guard lstat(path, &existing) == 0 else { return }
        guard unlink(path) == 0 else {
            throw Problem(description: "cannot remove the stale socket \(path) (errno \(errno))")
        }
    }

    /// The checks of `prepare` without changing anything — a path too long, a folder that is
    /// missing or others can write, a file that is not a socket, a daemon already answering — for
    /// `Daemon.prepare` to run before it creates or opens anything in the home.
    static func check(path: String, group: String? = nil) throws {
        if let group { _ = try groupID(group) }
        let bytes = path.utf8.count
        guard bytes <= maximumPathBytes else {
            throw Problem(description: "the socket path is \(bytes) bytes; a Unix socket address holds at most \(maximumPathBytes): choose a shorter --socket or home")
        }
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw Problem(description: "the socket's folder \(directory) does not exist")
        }
        // Sticky world-writable folders (/tmp) still let others replace a socket's name before we bind.
        if info.st_mode & S_IWOTH != 0 {
            throw Problem(description: "the socket's folder \(directory) is writable by other users; use a private folder")
        }
        var existing = stat()
        guard lstat(path, &existing) == 0 else { return }
        guard existing.st_mode & S_IFMT == S_IFSOCK else {
            throw Problem(description: "\(path) exists and is not a socket; move it away first")
        }
        if isAnswering(path: path) {
            throw Problem(description: "a daemon is already listening on \(path)")
        }
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isAnswering(path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// The id of the group `name`, which the daemon's user can give a socket to: it must exist, and
    /// the user must be root or one of its members (chown(2) refuses anyone else).
    static func groupID(_ name: String) throws -> gid_t {
        guard let entry = getgrnam(name) else {
            throw Problem(description: "the socket group \(name) does not exist (configuration key socketGroup)")
        }
        let id = entry.pointee.gr_gid
        var groups = [gid_t](repeating: 0, count: Int(max(getgroups(0, nil), 0)))
        let count = getgroups(Int32(groups.count), &groups)
        guard geteuid() == 0 || getegid() == id || groups.prefix(Int(max(count, 0))).contains(id) else {
            throw Problem(description: "the daemon's user is not a member of the socket group \(name), so it cannot give the socket to it (configuration key socketGroup)")
        }
        return id
    }

    /// Sets the socket's mode: 0600, or 0660 with `group` as its group.
    static func secure(path: String, group: String?) throws {
        if let group {
            let id = try groupID(group)
            guard chown(path, uid_t.max, id) == 0 else {
                throw Problem(description: "cannot give the socket to group \(group) (errno \(errno))")
            }
            guard chmod(path, 0o660) == 0 else { throw Problem(description: "cannot set the socket's mode (errno \(errno))") }
        } else {
            guard chmod(path, 0o600) == 0 else { throw Problem(description: "cannot set the socket's mode (errno \(errno))") }
        }
    }
}
