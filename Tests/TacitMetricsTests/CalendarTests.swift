import Foundation
import Testing
@testable import TacitMetrics

@Suite struct CalendarTests {
    @Test(arguments: [
        // Year boundaries: a week belongs to the month holding its Thursday.
        ("2020-W53", "2020-12"),   // 2020 began on a Wednesday and was a leap year: 53 weeks; Thu 31 Dec
        ("2021-W01", "2021-01"),   // Mon 4 Jan 2021, Thu 7 Jan
        ("2019-W01", "2019-01"),   // Mon 31 Dec 2018, Thu 3 Jan 2019
        ("2025-W01", "2025-01"),   // Mon 30 Dec 2024, Thu 2 Jan 2025
        ("2026-W01", "2026-01"),   // Mon 29 Dec 2025, Thu 1 Jan 2026
        ("2026-W53", "2026-12"),   // 2026 begins on a Thursday: 53 weeks; Thu 31 Dec
        ("2015-W53", "2015-12"),   // 2015 begins on a Thursday; Thu 31 Dec
        ("2024-W52", "2024-12"),   // Mon 23 Dec, Thu 26 Dec
        // Month boundaries inside a year.
        ("2026-W05", "2026-01"),   // Mon 26 Jan – Sun 1 Feb, Thu 29 Jan
        ("2026-W09", "2026-02"),   // Mon 23 Feb – Sun 1 Mar, Thu 26 Feb
        ("2026-W14", "2026-04"),   // Mon 30 Mar – Sun 5 Apr, Thu 2 Apr
        ("2024-W09", "2024-02"),   // leap year: Mon 26 Feb – Sun 3 Mar, Thu 29 Feb
    ])
    func weekBelongsToTheMonthOfItsThursday(week: String, month: String) throws {
        #expect(try ISOWeek(parsing: week).month == MetricsPeriod(parsing: month))
    }

    @Test func week53ExistsOnlyInLongYears() throws {
        for year in [2015, 2020, 2026, 2032] { #expect(throws: Never.self) { try ISOWeek(year: year, week: 53) } }
        for year in [2019, 2021, 2024, 2025] {
            #expect(throws: MetricsError.self) { try ISOWeek(year: year, week: 53) }
        }
        #expect(throws: MetricsError.self) { try ISOWeek(parsing: "2021-W53") }
        #expect(throws: MetricsError.self) { try ISOWeek(parsing: "2026-W00") }
    }

    @Test func everyDayMapsToTheWeekWhoseThursdayDecidesItsMonth() throws {
        // Walk ten years day by day: the week of a day has that day within Monday…Sunday of it,
        // and the week's Thursday is the day + (4 − weekday).
        var day = CalendarDay(dayNumber: CivilCalendar.dayNumber(year: 2018, month: 1, day: 1))
        var counted: [ISOWeek: Int] = [:]
        while day.year < 2028 {
            let week = ISOWeek(containing: day)
            let thursday = day.dayNumber + 4 - CivilCalendar.isoWeekday(day.dayNumber)
            #expect(week.thursday.dayNumber == thursday)
            #expect(try ISOWeek(parsing: week.description) == week)
            counted[week, default: 0] += 1
            day = CalendarDay(dayNumber: day.dayNumber + 1)
        }
        // Every full week was seen seven times: no week is split or doubled.
        let inner = counted.filter { $0.key.year > 2018 && $0.key.year < 2027 }
        #expect(inner.values.allSatisfy { $0 == 7 })
        #expect(inner.count == (2019...2026).map(CivilCalendar.isoWeeks(in:)).reduce(0, +))
    }

    @Test func thePeriodsWeeksAreExactlyThoseWhoseThursdayIsInIt() throws {
        for year in 2018...2028 {
            for week in 1...CivilCalendar.isoWeeks(in: year) {
                let isoWeek = try ISOWeek(year: year, week: week)
                for month in 1...12 {
                    let period = try MetricsPeriod(year: year, month: month)
                    #expect(CohortTally.weeks(of: period).contains(isoWeek) == (isoWeek.month == period))
                }
            }
        }
        #expect(CohortTally.weeks(of: try MetricsPeriod(parsing: "2026-03")).map(\.description)
                == ["2026-W10", "2026-W11", "2026-W12", "2026-W13"])
        #expect(CohortTally.weeks(of: try MetricsPeriod(parsing: "2026-12")).count == 5)
    }

    @Test func writtenFormsAreStrict() {
        for bad in ["2026-3", "2026-13", "26-03", "2026/03", " 2026-03", "2026-03 ", "1969-12", "２０２６-03"] {
            #expect(throws: MetricsError.self) { try MetricsPeriod(parsing: bad) }
        }
        for bad in ["2026-W1", "2026W10", "2026-w10", "2026-W10x", "2026-10"] {
            #expect(throws: MetricsError.self) { try ISOWeek(parsing: bad) }
        }
        for bad in ["2026-02-29", "2026-04-31", "2026-4-01", "2026-04-01T00"] {
            #expect(throws: MetricsError.self) { try CalendarDay(parsing: bad) }
        }
        #expect((try? CalendarDay(parsing: "2024-02-29"))?.description == "2024-02-29")
    }

    @Test func dayOfADateFollowsTheTimeZone() throws {
        // 23:30 UTC on 31 March is already 1 April in Berlin (UTC+2 in summer time).
        let date = Fixture.date("2026-03-31").addingTimeInterval(11.5 * 3600)
        #expect(CalendarDay(date, in: .gmt).description == "2026-03-31")
        #expect(CalendarDay(date, in: TimeZone(identifier: "Europe/Berlin")!).description == "2026-04-01")
        #expect(CalendarDay(Date(timeIntervalSince1970: -1), in: .gmt).description == "1969-12-31")
    }
}
