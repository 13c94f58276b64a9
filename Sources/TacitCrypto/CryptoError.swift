/// The one error type of `TacitCrypto`.
///
/// Every message is written for a person and never contains key, nonce, plaintext or passphrase
/// bytes: only what went wrong and, for OpenSSL failures, the library's own error code.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable, so callers and tests can branch on it.
    public enum Code: String, Sendable {
        /// A tag, MAC or signature did not verify: the data was changed, or the key is wrong.
        case authenticationFailed = "authentication-failed"
        /// A key, nonce or tag had the wrong length.
        case invalidKeySize = "invalid-key-size"
        /// Parameters outside what Tacit accepts (scrypt cost, output length, message shape).
        case invalidParameters = "invalid-parameters"
        /// OpenSSL reported a failure that is not one of the above.
        case openSSLFailure = "openssl-failure"
        /// The system could not provide secure random bytes.
        case randomUnavailable = "random-unavailable"
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence for a person; never contains secret bytes.
    public let message: String
    /// OpenSSL's packed error code (`ERR_get_error`), when OpenSSL reported one.
    public let openSSLCode: UInt?

    init(_ code: Code, _ message: String, openSSLCode: UInt? = nil) {
        self.code = code
        self.message = message
        self.openSSLCode = openSSLCode
    }

    public var description: String {
        if let openSSLCode {
            return "\(message) (OpenSSL error 0x\(String(openSSLCode, radix: 16)))"
        }
        return message
    }

    static func authenticationFailed(_ what: String) -> CryptoError {
        CryptoError(.authenticationFailed, "\(what) failed authentication: the data was changed or the key is wrong")
    }

    static func invalidKeySize(_ what: String, expected: Int, got: Int) -> CryptoError {
        CryptoError(.invalidKeySize, "\(what) must be \(expected) bytes, got \(got)")
    }

    static func invalidParameters(_ message: String) -> CryptoError {
        CryptoError(.invalidParameters, message)
    }
}
