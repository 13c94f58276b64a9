import Foundation

/// The daemon's numeric settings, from `tacit.json` in the home or `tacit serve --config FILE`.
///
/// Loading is strict: an unknown key, a value out of range, a threshold below the built-in floor or
/// a malformed ε stops the daemon with a message that names the key. Policies decide *who* may do
/// what; this file only holds numbers.
public struct Configuration: Sendable, Equatable {
    /// A group's allowed size (3…8 by default; 5–6 is what a peer learning group should have).
    public var groupMinimum = 3
    /// The largest group allowed.
    public var groupMaximum = 8
    /// A session ends after this long without a request.
    public var sessionIdleSeconds = 15 * 60
    /// A session ends this long after unlocking, however active.
    public var sessionAbsoluteSeconds = 12 * 3600
    /// An enrollment code expires this long after it was made.
    public var enrollmentCodeSeconds = 72 * 3600
    /// The largest request body accepted (413 above it).
    public var bodyLimitBytes = 1 << 20
    /// Unix group that may use the socket (mode 0660); `nil` for the owner only (0600).
    public var socketGroup: String?
    /// Groups under this many members are left out of metrics (never below 5).
    public var metricsMinimumGroupSize = 5
    /// A cohort with fewer groups is withheld whole (never below 3).
    public var metricsMinimumCohortGroups = 3
    /// A cohort with fewer members is withheld whole (never below 15).
    public var metricsMinimumCohortMembers = 15
    /// ε per metric, as rationals (numerator, denominator).
    public var metricsEpsilon: [String: Rational] = Configuration.defaultEpsilon
    /// The privacy budget per monthly period.
    public var metricsMonthlyBudget = Rational(1, 1)
    /// A test configuration: allows fast scrypt and `--clock`. The daemon says so loudly at start.
    public var testing = false
    /// log2 of scrypt's N for new passphrases (14…20; lower only when `testing`).
    public var scryptLog2N = 17

    /// The metrics that have an ε, and their defaults (they sum to the default monthly budget, 1).
    public static let defaultEpsilon: [String: Rational] = [
        "members-wrote": Rational(1, 8), "members-shared": Rational(1, 8),
        "members-by-kind": Rational(1, 4), "members-by-band": Rational(1, 4),
        "cycles-completed": Rational(1, 4),
    ]

    /// The defaults.
    public init() {}

    /// A rational number `numerator/denominator`, written in the file as a string `"1/10"`.
    public struct Rational: Sendable, Equatable, CustomStringConvertible {
        /// The numerator (positive).
        public let numerator: Int
        /// The denominator (positive).
        public let denominator: Int

        /// A rational; both parts must be positive.
        public init(_ numerator: Int, _ denominator: Int) {
            self.numerator = numerator
            self.denominator = denominator
        }

        /// Parses `"n/d"` or `"n"` with positive integers.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count),
                  let numerator = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                  let denominator = parts.count == 2 ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : 1,
                  numerator > 0, denominator > 0, numerator <= 1_000_000, denominator <= 1_000_000 else { return nil }
            self.init(numerator, denominator)
        }

