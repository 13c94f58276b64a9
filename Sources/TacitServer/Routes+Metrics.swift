import Foundation
import Hummingbird
import TacitAPI
import TacitMetrics
import TacitPolicy
import TacitVault

/// `POST /v1/metrics/exports`: the answer carries the file and its detached signature.
struct MetricsExportResponse: Codable, Sendable {
    var format: String
    /// The file's bytes, base64.
    var file: String
    /// The `.sig` file's text.
    var signature: String
    /// Whether this export charged the period's budget (a same-day repeat does not).
    var charged: Bool
    /// Whether this is the release already made today, returned byte for byte.
    var isRepeat: Bool
    /// Why every count is withheld (`population-changed`, …); empty when the release is released.
    /// The same as the release's own `withheldBecause`, so the CLI can say so for any format.
    var withheldBecause: [String]

    enum CodingKeys: String, CodingKey {
        case format, file, signature, charged, withheldBecause
        case isRepeat = "repeat"
    }
}

struct MetricsExportRequest: Codable, Sendable {
    var period: String
    var format: String?
}

extension Routes {
    static func addMetricsRoutes(to v1: RouterGroup<TacitRequestContext>, state: DaemonState) {
        let gate = PolicyGate(state: state)
        let ledger = VaultBudgetLedger(vault: state.vault)
        let exporter = MetricsExporter(configuration: state.configuration.metrics, ledger: ledger,
                                       instanceKey: state.instanceKey, logger: state.logger,
                                       clock: { [clock = state.clock] in clock.now() })

        v1.post("metrics/exports") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(MetricsExportRequest.self, limit: 4096)
            let period: MetricsPeriod
            do { period = try MetricsPeriod(parsing: input.period) } catch {
                throw APIError.badRequest("period must be a month, YYYY-MM")
            }
            guard let format = ExportFormat(rawValue: input.format ?? "json") else {
                throw APIError.badRequest("format must be json, csv or html")
            }
            // A month that has not begun is refused as such, before the policy would call its
            // empty cohort too small.
            do { try exporter.requireStarted(period) } catch let error as MetricsError { throw Self.map(error) }
            let facts = try await state.vault.metricsFacts()
            let metricsInput = try Self.metricsInput(facts)
            let configuration = state.configuration.metrics

            // The policy sees the cohort's size (public rosters) and the ε it would spend.
            let cohort = Self.cohortSize(facts, period: period, minimumGroup: configuration.minimumGroupMembers)
            let rows = try await state.vault.metricsLedger(period: period.description)
            let today = CalendarDay(state.now, in: .gmt).description
            let spentBefore = try VaultBudgetLedger.spent(rows.filter { $0.day != today })
            let cost = configuration.releaseEpsilon
            let left = spentBefore < configuration.monthlyBudget ? try configuration.monthlyBudget.subtracting(spentBefore) : .zero
            let denominator = Self.lcm(cost.denominator, left.denominator)
            let exportUID = EntityUID("Export", period.description)
            try await gate.require(identity.principal, "exportMetrics", on: exportUID, context: [
                "epsilonRequested": .long(Int64(cost.numerator * (denominator / cost.denominator))),
                "epsilonLeft": .long(Int64(left.numerator * (denominator / left.denominator))),
                "minGroups": .long(Int64(configuration.minimumCohortGroups)),
                "minMembers": .long(Int64(configuration.minimumCohortMembers)),
            ], entities: [
                Entity(exportUID, attributes: ["period": .string(period.description), "groups": .long(Int64(cohort.groups)),
                                               "members": .long(Int64(cohort.members))]),
            ], hideExistence: false, what: "export")

            let export: MetricsExport
            do {
                export = try await exporter.export(period: period) { metricsInput }
            } catch let error as MetricsError {
                throw Self.map(error)
            }
            try await audit(state, identity, "exportMetrics", period.description)
            let file = export.file(format)
            return try Response.json(MetricsExportResponse(
                format: format.rawValue, file: Data(file.bytes).base64EncodedString(),
                signature: String(decoding: file.signature, as: UTF8.self),
                charged: !export.isRepeat && !export.charged.isZero, isRepeat: export.isRepeat,
                withheldBecause: export.release.withheldBecause.map(\.rawValue)), status: .created)
        }
    }

    /// Clear metadata → the metrics' input types. Entries outside a group are not counted.
    static func metricsInput(_ facts: MetricsFacts) throws -> MetricsInput {
        var cyclesByGroup: [GroupID: [CycleFacts]] = [:]
        for cycle in facts.cycles {
            cyclesByGroup[cycle.group, default: []].append(CycleFacts(id: cycle.id.uuid, session1: cycle.session1,
                                                                      session2: cycle.session2))
        }
        let groups = facts.rosters.map {
            GroupFacts(id: $0.group.uuid, memberIDs: $0.members.map(\.uuid), cycles: cyclesByGroup[$0.group] ?? [])
        }
        var entries: [EntryFacts] = []
        entries.reserveCapacity(facts.entries.count)
        for entry in facts.entries {
            guard let kind = TacitMetrics.EntryKind(rawValue: entry.kind) else { continue }
            entries.append(EntryFacts(author: entry.author.uuid, group: entry.group.uuid, cycle: entry.cycle?.uuid,
                                      kind: kind, isoWeek: try ISOWeek(parsing: entry.isoWeek)))
        }
        let shares = facts.shares.map {
            ShareFacts(author: $0.author.uuid, group: $0.group.uuid,
                       isoWeek: ISOWeek(containing: CalendarDay($0.sharedAt, in: .gmt)))
        }
        return MetricsInput(groups: groups, entries: entries, shares: shares)
    }

    /// Groups with a cycle touching `period` and at least `minimumGroup` members, and their members.
    static func cohortSize(_ facts: MetricsFacts, period: MetricsPeriod, minimumGroup: Int) -> (groups: Int, members: Int) {
        let active = Set(facts.cycles.filter { cycle in
            let start = MetricsPeriod(containing: CalendarDay(cycle.session1, in: .gmt))
            let end = MetricsPeriod(containing: CalendarDay(cycle.session2.addingTimeInterval(7 * 86_400), in: .gmt))
            return start <= period && period <= end
        }.map(\.group))
        let rosters = facts.rosters.filter { active.contains($0.group) && $0.members.count >= minimumGroup }
        return (rosters.count, Set(rosters.flatMap(\.members)).count)
    }

    static func map(_ error: MetricsError) -> APIError {
        switch error.code {
        case .budgetExhausted: APIError(.forbidden, "denied", error.message, policies: ["export-over-budget"])
        case .periodInFuture, .malformedValue, .invalidInput: APIError.badRequest(error.message)
        case .ledgerBusy: APIError(.serviceUnavailable, "busy", error.message, retryAfter: 1)
        default: APIError(.serviceUnavailable, error.code.rawValue, error.message)
        }
    }

    static func lcm(_ a: Int, _ b: Int) -> Int {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        return a / gcd(a, b) * b
    }
}
