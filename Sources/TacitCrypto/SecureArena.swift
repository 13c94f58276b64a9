import Glibc
import Synchronization
import Logging
internal import CTacitOpenSSL

/// Where every `SecretBytes` lives: page-aligned memory that is locked into RAM (`mlock`, so it is
/// never written to swap) and excluded from core dumps (`MADV_DONTDUMP`), and wiped with
/// `OPENSSL_cleanse` before it is reused or unmapped.
///
/// Small secrets (keys, tokens) come from 64 KiB chunks carved into power-of-two blocks of 32 B to
/// 4 KiB; a larger one (a decrypted entry) gets a mapping of its own. When the lock limit
/// (`RLIMIT_MEMLOCK`) is reached, memory is still used but not locked, and that is logged once.
final class SecureArena: Sendable {
    /// The process-wide arena.
    static let shared = SecureArena()

    /// One block handed out by the arena.
    struct Block: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        /// `true` for a block with a mapping of its own (unmapped at release).
        let dedicated: Bool
    }

    static let chunkSize = 64 * 1024
    static let smallestClass = 32
    static let largestClass = 4096
    static let classCount = 8

    /// Raw pointers into the arena's own mappings, touched only under `state`'s lock.
    private struct State: ~Copyable, @unchecked Sendable {
        /// Free blocks per size class, index 0 for 32 bytes up to 7 for 4 KiB.
        var freeBlocks: [[UnsafeMutableRawPointer]] = Array(repeating: [], count: SecureArena.classCount)
        var lockFailures = 0
        var lockedBytes = 0
    }

    private let state = Locked(State())
    private let logger = Logger(label: "tacit.crypto.arena")

    /// Called with each released block right after it was wiped, before it is reused or unmapped.
    /// Tests use it to observe that the storage really is zero; nothing else sets it.
    static var releaseObserver: (@Sendable (UnsafeRawBufferPointer) -> Void)? {
        get { observer.withLock { $0 } }
        set {
            observer.withLock { $0 = newValue }
            hasObserver.store(newValue != nil, ordering: .releasing)
        }
    }
    private static let observer = Locked<(@Sendable (UnsafeRawBufferPointer) -> Void)?>(nil)
    // Checked without a lock on every release; only tests ever set an observer.
    private static let hasObserver = Atomic<Bool>(false)

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// The index of the size class a request of `count` bytes is served from, or `nil` when it
    /// needs its own mapping.
    static func classIndex(for count: Int) -> Int? {
        guard count <= largestClass else { return nil }
        var index = 0
        while smallestClass << index < count { index += 1 }
        return index
    }

    /// Bytes currently locked by the arena, and how many lock attempts failed (for tests and diagnostics).
    var statistics: (lockedBytes: Int, lockFailures: Int) {
        state.withLock { ($0.lockedBytes, $0.lockFailures) }
    }

    func allocate(_ count: Int) -> Block {
        precondition(count >= 0, "a negative secret size")
        guard let index = Self.classIndex(for: count) else {
            let length = (count + Self.pageSize - 1) / Self.pageSize * Self.pageSize
            return Block(base: map(length), capacity: length, dedicated: true)
        }
        let size = Self.smallestClass << index
        return state.withLock { state in
            if state.freeBlocks[index].isEmpty {
                let chunk = map(Self.chunkSize, state: &state)
                state.freeBlocks[index] = stride(from: 0, to: Self.chunkSize, by: size).map { chunk + $0 }
            }
            return Block(base: state.freeBlocks[index].removeLast(), capacity: size, dedicated: false)
        }
    }

    func release(_ block: Block) {
        OPENSSL_cleanse(block.base, block.capacity)
        if Self.hasObserver.load(ordering: .acquiring), let observe = Self.releaseObserver {
            observe(UnsafeRawBufferPointer(start: block.base, count: block.capacity))
        }
        if block.dedicated {
            if munlock(block.base, block.capacity) == 0 {
                state.withLock { $0.lockedBytes -= block.capacity }
            }
            munmap(block.base, block.capacity)
        } else {
            let index = Self.classIndex(for: block.capacity)!
            state.withLock { $0.freeBlocks[index].append(block.base) }
        }
    }

    private func map(_ length: Int) -> UnsafeMutableRawPointer {
        state.withLock { map(length, state: &$0) }
    }

    private func map(_ length: Int, state: inout State) -> UnsafeMutableRawPointer {
        let raw = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let raw, raw != MAP_FAILED else {
            // Without memory there is nothing safe to fall back to.
            fatalError("SecureArena: mmap of \(length) bytes failed (errno \(errno))")
        }
        // Best effort: a kernel without MADV_DONTDUMP still gets the process-wide core dump limit.
        _ = madvise(raw, length, MADV_DONTDUMP)
        if mlock(raw, length) == 0 {
            state.lockedBytes += length
        } else {
            state.lockFailures += 1
            if state.lockFailures == 1 {
                logger.warning(
                    "secret memory could not be locked (RLIMIT_MEMLOCK reached); secrets may be swapped from now on",
                    metadata: ["locked-bytes": "\(state.lockedBytes)"]
                )
            }
        }
        return raw
    }
}
