import ArgumentParser
import Foundation

/// Dates as people type and read them: `YYYY-MM-DD` (or a full ISO 8601 time) in, local
/// `YYYY-MM-DD HH:MM` out.
///
/// Listings parse and print two dates a row, so the common paths use value-type format styles and
/// one calendar made once: a Foundation formatter costs far more to create than to use (about
/// 0.1 ms each, two seconds for `tacit list --all` over 10,000 entries).
enum DateText {
    private static let isoStyle = Date.ISO8601FormatStyle()
    private static let isoFractionalStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    /// The local calendar, for printing.
    private static let local: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        return calendar
    }()

    /// Whether the numbers of a `YYYY-MM-DD[THH:MM[:SS[.f]]][zone]` text name a real day and time:
    /// Foundation's parsers read 2026-02-30 as March 2 and hour 25 as the next day's first hour,
    /// which put a mistyped date into a journal unseen. A text of another shape is not judged here.
    ///
    /// Read byte by byte, not with a Regex: every date of every answer from the daemon passes here
    /// (a listing of 10,000 entries has 20,000), and a Swift Regex cost about 100 µs a date.
    static func isReal(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func number(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for byte in b[at..<(at + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2) else { return true }
        guard (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        guard day >= 1, day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] else { return false }
        guard b.count > 10 else { return true }
        // THH:MM, then :SS and a fraction, then a zone (Z or ±HH[:]MM); another shape is not judged.
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b.count >= 16, b[13] == UInt8(ascii: ":"),
              let hour = number(11, 2), let minute = number(14, 2) else { return true }
        guard hour <= 23, minute <= 59 else { return false }
        var at = 16
        if at < b.count, b[at] == UInt8(ascii: ":") {
            guard let second = number(at + 1, 2) else { return true }
            guard second <= 59 else { return false }
            at += 3
            if at < b.count, b[at] == UInt8(ascii: ".") || b[at] == UInt8(ascii: ",") {
                at += 1
                while at < b.count, (48...57).contains(b[at]) { at += 1 }
            }
        }
        guard at < b.count, b[at] == UInt8(ascii: "+") || b[at] == UInt8(ascii: "-") else { return true }
        guard let offsetHours = number(at + 1, 2) else { return true }
        let minutesAt = at + 3 < b.count && b[at + 3] == UInt8(ascii: ":") ? at + 4 : at + 3
        let offsetMinutes = number(minutesAt, 2) ?? 0
        return offsetHours <= 14 && offsetMinutes <= 59
    }

    /// Parses an ISO 8601 time with or without fractional seconds; `nil` for a day or time that
    /// does not exist (`isReal`).
    static func parseISO(_ text: String) -> Date? {
        guard isReal(text) else { return nil }
        if let date = try? isoStyle.parse(text) { return date }
        if let date = try? isoFractionalStyle.parse(text) { return date }
        // What the styles do not take (other offsets' spellings) goes to the full formatter.
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// Parses what a person typed: `YYYY-MM-DD` (at `hour` local time), `YYYY-MM-DD HH:MM` (or with
    /// a `T`, or seconds: local time) or ISO 8601 with a zone.
    ///
    /// - Throws: `ValidationError` (exit 2) naming the option and the accepted forms.
    static func parse(_ text: String, option: String, hour: Int = 0) throws -> Date {
        guard isReal(text) else {
            throw ValidationError("\(option): '\(text)' is not a real day or time (a month's days, hours 00–23, minutes 00–59)")
        }
        if let date = parseISO(text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        // Local times, with a space or ISO 8601's T, with or without seconds (no zone: ISO 8601's
        // own forms, with one, are read above).
        for format in ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.isLenient = false
        if text.count == 10, let day = formatter.date(from: text) {
            return day.addingTimeInterval(TimeInterval(hour * 3600))
        }
        throw ValidationError("\(option): '\(text)' is not a date — use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or ISO 8601")
    }

    /// Like `parse`, for the end of a span: a bare day means the whole day, to its last second.
    static func parseEnd(_ text: String, option: String) throws -> Date {
        let date = try parse(text, option: option)
        guard text.count == 10 else { return date }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        return (calendar.date(byAdding: .day, value: 1, to: date) ?? date.addingTimeInterval(86_400)).addingTimeInterval(-1)
    }

    /// The first moment after a span that `text` ends: a bare day means the next day's midnight
    /// (the whole day is in the span), a day with a time that time.
    static func parseAfter(_ text: String, option: String) throws -> Date {
        try parseEnd(text, option: option).addingTimeInterval(text.count == 10 ? 1 : 0)
    }

    /// A date as the daemon's filters take it (ISO 8601, UTC).
    static func iso(_ date: Date) -> String {
        isoStyle.format(date)
    }

    /// `2026-03-02 09:00` in the local time zone.
    static func minute(_ date: Date) -> String {
        let parts = local.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(day(parts)) \(twoDigits(parts.hour)):\(twoDigits(parts.minute))"
    }

    /// `2026-03-02` in the local time zone.
    static func day(_ date: Date) -> String {
        day(local.dateComponents([.year, .month, .day], from: date))
    }

    private static func day(_ parts: DateComponents) -> String {
        let year = String(parts.year ?? 0)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(twoDigits(parts.month))-\(twoDigits(parts.day))"
    }

    private static func twoDigits(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : String(value)
    }

    /// A share's end, or "end of cycle" for one without a date of its own. A share given a day
    /// (`--until 2026-04-06`) ends at the midnight after it, and is shown as it was given — "end
    /// of 2026-04-06" rather than "2026-04-07 00:00".
    static func expiry(_ date: Date) -> String {
        if date.timeIntervalSince1970 > 8_000_000_000 { return "end of cycle" }
        let parts = local.dateComponents([.hour, .minute, .second, .nanosecond], from: date)
        if parts.hour == 0, parts.minute == 0, parts.second == 0, parts.nanosecond ?? 0 < 1_000_000 {
            return "end of " + day(date.addingTimeInterval(-1))
        }
        return minute(date)
    }
}
