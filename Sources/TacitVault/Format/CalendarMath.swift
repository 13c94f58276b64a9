import Foundation
import TacitCrypto

/// ISO weeks and day boundaries in the configured time zone.
struct CalendarMath: Sendable {
    let timeZone: TimeZone
    /// Built once: creating a Calendar per entry dominated bulk imports.
    private let iso: Calendar

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        iso = calendar
    }

    /// The last week computed, with its interval: every entry of a write or an import in the same
    /// week is classified without asking Foundation again (a few µs per entry).
    private let lastWeek = WeekMemo()

    /// The ISO week of `date` as `YYYY-Www`.
    func isoWeek(_ date: Date) -> String {
        if let week = lastWeek.week(containing: date) { return week }
        let week = computedISOWeek(date)
        if let interval = iso.dateInterval(of: .weekOfYear, for: date) { lastWeek.remember(week, for: interval) }
        return week
    }

    /// The ISO week of `date`, always from Foundation.
    func computedISOWeek(_ date: Date) -> String {
        let parts = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        let year = parts.yearForWeekOfYear ?? 0, week = parts.weekOfYear ?? 0
        return "\(year)-W\(week < 10 ? "0" : "")\(week)"
    }

    /// The start of `date`'s day.
    func startOfDay(_ date: Date) -> Date { iso.startOfDay(for: date) }

    /// `date` moved by whole days.
    func adding(days: Int, to date: Date) -> Date { iso.date(byAdding: .day, value: days, to: date) ?? date }

    /// Whole calendar days from `start`'s day to `end`'s (a daylight-saving change between them
    /// makes no day 23 or 25 hours long here).
    func days(from start: Date, to end: Date) -> Int {
        iso.dateComponents([.day], from: iso.startOfDay(for: start), to: iso.startOfDay(for: end)).day ?? 0
    }
}

/// One remembered ISO week and the interval it covers.
final class WeekMemo: Sendable {
    private let state = Locked<(interval: DateInterval, week: String)?>(nil)

    func week(containing date: Date) -> String? {
        state.withLock { memo in
            guard let memo, memo.interval.start <= date, date < memo.interval.end else { return nil }
            return memo.week
        }
    }

    func remember(_ week: String, for interval: DateInterval) { state.withLock { $0 = (interval, week) } }
}