        public var description: String { "\(numerator)/\(denominator)" }
    }

    /// Why a configuration was refused; the message names the key.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        /// The dotted key, e.g. `metrics.minimumCohortMembers`.
        public let key: String
        /// What is wrong with it.
        public let message: String
        public var description: String { "configuration: \(key): \(message)" }
    }

    /// Loads a configuration file. A missing optional file (the home's `tacit.json`) gives the defaults.
    ///
    /// - Throws: `Problem` naming the key for any unknown key or bad value; `Problem` with key
    ///   `(file)` when the file is not a JSON object.
    public static func load(contentsOf url: URL) throws -> Configuration {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw Problem(key: "(file)", message: "cannot read \(url.path)")
        }
        return try parse(data)
    }

    /// Parses the JSON text of a configuration file.
    ///
    /// - Throws: `Problem`, naming the key.
    public static func parse(_ data: Data) throws -> Configuration {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let root) = value else {
            throw Problem(key: "(file)", message: "not a JSON object")
        }
        var configuration = Configuration()
        var reader = Reader(object: root, prefix: "")
        configuration.testing = try reader.bool("testing") ?? false
        configuration.groupMinimum = try reader.int("groupMinimum", in: 3...8) ?? configuration.groupMinimum
        configuration.groupMaximum = try reader.int("groupMaximum", in: 3...8) ?? configuration.groupMaximum
        if configuration.groupMinimum > configuration.groupMaximum {
            throw Problem(key: "groupMinimum", message: "must not exceed groupMaximum (\(configuration.groupMaximum))")
        }
        configuration.sessionIdleSeconds = try reader.int("sessionIdleSeconds", in: 60...86_400) ?? configuration.sessionIdleSeconds
        configuration.sessionAbsoluteSeconds = try reader.int("sessionAbsoluteSeconds", in: 300...(7 * 86_400))
            ?? configuration.sessionAbsoluteSeconds
        if configuration.sessionIdleSeconds > configuration.sessionAbsoluteSeconds {
            throw Problem(key: "sessionIdleSeconds", message: "must not exceed sessionAbsoluteSeconds")
        }
        configuration.enrollmentCodeSeconds = try reader.int("enrollmentCodeSeconds", in: 300...(30 * 86_400))
            ?? configuration.enrollmentCodeSeconds
        configuration.bodyLimitBytes = try reader.int("bodyLimitBytes", in: 4096...(64 << 20)) ?? configuration.bodyLimitBytes
        configuration.socketGroup = try reader.string("socketGroup")
        let minimumLog2N = configuration.testing ? 1 : 14
        configuration.scryptLog2N = try reader.int("scryptLog2N", in: minimumLog2N...20) ?? configuration.scryptLog2N

        if var metrics = try reader.object("metrics") {
            // Thresholds may be raised, never lowered below the built-in floors.
            configuration.metricsMinimumGroupSize = try metrics.int("minimumGroupSize", in: 5...100, floor: "5")
                ?? configuration.metricsMinimumGroupSize
            configuration.metricsMinimumCohortGroups = try metrics.int("minimumCohortGroups", in: 3...1000, floor: "3")
                ?? configuration.metricsMinimumCohortGroups
            configuration.metricsMinimumCohortMembers = try metrics.int("minimumCohortMembers", in: 15...100_000, floor: "15")
                ?? configuration.metricsMinimumCohortMembers
            configuration.metricsMonthlyBudget = try metrics.rational("monthlyBudget") ?? configuration.metricsMonthlyBudget
            if var epsilon = try metrics.object("epsilon") {
                for name in defaultEpsilon.keys.sorted() {
                    if let value = try epsilon.rational(name) { configuration.metricsEpsilon[name] = value }
                }
                try epsilon.finish()
            }
            try metrics.finish()
        }
        try reader.finish()
        return configuration
    }

    /// Reads typed values from one JSON object and remembers which keys it used.
    private struct Reader {
        let object: [String: JSONValue]
        let prefix: String
        var used: Set<String> = []

        init(object: [String: JSONValue], prefix: String) {
            self.object = object
            self.prefix = prefix
        }

        func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix).\(name)" }

        mutating func value(_ name: String) -> JSONValue? {
            used.insert(name)
            guard let value = object[name], value != .null else { return nil }
            return value
        }

        mutating func int(_ name: String, in range: ClosedRange<Int>, floor: String? = nil) throws -> Int? {
            guard let value = value(name) else { return nil }
            guard case .number(let number) = value, let int = Int(exactly: number) else {
                throw Problem(key: key(name), message: "must be a whole number")
            }
            guard range.contains(int) else {
                if let floor, int < range.lowerBound {
                    throw Problem(key: key(name), message: "may be raised but never lowered below \(floor)")
                }
                throw Problem(key: key(name), message: "must be \(range.lowerBound)…\(range.upperBound), got \(int)")
            }
            return int
        }

        mutating func bool(_ name: String) throws -> Bool? {
            guard let value = value(name) else { return nil }
            guard case .bool(let bool) = value else { throw Problem(key: key(name), message: "must be true or false") }
            return bool
        }

        mutating func string(_ name: String) throws -> String? {
            guard let value = value(name) else { return nil }
            guard case .string(let string) = value, !string.isEmpty else {
                throw Problem(key: key(name), message: "must be a non-empty string")
            }
            return string
        }

        mutating func rational(_ name: String) throws -> Rational? {
            guard let value = value(name) else { return nil }
            guard case .string(let text) = value, let rational = Rational(parsing: text) else {
                throw Problem(key: key(name), message: "must be a positive rational written as a string, like \"1/10\"")
            }
            return rational
        }

        mutating func object(_ name: String) throws -> Reader? {
            guard let value = value(name) else { return nil }
            guard case .object(let object) = value else { throw Problem(key: key(name), message: "must be an object") }
            return Reader(object: object, prefix: key(name))
        }

        func finish() throws {
            if let unknown = object.keys.sorted().first(where: { !used.contains($0) }) {
                throw Problem(key: key(unknown), message: "unknown key")
            }
        }
    }
}
