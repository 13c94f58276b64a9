import Foundation
import Logging
import TacitCrypto

/// Makes a period's release: counts the cohort, applies the thresholds, adds integer noise, gives
/// pseudonyms, charges the budget ledger, and renders and signs the JSON, CSV and HTML files.
///
/// ```swift
/// let exporter = MetricsExporter(configuration: config, ledger: ledger, instanceKey: key, logger: logger)
/// let export = try await exporter.export(period: MetricsPeriod(parsing: "2026-03")) {
///     try await vault.metricsInput()          // the metadata query, run only when needed
/// }
/// try write(export.file(.html))
/// ```
public struct MetricsExporter: Sendable {
    /// How many times an export recomputes when another day's release lands at the same moment.
    static let maximumAttempts = 16

    private let configuration: MetricsConfiguration
    private let ledger: any BudgetLedger
    private let instanceKey: Ed25519.PrivateKey
    private let logger: Logger
    private let random: any RandomSource
    private let timeZone: TimeZone
    private let clock: @Sendable () -> Date

    /// Creates an exporter.
    ///
    /// - Parameters:
    ///   - configuration: validated thresholds, ε and budget.
    ///   - ledger: the budget ledger; the daemon's is stored in the vault's database.
    ///   - instanceKey: the instance Ed25519 key (`Keys/instance.key`) that signs every file.
    ///   - logger: receives one line per export: period, day, status, ε. Never an id or a count.
    ///   - random: the noise's randomness; leave the default (`RAND_bytes`) outside tests.
    ///   - timeZone: the zone in which "the day a release is made" is decided.
    ///   - clock: the current time; tests inject one to move to a later day.
    public init(configuration: MetricsConfiguration, ledger: any BudgetLedger, instanceKey: Ed25519.PrivateKey,
                logger: Logger, random: any RandomSource = SystemRandomSource(), timeZone: TimeZone = .gmt,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.ledger = ledger
        self.instanceKey = instanceKey
        self.logger = logger
        self.random = random
        self.timeZone = timeZone
        self.clock = clock
    }

    /// Refuses a month that has not begun, on this exporter's clock and in its time zone: what
    /// `export` checks first, for a caller (the daemon) to check before anything else.
    ///
    /// - Throws: `MetricsError.periodInFuture`.
    public func requireStarted(_ period: MetricsPeriod) throws {
        try Self.requireStarted(period, on: CalendarDay(clock(), in: timeZone))
    }

    private static func requireStarted(_ period: MetricsPeriod, on day: CalendarDay) throws {
        guard period <= MetricsPeriod(containing: day) else {
            throw MetricsError(.periodInFuture, "\(period) has not begun yet; a report covers a month that has started")
        }
    }

    /// Exports `period`: the stored release if one was made today (byte for byte, free), otherwise
    /// a new one, charged to the period's budget in the same ledger transaction that stores it.
    ///
    /// `input` runs the metadata query; it is called at most once, and not at all for a repeat.
    /// Everything that can fail (the query, randomness, signing) happens before the charge, so a
    /// failed export charges nothing.
    ///
    /// - Throws: `MetricsError.periodInFuture`; `.budgetExhausted` when the period's budget cannot
    ///   pay for the release; `.ledgerBusy` if other releases kept landing meanwhile; `.invalidInput`;
    ///   `.cryptoFailure`; and whatever `input` or the ledger throw.
    public func export(period: MetricsPeriod,
                       input: @Sendable () async throws -> MetricsInput) async throws -> MetricsExport {
        var tally: CohortTally?
        for _ in 0..<Self.maximumAttempts {
            let day = CalendarDay(clock(), in: timeZone)
            try Self.requireStarted(period, on: day)
            let state = try await ledger.state(of: period, on: day)
            if let stored = state.releaseOfTheDay {
                return try finish(stored: stored, charged: .zero, isRepeat: true)
            }
            if tally == nil {
                tally = try CohortTally.count(try await input(), period: period, configuration: configuration)
            }
            let earlier = try state.populations.compactMap { try CohortPopulation(decoding: $0) }
            let release = try makeRelease(tally!, period: period, day: day, spent: state.spent, earlier: earlier)
            let files = try render(release.jsonBytes(), release: release)
            let population = release.status == .released ? tally!.population.encoded : []
            switch try await ledger.charge(period: period, day: day, epsilon: release.privacy.epsilonSpent,
                                           release: files.json.bytes, population: population,
                                           expectedSpent: state.spent, budget: configuration.monthlyBudget) {
            case .charged:
                log(release, isRepeat: false)
                return MetricsExport(release: release, charged: release.privacy.epsilonSpent, isRepeat: false,
                                     json: files.json, csv: files.csv, html: files.html)
            case .alreadyReleased(let stored):
                return try finish(stored: stored, charged: .zero, isRepeat: true)
            case .spentChanged:
                continue
            case .overBudget(let spent):
                throw budgetExhausted(period, spent: spent, cost: release.privacy.epsilonSpent)
            }
        }
        throw MetricsError(.ledgerBusy, "other reports for \(period) kept landing while this one was made; ask again")
    }

