import Foundation
import Glibc
import TacitCrypto

/// The state the instance anchor records: the database's write counter, the audit chain's head and
/// a hash over every member's manifest.
public struct AnchorState: Sendable, Equatable, CustomStringConvertible {
    /// The database's write counter.
    public let counter: UInt64
    /// The audit chain's head (32 bytes).
    public let auditHead: [UInt8]
    /// SHA-256 over (principal id ‖ manifest MAC) sorted by id.
    public let manifestsHash: [UInt8]

    public var description: String {
        "counter \(counter), audit head \(auditHead.hex.prefix(16))…, manifests \(manifestsHash.hex.prefix(16))…"
    }
}

extension Array where Element == UInt8 {
    var hex: String { map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }

    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        self = out
    }
}

/// Keeps `Keys/anchor` in step with the database: written atomically (temporary file, fsync,
/// rename, fsync of the folder) at most once per interval after commits and at every checkpoint
/// and close; checked when the vault opens.
final class InstanceAnchor: Sendable {
    private struct FileFormat: Codable {
        var format: Int
        var counter: UInt64
        var auditHead: String
        var manifests: String
        var mac: String
    }

    private struct Schedule {
        var pending = false
        var lastWrite: DispatchTime?
        var closed = false
    }

    let fileURL: URL
    let directoryURL: URL
    private let macKey: SecretBytes
    private let storage: VaultStorage
    private let interval: TimeInterval
    private let queue = DispatchQueue(label: "tacit.vault.anchor")
    private let schedule = Locked(Schedule())

    init(keysDirectory: URL, secret: SecretBytes, storage: VaultStorage, interval: TimeInterval) throws(VaultError) {
        directoryURL = keysDirectory
        fileURL = keysDirectory.appendingPathComponent("anchor")
        macKey = try mapping("the anchor key") { try HKDF.deriveKey(from: secret, label: .anchorKey) }
        self.storage = storage
        self.interval = interval
    }

    /// The state of the database now.
    static func currentState(_ access: StorageAccess) throws -> AnchorState {
        let instance = try access.instanceState()
        var hashed: [UInt8] = []
        for (id, mac) in try access.manifestMACs().sorted(by: { $0.0 < $1.0 }) {
            hashed += id.bytes + mac
        }
        return AnchorState(counter: instance.writeCounter, auditHead: instance.auditHead, manifestsHash: SHA256.hash(hashed))
    }

    /// The recorded state, or `nil` when there is no anchor file.
    ///
    /// - Throws: `VaultError.anchorInvalid` for a file that does not parse or whose MAC fails.
    func recorded() throws(VaultError) -> AnchorState? {
        guard let data = FileManager.default.contents(atPath: fileURL.path) else { return nil }
        guard let file = try? JSONDecoder().decode(FileFormat.self, from: data), file.format == 1,
              let head = [UInt8](hex: file.auditHead), let manifests = [UInt8](hex: file.manifests),
              let mac = [UInt8](hex: file.mac) else {
            throw VaultError(.anchorInvalid, "the instance anchor (Keys/anchor) is malformed")
        }
        let message = FormatV1.anchorMessage(counter: file.counter, auditHead: head, manifestsHash: manifests)
        guard HMAC.isValid(mac, for: message.bytes, key: macKey) else {
            throw VaultError(.anchorInvalid, "the instance anchor (Keys/anchor) does not verify under Keys/anchor.secret")
        }
        return AnchorState(counter: file.counter, auditHead: head, manifestsHash: manifests)
    }

    /// Writes the database's current committed state. Reads after commit, so the anchor can only
    /// trail the database, never lead it.
    func writeNow() throws(VaultError) {
        let state = try storage.readSync { try Self.currentState($0) }
        try write(state)
    }

    func write(_ state: AnchorState) throws(VaultError) {
        let mac = try mapping("the anchor MAC") {
            try HMAC.authenticationCode(for: FormatV1.anchorMessage(counter: state.counter, auditHead: state.auditHead,
                                                                     manifestsHash: state.manifestsHash).bytes, key: macKey)
        }
        let file = FileFormat(format: 1, counter: state.counter, auditHead: state.auditHead.hex,
                              manifests: state.manifestsHash.hex, mac: mac.hex)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try mapping("encoding the anchor") { try encoder.encode(file) + Data("\n".utf8) }
        try AtomicFile.replace(fileURL, with: Array(data), mode: 0o600)
    }

    /// Called after every committed write: schedules a write at most once per interval.
    func noteCommit() {
        let delay: Double? = schedule.withLock { s in
            guard !s.pending, !s.closed else { return nil }
            s.pending = true
            guard let last = s.lastWrite else { return 0 }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - last.uptimeNanoseconds) / 1e9
            return max(0, interval - elapsed)
        }
        guard let delay else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            let closed = schedule.withLock { s in
                s.pending = false
                s.lastWrite = .now()
                return s.closed
            }
            // Once `flush(closing:)` has written the last anchor the database may be closing on
            // another thread: a write scheduled before it must not read the database any more.
            guard !closed else { return }
            try? writeNow()
        }
    }

    /// Writes the anchor synchronously (checkpoint, shutdown) after any scheduled write.
    func flush(closing: Bool = false) throws(VaultError) {
        let result: Result<Void, VaultError> = queue.sync { [self] in
            schedule.withLock { $0.lastWrite = .now(); if closing { $0.closed = true } }
            do throws(VaultError) { try writeNow(); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }
}

/// Atomic replacement of a small file: temporary file, fsync, rename, fsync of the folder.
/// Files replaced atomically and durably: written to a temporary beside the target, synced,
/// renamed over it, and the folder synced so the rename survives a crash.
public enum AtomicFile {
    /// Replaces `url` with `bytes`, created with `mode`.
    ///
    /// - Throws: `VaultError.storage` naming the file (never its content).
    public static func replace(_ url: URL, with bytes: [UInt8], mode: mode_t) throws(VaultError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(VaultError) in try replace(url, with: raw, mode: mode) } }.get()
    }

    /// Replaces `url` with the bytes of `secret` without copying them out of secure memory.
    public static func replace(_ url: URL, with secret: SecretBytes, mode: mode_t) throws(VaultError) {
        try secret.withUnsafeBytes { raw in Result { () throws(VaultError) in try replace(url, with: raw, mode: mode) } }.get()
    }

    static func replace(_ url: URL, with raw: UnsafeRawBufferPointer, mode: mode_t) throws(VaultError) {
        let temporary = url.path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw VaultError(.storage, "cannot create \(temporary) (errno \(errno))") }
        var ok = true
        var offset = 0
        while ok, offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n <= 0 { ok = false } else { offset += n }
        }
        // The mode asked for, whatever the umask made of it.
        ok = ok && fchmod(fd, mode) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw VaultError(.storage, "cannot write \(url.path) (errno \(errno))")
        }
        let dir = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
    }

    /// Reads a file of exactly `count` bytes, or returns nil when it does not exist.
    static func readSecret(_ url: URL, count: Int) throws(VaultError) -> SecretBytes? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard data.count == count else { throw VaultError(.anchorInvalid, "\(url.lastPathComponent) is not \(count) bytes") }
        var copy = data
        defer { copy.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        return SecretBytes(copying: copy)
    }
}
