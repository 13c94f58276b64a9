import Foundation

/// A calendar month, `YYYY-MM`: the period every release covers and every budget belongs to.
public struct MetricsPeriod: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The year, 1970…9999.
    public let year: Int
    /// The month, 1…12.
    public let month: Int

    /// The month `year`-`month`.
    ///
    /// - Throws: `MetricsError.malformedValue` outside 1970-01…9999-12.
    public init(year: Int, month: Int) throws {
        guard CivilCalendar.years.contains(year), (1...12).contains(month) else {
            throw MetricsError.malformed("a period", "\(year)-\(month)", expected: "YYYY-MM")
        }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    ///
    /// - Throws: `MetricsError.malformedValue` for any other form or a month outside 01…12.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let year = CivilCalendar.digits(parts[0], count: 4),
              let month = CivilCalendar.digits(parts[1], count: 2) else {
            throw MetricsError.malformed("a period", text, expected: "YYYY-MM")
        }
        do { try self.init(year: year, month: month) } catch {
            throw MetricsError.malformed("a period", text, expected: "YYYY-MM")
        }
    }

    /// The month holding `day`.
    public init(containing day: CalendarDay) {
        year = day.year
        month = day.month
    }

    /// `YYYY-MM`.
    public var description: String { "\(CivilCalendar.pad(year, 4))-\(CivilCalendar.pad(month, 2))" }

    /// Orders months in time.
    public static func < (lhs: MetricsPeriod, rhs: MetricsPeriod) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    /// Day numbers (days since 1970-01-01) of the month's first and last days.
    var dayRange: ClosedRange<Int> {
        let first = CivilCalendar.dayNumber(year: year, month: month, day: 1)
        return first...(first + CivilCalendar.daysInMonth(year: year, month: month) - 1)
    }
}

extension MetricsPeriod: Codable {
    /// Decodes `YYYY-MM`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for another form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    /// Encodes `YYYY-MM`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar day, `YYYY-MM-DD`: a release is keyed by its period and the day it was made.
public struct CalendarDay: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…31.
    public let day: Int

    /// The day holding `date` in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        self.init(dayNumber: CivilCalendar.dayNumber(of: date, in: timeZone))
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// - Throws: `MetricsError.malformedValue` for another form or a day the month does not have.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let year = CivilCalendar.digits(parts[0], count: 4),
              let month = CivilCalendar.digits(parts[1], count: 2),
              let day = CivilCalendar.digits(parts[2], count: 2),
              CivilCalendar.years.contains(year), (1...12).contains(month),
              (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day) else {
            throw MetricsError.malformed("a day", text, expected: "YYYY-MM-DD")
        }
        (self.year, self.month, self.day) = (year, month, day)
    }

    init(dayNumber: Int) {
        (year, month, day) = CivilCalendar.civil(dayNumber)
    }

    /// Days since 1970-01-01.
    var dayNumber: Int { CivilCalendar.dayNumber(year: year, month: month, day: day) }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(CivilCalendar.pad(year, 4))-\(CivilCalendar.pad(month, 2))-\(CivilCalendar.pad(day, 2))"
    }

    /// Orders days in time.
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.dayNumber < rhs.dayNumber }
}

extension CalendarDay: Codable {
    /// Decodes `YYYY-MM-DD`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for another form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