    /// The release for `tally`: withheld (free) below a threshold or when its population differs
    /// from an earlier release's of the period by fewer than `minimumGroupSize` members, otherwise
    /// noisy, clamped and pseudonymised.
    func makeRelease(_ tally: CohortTally, period: MetricsPeriod, day: CalendarDay, spent: Rational,
                     earlier: [CohortPopulation] = []) throws -> MetricsRelease {
        let budget = configuration.monthlyBudget
        let left = spent < budget ? try budget.subtracting(spent) : .zero
        func privacy(spending cost: Rational) throws -> MetricsRelease.Privacy {
            MetricsRelease.Privacy(epsilonSpent: cost, budget: budget, budgetLeft: try left.subtracting(cost),
                                   minimumGroupMembers: configuration.minimumGroupMembers,
                                   minimumCohortGroups: configuration.minimumCohortGroups,
                                   minimumCohortMembers: configuration.minimumCohortMembers)
        }
        let publicCells = MetricID.allCases.filter(\.isPublic).map {
            MetricsRelease.Cell(metric: $0, value: tally.exact[$0]!, epsilon: .zero, sensitivity: 0)
        }
        var withheld = tally.withheld
        if withheld.isEmpty, earlier.contains(where: { population in
            population.smallestChange(from: tally.population).map { $0 < configuration.minimumGroupMembers } ?? false
        }) {
            withheld.append(.populationChanged)
        }
        guard withheld.isEmpty else {
            return try MetricsRelease(period: period, madeOn: day, status: .withheld, withheldBecause: withheld,
                                      cohort: nil, groups: [], cells: publicCells, privacy: try privacy(spending: .zero))
        }
        let cost = configuration.releaseEpsilon
        guard cost <= left else { throw budgetExhausted(period, spent: spent, cost: cost) }
        var cells: [MetricsRelease.Cell] = []
        for metric in MetricID.allCases {
            if metric.isPublic {
                cells.append(publicCells.first { $0.metric == metric }!)
                continue
            }
            let epsilon = configuration.epsilon[metric]!
            let sensitivity = tally.sensitivity[metric]!
            let noise = try DiscreteLaplace(sensitivity: sensitivity, epsilon: epsilon).sample(using: random)
            let range = tally.clampRange(metric)
            let value = min(max(tally.exact[metric]! + noise, range.lowerBound), range.upperBound)
            cells.append(MetricsRelease.Cell(metric: metric, value: value, epsilon: epsilon, sensitivity: sensitivity))
        }
        let (cohort, groups) = try Self.pseudonyms(period: period, groups: tally.includedGroups)
        return try MetricsRelease(period: period, madeOn: day, status: .released, withheldBecause: [],
                                  cohort: cohort, groups: groups, cells: cells, privacy: try privacy(spending: cost))
    }

