import Foundation

/// The validated numeric settings of the metrics: thresholds, ε per noisy cell, and the monthly
/// privacy budget.
///
/// Thresholds may be raised above their defaults, never lowered. Every ε is a positive rational.
/// In the daemon's configuration file it is an object under one key (the daemon passes that key
/// as `keyPath`, so every error names the full path):
///
/// ```json
/// "metrics": {
///   "minimumGroupSize": 5, "minimumCohortGroups": 3, "minimumCohortMembers": 15,
///   "monthlyBudget": "1",
///   "epsilon": { "members-wrote": "1/24", "members-by-kind": "1/4", "cycles-completed": "1/12" }
/// }
/// ```
///
/// An ε key is a cell (`MetricID`) or a family: `members-by-kind` is split equally over the five
/// kind cells and `members-by-band` over the four band cells, so the family costs what it says.
public struct MetricsConfiguration: Sendable, Equatable {
    /// The smallest group counted; smaller groups are left out. Default and minimum 5.
    public static let defaultMinimumGroupMembers = 5
    /// The fewest groups a cohort needs, or it is withheld whole. Default and minimum 3.
    public static let defaultMinimumCohortGroups = 3
    /// The fewest members a cohort needs, or it is withheld whole. Default and minimum 15.
    public static let defaultMinimumCohortMembers = 15
    /// ε of each noisy cell unless configured: 1/24, so a release of all 12 costs 1/2.
    public static let defaultEpsilon = Rational(uncheckedNumerator: 1, denominator: 24)
    /// The largest ε one cell may have.
    public static let maximumEpsilon = Rational(uncheckedNumerator: 10, denominator: 1)
    /// The largest monthly budget.
    public static let maximumBudget = Rational(uncheckedNumerator: 100, denominator: 1)

    /// Groups under this many members are left out.
    public let minimumGroupMembers: Int
    /// A cohort with fewer groups is withheld whole.
    public let minimumCohortGroups: Int
    /// A cohort with fewer members is withheld whole.
    public let minimumCohortMembers: Int
    /// The ε a month's releases may spend in total. Default 1.
    public let monthlyBudget: Rational
    /// ε of each noisy cell; every one of `MetricID.noisy` has one.
    public let epsilon: [MetricID: Rational]

    /// The defaults: thresholds 5 / 3 / 15, ε 1/24 per noisy cell, budget 1 a month.
    public static let standard = try! MetricsConfiguration()

    /// Validates a configuration; cells not named in `epsilon` get `defaultEpsilon`.
    ///
    /// - Throws: `MetricsError.invalidConfiguration`, naming the key: a threshold below its
    ///   default or out of range, an ε for a public cell, an ε that is zero or above 10, a budget
    ///   out of range or smaller than one release's ε.
    public init(minimumGroupMembers: Int = defaultMinimumGroupMembers,
                minimumCohortGroups: Int = defaultMinimumCohortGroups,
                minimumCohortMembers: Int = defaultMinimumCohortMembers,
                monthlyBudget: Rational = .one,
                epsilon: [MetricID: Rational] = [:],
                keyPath: String = "metrics") throws {
        func key(_ name: String) -> String { keyPath.isEmpty ? name : "\(keyPath).\(name)" }
        func threshold(_ value: Int, _ name: String, minimum: Int, maximum: Int) throws -> Int {
            guard value >= minimum else {
                throw MetricsError.configuration(key(name), "may be raised from \(minimum), never lowered; got \(value)")
            }
            guard value <= maximum else {
                throw MetricsError.configuration(key(name), "must be at most \(maximum); got \(value)")
            }
            return value
        }
        self.minimumGroupMembers = try threshold(minimumGroupMembers, "minimumGroupSize",
                                                 minimum: Self.defaultMinimumGroupMembers, maximum: 1_000)
        self.minimumCohortGroups = try threshold(minimumCohortGroups, "minimumCohortGroups",
                                                 minimum: Self.defaultMinimumCohortGroups, maximum: 100_000)
        self.minimumCohortMembers = try threshold(minimumCohortMembers, "minimumCohortMembers",
                                                  minimum: Self.defaultMinimumCohortMembers, maximum: 1_000_000)
        var table: [MetricID: Rational] = [:]
        for metric in MetricID.noisy { table[metric] = Self.defaultEpsilon }
        for (metric, value) in epsilon.sorted(by: { $0.key < $1.key }) {
            let name = key("epsilon.\(metric.rawValue)")
            guard !metric.isPublic else {
                throw MetricsError.configuration(name, "is a public cell, released exactly; it takes no ε")
            }
            guard !value.isZero else { throw MetricsError.configuration(name, "must be greater than 0") }
            guard value <= Self.maximumEpsilon else {
                throw MetricsError.configuration(name, "must be at most \(Self.maximumEpsilon); got \(value)")
            }
            table[metric] = value
        }
        self.epsilon = table
        guard !monthlyBudget.isZero, monthlyBudget <= Self.maximumBudget else {
            throw MetricsError.configuration(key("monthlyBudget"), "must be greater than 0 and at most \(Self.maximumBudget); got \(monthlyBudget)")
        }
        self.monthlyBudget = monthlyBudget
        let release: Rational
        do { release = try Rational.sum(MetricID.noisy.map { table[$0]! }) } catch {
            throw MetricsError.configuration(key("epsilon"), "\(error)")
        }
        guard release <= monthlyBudget else {
            throw MetricsError.configuration(key("monthlyBudget"), "\(monthlyBudget) cannot pay for one release, which costs \(release)")
        }
    }

