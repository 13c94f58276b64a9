import Glibc

/// A value behind a `pthread_mutex_t`: `withLock` runs a closure with exclusive access.
///
/// Used instead of `Synchronization.Mutex`, whose Linux implementation waits on futexes in an
/// uninstrumented library: ThreadSanitizer cannot see it lock, and reported every access under
/// it as a race (≈570 false reports per run), which hid any real one. pthread mutexes are
/// intercepted, so a TSan run of this code reports only what is real.
public final class Locked<Value: ~Copyable> {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: consuming Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock.
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// Shared across threads only when what it guards may be: the lock orders the accesses, `Sendable`
/// keeps a value that must stay on one thread from leaving through `withLock`.
extension Locked: @unchecked Sendable where Value: ~Copyable & Sendable {}
