import Foundation

/// Proleptic Gregorian day arithmetic on integers: days since 1970-01-01, with no `Calendar`, so
/// the week-to-month rule is exact and the same on every host.
///
/// The conversions are Howard Hinnant's `days_from_civil` / `civil_from_days`.
package enum CivilCalendar {
    /// Years a period, day or ISO week may name.
    static let years = 1970...9999

    /// Days since 1970-01-01 of a date.
    package static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number.
    package static func civil(_ dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// ISO weekday of a day number: Monday 1 … Sunday 7 (1970-01-01 was a Thursday).
    static func isoWeekday(_ dayNumber: Int) -> Int {
        let r = (dayNumber + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The Monday of ISO week 1 of `year`: week 1 is the week holding 4 January.
    static func mondayOfWeekOne(_ year: Int) -> Int {
        let january4 = dayNumber(year: year, month: 1, day: 4)
        return january4 - (isoWeekday(january4) - 1)
    }

    /// 52 or 53: a year has 53 ISO weeks when it begins on a Thursday, or is a leap year that
    /// begins on a Wednesday.
    static func isoWeeks(in year: Int) -> Int {
        let january1 = isoWeekday(dayNumber(year: year, month: 1, day: 1))
        return january1 == 4 || (january1 == 3 && isLeap(year)) ? 53 : 52
    }

    /// The day number holding `date` in `timeZone`.
    static func dayNumber(of date: Date, in timeZone: TimeZone) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        let (quotient, remainder) = seconds.quotientAndRemainder(dividingBy: 86_400)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// Parses exactly `count` ASCII digits.
    static func digits(_ text: Substring, count: Int) -> Int? {
        guard text.utf8.count == count, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
