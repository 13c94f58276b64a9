/// The JSON body of every error the daemon returns: `{"error": {"code", "message", "policies"}}`.
///
/// Messages are written for a person and never contain content, passphrases, tokens or keys.
public struct APIErrorBody: Codable, Sendable, Equatable {
    /// The error itself.
    public struct Detail: Codable, Sendable, Equatable {
        /// A stable machine-readable code, e.g. `denied`, `not-found`, `session-expired`.
        public var code: String
        /// A sentence for a person.
        public var message: String
        /// For a denial: the ids of the policies that determined it.
        public var policies: [String]?
        /// For a backoff or an overloaded daemon: seconds to wait before trying again.
        public var retryAfter: Int?

        /// Creates an error detail.
        public init(code: String, message: String, policies: [String]? = nil, retryAfter: Int? = nil) {
            self.code = code
            self.message = message
            self.policies = policies
            self.retryAfter = retryAfter
        }
    }

    /// The error.
    public var error: Detail

    /// Wraps a detail.
    public init(_ error: Detail) { self.error = error }
}
