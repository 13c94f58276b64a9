import ArgumentParser
import Foundation

/// Dates as people type and read them: `YYYY-MM-DD` (or a full ISO 8601 time) in, local
/// `YYYY-MM-DD HH:MM` out.
enum DateText {
    /// Parses an ISO 8601 time with or without fractional seconds.
    static func parseISO(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// Parses what a person typed: `YYYY-MM-DD` (at `hour` local time), `YYYY-MM-DD HH:MM` or ISO 8601.
    ///
    /// - Throws: `ValidationError` (exit 2) naming the option and the accepted forms.
    static func parse(_ text: String, option: String, hour: Int = 0) throws -> Date {
        if let date = parseISO(text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        if let date = formatter.date(from: text) { return date }
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.isLenient = false
        if text.count == 10, let day = formatter.date(from: text) {
            return day.addingTimeInterval(TimeInterval(hour * 3600))
        }
        throw ValidationError("\(option): '\(text)' is not a date — use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or ISO 8601")
    }

    /// A date as the daemon's filters take it (ISO 8601, UTC).
    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// `2026-03-02 09:00` in the local time zone.
    static func minute(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// `2026-03-02` in the local time zone.
    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    /// A share's end, or "end of cycle" for one without a date of its own.
    static func expiry(_ date: Date) -> String {
        date.timeIntervalSince1970 > 8_000_000_000 ? "end of cycle" : minute(date)
    }
}
