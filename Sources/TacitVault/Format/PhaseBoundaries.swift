import Foundation
import TacitCrypto

/// Where a cycle's phases begin, in the configured time zone: computed from its two session dates
/// with `Calendar` once, then compared by every decision that asks for the phase.
struct PhaseBoundaries: Sendable {
    /// The start of session 1's day.
    let day1: Date
    /// The end of session 1's day.
    let day1End: Date
    /// The start of the reflection phase: `reflectionDays` before session 2's day, not before `day1End`.
    let reflection: Date
    /// The start of session 2's day.
    let day2: Date
    /// The end of session 2's day plus the grace days: the cycle is closed from here on.
    let closed: Date

    init(session1: Date, session2: Date, calendar: CalendarMath, configuration: VaultConfiguration) {
        day1 = calendar.startOfDay(session1)
        day1End = calendar.adding(days: 1, to: day1)
        day2 = calendar.startOfDay(session2)
        reflection = max(day1End, calendar.adding(days: -configuration.reflectionDays, to: day2))
        closed = calendar.adding(days: 1 + configuration.graceDays, to: day2)
    }

    func phase(at date: Date) -> CyclePhase {
        switch date {
        case ..<day1: .planning
        case ..<day1End: .session1
        case ..<reflection: .practice
        case ..<day2: .reflection
        case ..<closed: .session2
        default: .closed
        }
    }
}

/// The boundaries of the cycles asked about recently, keyed by their session dates (a rescheduled
/// cycle is a new key). Calendar arithmetic was 3–4% of a write through the API, asked for by the
/// cycle lookup, the entry's kind and the policy's `phase` attribute of every request.
final class PhaseBoundaryMemo: Sendable {
    private struct Key: Hashable {
        let session1: Double, session2: Double
    }

    /// More cycles than an instance has open at once; when full, the memo starts again empty.
    static let capacity = 512

    private let memo = BoundedMemo<Key, PhaseBoundaries>(capacity: capacity)

    func boundaries(of cycle: Cycle, calendar: CalendarMath, configuration: VaultConfiguration) -> PhaseBoundaries {
        let key = Key(session1: cycle.session1.timeIntervalSinceReferenceDate, session2: cycle.session2.timeIntervalSinceReferenceDate)
        return memo.value(for: key) {
            PhaseBoundaries(session1: cycle.session1, session2: cycle.session2, calendar: calendar, configuration: configuration)
        }
    }

    /// How many cycles are remembered (tests).
    var count: Int { memo.count }
}
