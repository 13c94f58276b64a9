import Foundation
import Logging
import TacitCrypto
@testable import TacitMetrics

/// Builders for metadata, clocks and exporters shared by the tests.
enum Fixture {
    static let period = try! MetricsPeriod(parsing: "2026-03")

    /// Noon UTC on `day` (`YYYY-MM-DD`).
    static func date(_ day: String) -> Date {
        let parsed = try! CalendarDay(parsing: day)
        return Date(timeIntervalSince1970: TimeInterval(parsed.dayNumber * 86_400 + 43_200))
    }

    static func week(_ text: String) -> ISOWeek { try! ISOWeek(parsing: text) }

    /// A group of `size` fresh members with one cycle in March 2026 (session 2 on 24 March).
    static func group(size: Int, session1: String = "2026-03-03", session2: String = "2026-03-24") -> GroupFacts {
        GroupFacts(id: UUID(), memberIDs: (0..<size).map { _ in UUID() },
                   cycles: [CycleFacts(id: UUID(), session1: date(session1), session2: date(session2))])
    }

    /// Metadata for groups of `sizes`: every member writes `entriesEach` entries spread over the
    /// kinds in March's weeks, shares one, and writes a reflection for the group's cycle.
    static func input(sizes: [Int], entriesEach: Int = 4) -> MetricsInput {
        let groups = sizes.map { group(size: $0) }
        return input(groups: groups, entriesEach: entriesEach)
    }

    static func input(groups: [GroupFacts], entriesEach: Int = 4) -> MetricsInput {
        var entries: [EntryFacts] = []
        var shares: [ShareFacts] = []
        let weeks = ["2026-W10", "2026-W11", "2026-W12", "2026-W13"].map(week)
        for group in groups {
            for (index, member) in group.memberIDs.enumerated() {
                for n in 0..<entriesEach {
                    let kind = EntryKind.allCases[(index + n) % EntryKind.allCases.count]
                    entries.append(EntryFacts(author: member, group: group.id, cycle: group.cycles.first?.id,
                                              kind: kind, isoWeek: weeks[n % weeks.count]))
                }
                entries.append(EntryFacts(author: member, group: group.id, cycle: group.cycles.first?.id,
                                          kind: .reflection, isoWeek: week("2026-W12")))
                shares.append(ShareFacts(author: member, group: group.id, isoWeek: week("2026-W11")))
            }
        }
        return MetricsInput(groups: groups, entries: entries, shares: shares)
    }

    static let instanceKey = try! Ed25519.PrivateKey()

    static func exporter(configuration: MetricsConfiguration = .standard, ledger: any BudgetLedger = InMemoryBudgetLedger(),
                         clock: TestClock = TestClock("2026-04-02"), random: any RandomSource = SystemRandomSource(),
                         logger: Logger = Logger(label: "test.metrics", factory: { _ in SwiftLogNoOpLogHandler() })) -> MetricsExporter {
        MetricsExporter(configuration: configuration, ledger: ledger, instanceKey: instanceKey, logger: logger,
                        random: random, clock: { clock.now })
    }

    /// A configuration with large ε, so values are (almost always) the true counts: for tests that
    /// look at values, never for privacy.
    static let nearlyExact = try! MetricsConfiguration(
        monthlyBudget: try! Rational(100, 1),
        epsilon: Dictionary(uniqueKeysWithValues: MetricID.noisy.map { ($0, try! Rational(8, 1)) }))
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ day: String) { current = Fixture.date(day) }

    var now: Date { lock.withLock { current } }

    func set(_ day: String) { lock.withLock { current = Fixture.date(day) } }
}

/// A log handler that keeps every line in memory, so tests can read what was logged.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func append(_ line: String) { lock.withLock { lines.append(line) } }

    var logger: Logger {
        Logger(label: "test.metrics") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " "))")
        }
    }
}

/// A random source that fails, to show a failed export charges nothing.
struct FailingRandom: RandomSource {
    func uniform(below upperBound: UInt64) throws -> UInt64 {
        throw MetricsError(.cryptoFailure, "no randomness in this test")
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

extension Rational {
    /// One half: what a release costs under the standard configuration.
    static let half = try! Rational(1, 2)
}
