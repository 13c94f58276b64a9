import Foundation

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

    /// The ISO week of `date` as `YYYY-Www`.
    func isoWeek(_ date: Date) -> String {
        let parts = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        let year = parts.yearForWeekOfYear ?? 0, week = parts.weekOfYear ?? 0
        return "\(year)-W\(week < 10 ? "0" : "")\(week)"
    }

    /// The start of `date`'s day.
    func startOfDay(_ date: Date) -> Date { iso.startOfDay(for: date) }

    /// `date` moved by whole days.
    func adding(days: Int, to date: Date) -> Date { iso.date(byAdding: .day, value: days, to: date) ?? date }
}
