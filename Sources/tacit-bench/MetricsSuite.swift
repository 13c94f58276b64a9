import Foundation
import Logging
import TacitCrypto
import TacitMetrics

/// The metrics suite: a whole export (count, threshold, noise, pseudonyms, ledger, JSON/CSV/HTML,
/// three signatures) over metadata of 300,000 and 1,000,000 entries, against a plain loop that only
/// walks the same entries and counts them by kind, in the same process.
enum MetricsSuite {
    static let period = try! MetricsPeriod(parsing: "2026-03")

    static func run() async throws {
        let key = try Ed25519.PrivateKey()
        let shapes: [(name: String, groups: Int, members: Int, entries: Int)] = [
            ("1,000 groups × 6 members × 50 entries", 1_000, 6, 300_000),
            ("1,000 groups × 6 members × ~167 entries", 1_000, 6, 1_000_000),
            ("3,334 groups × 6 members × 50 entries", 3_334, 6, 1_000_200),
        ]
        var rows: [[String]] = []
        var timings: [Double] = []
        for shape in shapes {
            let input = makeInput(groups: shape.groups, members: shape.members, entries: shape.entries)
            var exportTimes: [Double] = [], loopTimes: [Double] = []
            for _ in 0..<5 {
                loopTimes.append(Measure.time(iterations: 1) { blackHole(plainLoop(input)) })
                // A fresh ledger each round: otherwise the second round would be a free same-day repeat.
                let exporter = MetricsExporter(configuration: .standard, ledger: InMemoryBudgetLedger(), instanceKey: key,
                                               logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }),
                                               clock: { Date(timeIntervalSince1970: 1_775_131_200) })   // 2026-04-02
                let start = Measure.now()
                let export = try await exporter.export(period: period) { input }
                exportTimes.append(Measure.now() - start)
                precondition(export.release.status == .released, "the bench cohort must be released")
            }
            let export = Measure.median(exportTimes), loop = Measure.median(loopTimes)
            timings.append(export)
            rows.append([shape.name, "\(input.entries.count)", Measure.format(loop * 1000, 1),
                         Measure.format(export * 1000, 1), Measure.format(export / loop, 1)])
        }
        print("metrics export (whole pipeline) vs a plain counting loop over the same entries, median of 5")
        Measure.table(["input", "entries", "plain loop ms", "export ms", "ratio to loop"], rows)
        print("growth 300k → 1M entries (×3.33): ×\(Measure.format(timings[1] / timings[0])) more entries per member, "
              + "×\(Measure.format(timings[2] / timings[0])) more groups")
        print("goal: export of 300,000 entries ≤ 2 s; time grows no faster than the entries\n")
    }

    /// The baseline: one pass over the entries and shares, counting by kind and by week.
    static func plainLoop(_ input: MetricsInput) -> Int {
        var kinds = [Int](repeating: 0, count: EntryKind.allCases.count)
        var lateWeeks = 0
        for entry in input.entries {
            switch entry.kind {
            case .commitment: kinds[0] += 1
            case .practice: kinds[1] += 1
            case .reflection: kinds[2] += 1
            case .insight: kinds[3] += 1
            case .note: kinds[4] += 1
            }
            if entry.isoWeek.week > 26 { lateWeeks += 1 }
        }
        return kinds.reduce(lateWeeks, +) + input.shares.count
    }

    @inline(never) static func blackHole(_ value: Int) {
        if value == -1 { print("") }
    }

    /// Metadata like a year of an organisation's journals: entries spread over 2026's weeks and the
    /// kinds, a share for every fifth entry, one cycle per group ending in March.
    static func makeInput(groups groupCount: Int, members: Int, entries entryCount: Int) -> MetricsInput {
        let weeks = (1...52).map { try! ISOWeek(year: 2026, week: $0) }
        let session1 = Date(timeIntervalSince1970: 1_772_539_200)   // 2026-03-03
        let session2 = Date(timeIntervalSince1970: 1_774_353_600)   // 2026-03-24
        var groups: [GroupFacts] = []
        for _ in 0..<groupCount {
            groups.append(GroupFacts(id: UUID(), memberIDs: (0..<members).map { _ in UUID() },
                                     cycles: [CycleFacts(id: UUID(), session1: session1, session2: session2)]))
        }
        let authors = groups.flatMap { group in group.memberIDs.map { (group.id, group.cycles[0].id, $0) } }
        var entries: [EntryFacts] = []
        var shares: [ShareFacts] = []
        entries.reserveCapacity(entryCount)
        for n in 0..<entryCount {
            let (group, cycle, author) = authors[n % authors.count]
            let week = weeks[(n / authors.count + n) % weeks.count]
            let kind = EntryKind.allCases[(n / 7) % EntryKind.allCases.count]
            entries.append(EntryFacts(author: author, group: group, cycle: kind == .reflection ? cycle : nil,
                                      kind: kind, isoWeek: week))
            if n % 5 == 0 { shares.append(ShareFacts(author: author, group: group, isoWeek: week)) }
        }
        return MetricsInput(groups: groups, entries: entries, shares: shares)
    }
}
