import Foundation

/// Slows down passphrase guessing, per name: after 3 failed unlocks of a name the next attempt must
/// wait, and the wait doubles with each further failure (1 s, 2 s, 4 s … up to 15 minutes).
///
/// Names are tracked whether or not they exist, so the backoff itself reveals no names. Pure state:
/// the caller passes the time twice — the daemon's clock and a monotonic one — and a wait is over
/// when either has moved on far enough: a test configuration's clock file moves the daemon's time
/// by hand (tests step through the waits), and a person at a daemon on a clock file nobody moves
/// still gets in after waiting; a system clock set back does not lengthen anyone's wait.
struct UnlockBackoff: Sendable {
    static let freeAttempts = 3
    static let longestDelay: TimeInterval = 15 * 60
    /// Bounds memory under a flood of made-up names: the oldest idle entries go first.
    static let capacity = 50_000

    private struct Record: Sendable {
        var failures: Int
        var lastFailure: Date
        var lastFailureInstant: ContinuousClock.Instant
    }

    private var records: [String: Record] = [:]

    /// How long `name` must still wait before another attempt, or `nil` if it may try now.
    func wait(for name: String, now: Date, instant: ContinuousClock.Instant) -> TimeInterval? {
        guard let record = records[Self.key(name)], record.failures >= Self.freeAttempts else { return nil }
        let waited = max(now.timeIntervalSince(record.lastFailure), (instant - record.lastFailureInstant) / .seconds(1))
        let remaining = Self.delay(afterFailures: record.failures) - waited
        return remaining > 0 ? remaining : nil
    }

    /// Records a failed unlock of `name`.
    mutating func recordFailure(for name: String, now: Date, instant: ContinuousClock.Instant) {
        let key = Self.key(name)
        var record = records[key] ?? Record(failures: 0, lastFailure: now, lastFailureInstant: instant)
        record.failures += 1
        record.lastFailure = now
        record.lastFailureInstant = instant
        records[key] = record
        if records.count > Self.capacity { evict(now: now) }
    }

    /// Forgets the failures of `name` after a successful unlock.
    mutating func recordSuccess(for name: String) {
        records[Self.key(name)] = nil
    }

    /// The delay owed after `failures` failures: none for the first three, then 1 s doubling.
    static func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeAttempts else { return 0 }
        let exponent = min(failures - freeAttempts, 20)
        return min(longestDelay, TimeInterval(1 << exponent))
    }

    private static func key(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping.lowercased()
    }

    private mutating func evict(now: Date) {
        // Forget names whose delay has long run out; if that is not enough, the oldest half.
        records = records.filter { now.timeIntervalSince($0.value.lastFailure) < Self.longestDelay * 2 }
        if records.count > Self.capacity {
            let keep = records.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(Self.capacity / 2)
            records = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
