import Foundation
import TacitAPI
import TacitMetrics

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
    /// A connection that sends nothing for this long — idle between requests, or stopped halfway
    /// through one — is closed. A request being answered is never cut off.
    public var connectionIdleSeconds = 60
    /// Unix group that may use the socket (mode 0660); `nil` for the owner only (0600).
    public var socketGroup: String?
    /// The `metrics` section: thresholds (raised, never lowered), ε per metric, monthly budget.
    /// Parsed and validated by TacitMetrics itself, so there is one reading of it.
    public var metrics = MetricsConfiguration.standard
    /// A test configuration: allows fast scrypt and `--clock`. The daemon says so loudly at start.
    public var testing = false
    /// log2 of scrypt's N for new passphrases (14…20; lower only when `testing`).
    public var scryptLog2N = 17

    /// The smallest `scryptLog2N` outside a test configuration.
    public static let minimumScryptLog2N = 14

    /// The defaults.
    public init() {}

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
    /// - Throws: `Problem` naming the key for any unknown, repeated or bad key; `Problem` with the
    ///   file's path as its key when the file cannot be read or is not a JSON object.
    public static func load(contentsOf url: URL) throws -> Configuration {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw Problem(key: url.path, message: "cannot read the file")
        }
        return try parse(data, file: url.path)
    }

    /// Parses the JSON text of a configuration file; `file` names it in a message about the whole
    /// text.
    ///
    /// - Throws: `Problem`, naming the key (or `file` when the text is not a JSON object).
    public static func parse(_ data: Data, file: String = "(file)") throws -> Configuration {
        // Strict JSON, as documented: Foundation's decoder also takes a trailing comma.
        if let (line, column) = JSONKeyTrie.syntaxError(in: data) {
            throw Problem(key: file, message: "not valid JSON at line \(line), column \(column)")
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let root) = value else {
            throw Problem(key: file, message: "not a JSON object")
        }
        // The decoder keeps one of two equal keys silently, so `{"testing": false, …, "testing": true}`
        // would hide what the daemon runs with.
        if let repeated = JSONKeyTrie.firstDuplicateKey(in: data) {
            throw Problem(key: repeated, message: "appears more than once; give each key once")
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
        configuration.connectionIdleSeconds = try reader.int("connectionIdleSeconds", in: (configuration.testing ? 1 : 5)...3600)
            ?? configuration.connectionIdleSeconds
        configuration.socketGroup = try reader.string("socketGroup")
        let minimumLog2N = configuration.testing ? 1 : Self.minimumScryptLog2N
        configuration.scryptLog2N = try reader.int("scryptLog2N", in: minimumLog2N...20) ?? configuration.scryptLog2N

        if let metrics = reader.value("metrics") {
            guard case .object = metrics else { throw Problem(key: "metrics", message: "must be an object") }
            do {
                configuration.metrics = try MetricsConfiguration(json: try JSONEncoder().encode(metrics), keyPath: "metrics")
            } catch let error as MetricsError {
                throw Self.problem(error)
            }
        }
        try reader.finish()
        return configuration
    }

    /// What a test configuration allows, for the daemon to say at start; `nil` outside one. Scrypt
    /// is called fast only when it is below the production floor.
    public var testingNotice: String? {
        guard testing else { return nil }
        if scryptLog2N < Self.minimumScryptLog2N {
            return "TEST CONFIGURATION: fast scrypt (N=2^\(scryptLog2N)) and --clock are allowed; never use this for real journals"
        }
        return "TEST CONFIGURATION: --clock is allowed (scrypt keeps a production cost here, N=2^\(scryptLog2N)); "
            + "never use this for real journals"
    }

    /// The key named between backticks in a TacitMetrics configuration message.
    static func key(in message: String) -> String? {
        let parts = message.split(separator: "`", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : nil
    }

    /// A TacitMetrics configuration error as a `Problem`: the key it names, and the rest of its
    /// message (without "metrics configuration `KEY`: ", which the key already says).
    static func problem(_ error: MetricsError) -> Problem {
        guard let key = key(in: error.message), let range = error.message.range(of: "`\(key)`: ") else {
            return Problem(key: "metrics", message: error.message)
        }
        return Problem(key: key, message: String(error.message[range.upperBound...]))
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

        mutating func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let value = value(name) else { return nil }
            let whole: Int?
            switch value {
            case .integer(let integer): whole = Int(exactly: integer)
            case .number(let number): whole = Int(exactly: number)
            default: whole = nil
            }
            guard let int = whole else {
                let what: String
                switch value {
                case .string: what = "a string (write the number without quotes)"
                case .number(let number) where number.rounded() == number: what = "a number too large"
                case .integer: what = "a number too large"
                case .number: what = "a fraction"
                default: what = "not a number"
                }
                throw Problem(key: key(name), message: "must be a whole number \(range.lowerBound)…\(range.upperBound); got \(what)")
            }
            guard range.contains(int) else {
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

        mutating func object(_ name: String) throws -> Reader? {
            guard let value = value(name) else { return nil }
            guard case .object(let object) = value else { throw Problem(key: key(name), message: "must be an object") }
            return Reader(object: object, prefix: key(name))
        }

        func finish() throws {
            if let unknown = object.keys.sorted().first(where: { !used.contains($0) }) {
                throw Problem(key: key(unknown), message: "unknown key; the keys here are \(used.sorted().joined(separator: ", "))")
            }
        }
    }
}
