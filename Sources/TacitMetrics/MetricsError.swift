/// The one error type of `TacitMetrics`.
///
/// Every message is a sentence for a person. None carries an id, a count that was not released,
/// key material or content: only what went wrong and, for configuration, the key that is wrong.
public struct MetricsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable, so the daemon and the CLI can branch on it.
    public enum Code: String, Sendable {
        /// The metrics configuration has an unknown key, an out-of-range value, a lowered threshold
        /// or a malformed ε; the message names the key.
        case invalidConfiguration = "invalid-configuration"
        /// A period, day, ISO week or rational was not in its written form.
        case malformedValue = "malformed-value"
        /// The metadata handed to the exporter is inconsistent (an unknown group, a duplicate id).
        case invalidInput = "invalid-input"
        /// The period asked for has not begun yet.
        case periodInFuture = "period-in-future"
        /// The period's privacy budget cannot pay for another release.
        case budgetExhausted = "budget-exhausted"
        /// The ledger kept changing under the export; asking again will work.
        case ledgerBusy = "ledger-busy"
        /// A stored or supplied release does not follow the closed schema.
        case malformedRelease = "malformed-release"
        /// A signature file or public key file is not in its format.
        case malformedSignatureFile = "malformed-signature-file"
        /// The signature does not match the file and the key.
        case signatureInvalid = "signature-invalid"
        /// Random bytes, HKDF, HMAC or signing failed underneath.
        case cryptoFailure = "crypto-failure"
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence for a person.
    public let message: String

    /// Creates an error with a code and a message for a person.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    static func configuration(_ key: String, _ problem: String) -> MetricsError {
        MetricsError(.invalidConfiguration, "metrics configuration `\(key)`: \(problem)")
    }

    static func malformed(_ what: String, _ text: String, expected: String) -> MetricsError {
        // Echo at most a short prefix of what was given: enough to spot a typo, never bulk input.
        let shown = text.count > 24 ? String(text.prefix(24)) + "…" : text
        return MetricsError(.malformedValue, "\(what) must look like \(expected), got \"\(shown)\"")
    }

    /// Wraps a failure of the crypto layer without repeating its details twice.
    static func crypto(_ what: String, _ error: any Error) -> MetricsError {
        MetricsError(.cryptoFailure, "\(what) failed: \(error)")
    }
}
