internal import CTacitOpenSSL

extension CryptoError {
    /// Takes the oldest error off OpenSSL's thread-local queue and clears the rest, so a later
    /// failure is not blamed on this one.
    static func openSSL(_ operation: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        return CryptoError(.openSSLFailure, "OpenSSL failed during \(operation)", openSSLCode: UInt(code))
    }
}
