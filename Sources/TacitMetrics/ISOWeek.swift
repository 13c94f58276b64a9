/// An ISO 8601 week, `YYYY-Www`: the only time an entry or a share carries in clear.
///
/// A week belongs to the month holding its Thursday, so every week lies in exactly one month and
/// weeks that straddle a month or a year boundary are never counted twice.
public struct ISOWeek: Hashable, Sendable, CustomStringConvertible {
    /// The ISO week-numbering year (which can differ from the calendar year near 1 January).
    public let year: Int
    /// The week, 1…52 or 53.
    public let week: Int

    /// Week `week` of ISO year `year`.
    ///
    /// - Throws: `MetricsError.malformedValue` for a week the year does not have (week 53 exists
    ///   only in years that begin on a Thursday, or leap years that begin on a Wednesday).
    public init(year: Int, week: Int) throws {
        guard CivilCalendar.years.contains(year), (1...CivilCalendar.isoWeeks(in: year)).contains(week) else {
            throw MetricsError.malformed("an ISO week", "\(year)-W\(week)", expected: "an existing week YYYY-Www")
        }
        self.year = year
        self.week = week
    }

    /// Parses `YYYY-Www`, as the vault's clear column stores it.
    ///
    /// - Throws: `MetricsError.malformedValue` for another form or a week the year does not have.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].first == "W",
              let year = CivilCalendar.digits(parts[0], count: 4),
              let week = CivilCalendar.digits(parts[1].dropFirst(), count: 2) else {
            throw MetricsError.malformed("an ISO week", text, expected: "YYYY-Www")
        }
        do { try self.init(year: year, week: week) } catch {
            throw MetricsError.malformed("an ISO week", text, expected: "an existing week YYYY-Www")
        }
    }

    /// The ISO week holding `day`.
    public init(containing day: CalendarDay) {
        let number = day.dayNumber
        // The week's Thursday decides its year.
        let thursday = number - (CivilCalendar.isoWeekday(number) - 1) + 3
        let year = CivilCalendar.civil(thursday).year
        self.year = year
        self.week = (thursday - CivilCalendar.mondayOfWeekOne(year)) / 7 + 1
    }

    /// The day of the week's Thursday.
    public var thursday: CalendarDay {
        CalendarDay(dayNumber: CivilCalendar.mondayOfWeekOne(year) + 7 * (week - 1) + 3)
    }

    /// The month the week belongs to: the one holding its Thursday.
    public var month: MetricsPeriod { MetricsPeriod(containing: thursday) }

    /// `YYYY-Www`.
    public var description: String { "\(CivilCalendar.pad(year, 4))-W\(CivilCalendar.pad(week, 2))" }
}