    /// Pseudonyms under a key made for this export; the key is wiped when this returns.
    private static func pseudonyms(period: MetricsPeriod, groups: [UUID]) throws -> (String, [String]) {
        let pseudonymizer = try Pseudonymizer()
        let cohort = try pseudonymizer.cohort(period)
        let names = try groups.map { try pseudonymizer.group($0) }.sorted()
        guard Set(names).count == names.count else {
            throw MetricsError(.cryptoFailure, "two groups drew the same pseudonym; export again")
        }
        return (cohort, names)
    }

    private func finish(stored: [UInt8], charged: Rational, isRepeat: Bool) throws -> MetricsExport {
        let release = try MetricsRelease(jsonBytes: stored)
        let files = try render(stored, release: release)
        log(release, isRepeat: isRepeat)
        return MetricsExport(release: release, charged: charged, isRepeat: isRepeat,
                             json: files.json, csv: files.csv, html: files.html)
    }

    private func render(_ json: [UInt8], release: MetricsRelease) throws -> (json: ExportFile, csv: ExportFile, html: ExportFile) {
        func signed(_ format: ExportFormat, _ bytes: [UInt8]) throws -> ExportFile {
            ExportFile(format: format, period: release.period, bytes: bytes,
                       signature: try ExportSignature.signatureFile(for: bytes, instanceKey: instanceKey))
        }
        return (try signed(.json, json), try signed(.csv, release.csvBytes()), try signed(.html, release.htmlBytes()))
    }

    private func budgetExhausted(_ period: MetricsPeriod, spent: Rational, cost: Rational) -> MetricsError {
        MetricsError(.budgetExhausted, "the privacy budget for \(period) cannot pay for another report: \(spent) of \(configuration.monthlyBudget) is spent and a report costs \(cost); the next month has a fresh budget")
    }

    private func log(_ release: MetricsRelease, isRepeat: Bool) {
        logger.info("metrics release", metadata: [
            "period": "\(release.period)", "day": "\(release.madeOn)", "status": "\(release.status.rawValue)",
            "epsilon": "\(release.privacy.epsilonSpent)", "repeat": "\(isRepeat)",
        ])
    }
}

/// The formats of an export; every one is signed.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// The canonical release, `application/json`.
    case json
    /// One row per cell, `text/csv`.
    case csv
    /// The self-contained report with charts, `text/html`.
    case html

    /// The media type to serve the format with.
    public var mediaType: String {
        switch self {
        case .json: return "application/json"
        case .csv: return "text/csv; charset=utf-8"
        case .html: return "text/html; charset=utf-8"
        }
    }
}

/// One file of an export and its detached signature.
public struct ExportFile: Sendable, Equatable {
    /// The format.
    public let format: ExportFormat
    /// The period the file covers.
    public let period: MetricsPeriod
    /// The file's exact bytes.
    public let bytes: [UInt8]
    /// The contents of its `.sig` file: base64 of the Ed25519 signature and a newline.
    public let signature: [UInt8]

    /// A file name for it, `tacit-metrics-YYYY-MM.FORMAT`; its signature goes in that name + `.sig`.
    public var suggestedName: String { "tacit-metrics-\(period).\(format.rawValue)" }
}

/// The result of an export: the release and its three signed files.
public struct MetricsExport: Sendable {
    /// The release.
    public let release: MetricsRelease
    /// The ε this call charged: zero for a repeat or a withheld cohort.
    public let charged: Rational
    /// `true` when this is the release already made today, returned byte for byte.
    public let isRepeat: Bool
    /// The JSON file (the canonical release).
    public let json: ExportFile
    /// The CSV file.
    public let csv: ExportFile
    /// The HTML report.
    public let html: ExportFile

    /// The file in `format`.
    public func file(_ format: ExportFormat) -> ExportFile {
        switch format {
        case .json: return json
        case .csv: return csv
        case .html: return html
        }
    }
}