    /// The ε one release costs: the sum over its noisy cells (one member moves each cell by at
    /// most its sensitivity, and sequential composition adds the losses).
    public var releaseEpsilon: Rational {
        // Validated at init, so the sum fits.
        try! Rational.sum(MetricID.noisy.map { epsilon[$0]! })
    }
}

extension MetricsConfiguration {
    /// Decodes and validates the JSON object of the metrics settings.
    ///
    /// Every key is optional; an unknown key, a wrong type, a lowered threshold or a malformed
    /// ε (`0`, `-1/2`, `1/0`, `0.5`, `"a"`) is refused.
    ///
    /// - Throws: `MetricsError.invalidConfiguration` naming the key (prefixed with `keyPath`).
    public init(json: Data, keyPath: String = "metrics") throws {
        func key(_ name: String) -> String { keyPath.isEmpty ? name : "\(keyPath).\(name)" }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: json) } catch {
            throw MetricsError.configuration(keyPath, "is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw MetricsError.configuration(keyPath, "must be a JSON object")
        }
        let known: Set<String> = ["minimumGroupSize", "minimumCohortGroups", "minimumCohortMembers",
                                  "monthlyBudget", "epsilon"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw MetricsError.configuration(key(unknown), "is not a known setting; the settings are \(known.sorted().joined(separator: ", "))")
        }
        func integer(_ name: String, _ fallback: Int) throws -> Int {
            guard let value = fields[name] else { return fallback }
            // JSONSerialization gives NSNumber for numbers and booleans alike; accept only an exact
            // whole number written without a decimal point.
            guard let number = value as? NSNumber, !String(describing: type(of: value)).contains("Boolean"),
                  let exact = Int(exactly: number.int64Value), number.stringValue == String(exact) else {
                throw MetricsError.configuration(key(name), "must be a whole number")
            }
            return exact
        }
        func rational(_ value: Any, _ name: String) throws -> Rational {
            if let text = value as? String {
                do { return try Rational(parsing: text) } catch {
                    throw MetricsError.configuration(key(name), "must be a positive fraction such as \"1/24\"; got \"\(text.prefix(24))\"")
                }
            }
            throw MetricsError.configuration(key(name), "must be written as a string fraction such as \"1/24\", never a decimal")
        }
        var epsilon: [String: Rational] = [:]
        if let table = fields["epsilon"] {
            guard let table = table as? [String: Any] else {
                throw MetricsError.configuration(key("epsilon"), "must be an object of cell names to fractions")
            }
            for (name, value) in table.sorted(by: { $0.key < $1.key }) {
                epsilon[name] = try rational(value, "epsilon.\(name)")
            }
        }
        try self.init(minimumGroupMembers: integer("minimumGroupSize", Self.defaultMinimumGroupMembers),
                      minimumCohortGroups: integer("minimumCohortGroups", Self.defaultMinimumCohortGroups),
                      minimumCohortMembers: integer("minimumCohortMembers", Self.defaultMinimumCohortMembers),
                      monthlyBudget: fields["monthlyBudget"].map { try rational($0, "monthlyBudget") } ?? .one,
                      epsilonByName: epsilon, keyPath: keyPath)
    }

    /// The ε families a configuration may name instead of their cells.
    public static let epsilonFamilies: [String: [MetricID]] = [
        "members-by-kind": EntryKind.allCases.map { MetricID.membersWrote($0) },
        "members-by-band": ParticipationBand.allCases.map { MetricID.members(in: $0) },
    ]

    /// Validates a configuration whose ε table is keyed by name, as the daemon's configuration file
    /// writes it: a cell name (`members-wrote`) or a family (`members-by-kind`, `members-by-band`),
    /// whose ε is split equally over its cells.
    ///
    /// - Throws: `MetricsError.invalidConfiguration` naming the key, for an unknown name, a cell
    ///   named beside its family, or anything `init(minimumGroupMembers:…)` refuses.
    public init(minimumGroupMembers: Int = defaultMinimumGroupMembers,
                minimumCohortGroups: Int = defaultMinimumCohortGroups,
                minimumCohortMembers: Int = defaultMinimumCohortMembers,
                monthlyBudget: Rational = .one,
                epsilonByName: [String: Rational],
                keyPath: String = "metrics") throws {
        func key(_ name: String) -> String { keyPath.isEmpty ? "epsilon.\(name)" : "\(keyPath).epsilon.\(name)" }
        var table: [MetricID: Rational] = [:]
        for (name, value) in epsilonByName.sorted(by: { $0.key < $1.key }) {
            let cells: [MetricID]
            var share = value
            if let family = Self.epsilonFamilies[name] {
                cells = family
                guard !value.isZero else { throw MetricsError.configuration(key(name), "must be greater than 0") }
                do { share = try Rational(value.numerator, value.denominator * family.count) } catch {
                    throw MetricsError.configuration(key(name), "is too fine-grained to split over \(family.count) cells")
                }
            } else if let metric = MetricID(rawValue: name) {
                cells = [metric]
            } else {
                throw MetricsError.configuration(key(name), "is not a metric")
            }
            for cell in cells {
                guard table[cell] == nil else {
                    throw MetricsError.configuration(key(name), "sets \(cell.rawValue) a second time (a cell and its family)")
                }
                table[cell] = share
            }
        }
        try self.init(minimumGroupMembers: minimumGroupMembers, minimumCohortGroups: minimumCohortGroups,
                      minimumCohortMembers: minimumCohortMembers, monthlyBudget: monthlyBudget, epsilon: table,
                      keyPath: keyPath)
    }
}
