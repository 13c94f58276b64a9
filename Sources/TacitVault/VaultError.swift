import Foundation
import GRDB
import TacitCrypto

/// The one error type of `TacitVault`.
///
/// Messages are written for a person and never carry content, keys, passphrases or bound SQL values.
public struct VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable, so the daemon and tests can branch on it.
    public enum Code: String, Sendable {
        /// Unknown name or wrong passphrase / recovery key (never says which).
        case invalidCredentials = "invalid-credentials"
        /// Too many passphrase derivations are queued; try again shortly.
        case busy = "busy"
        /// A passphrase under 12 characters or in the list of common ones.
        case weakPassphrase = "weak-passphrase"
        /// An enrollment code that does not exist (or was mistyped).
        case enrollmentCodeInvalid = "enrollment-code-invalid"
        /// An enrollment code past its expiry.
        case enrollmentCodeExpired = "enrollment-code-expired"
        /// An enrollment code that was already used.
        case enrollmentCodeUsed = "enrollment-code-used"
        /// A principal or group name that is taken, or a name that does not match the invitation.
        case nameUnavailable = "name-unavailable"
        /// The principal was disabled by the operator.
        case principalDisabled = "principal-disabled"
        /// No such principal, group, cycle, entry or share (or not visible to the caller).
        case notFound = "not-found"
        /// The session was locked; its keys are gone.
        case locked = "locked"
        /// A ciphertext, wrapped key, seal, signature or MAC failed to verify: stored data was changed.
        case authenticationFailed = "authentication-failed"
        /// The stored state contradicts the member's manifest or the instance anchor.
        case integrityViolation = "integrity-violation"
        /// A peer's public keys differ from the pinned ones (or the pin is missing after a report);
        /// sharing with them waits for a confirmed fingerprint.
        case peerKeyUnconfirmed = "peer-key-unconfirmed"
        /// An operation the vault's cryptographic facts do not allow (e.g. sharing with a non-member).
        case notPermitted = "not-permitted"
        /// Input that is malformed or out of range.
        case invalidInput = "invalid-input"
        /// The entry is already shared with that audience, by a share still running.
        case alreadyShared = "already-shared"
        /// An edit made on a version of an entry that is no longer its newest (it was changed in
        /// between, from another terminal): nothing was saved.
        case versionConflict = "version-conflict"
        /// The database is behind the instance anchor: a restored or rolled-back copy.
        case databaseBehindAnchor = "database-behind-anchor"
        /// The anchor file is missing or does not verify.
        case anchorInvalid = "anchor-invalid"
        /// SQLite or file-system failure.
        case storage = "storage"
        /// A cryptographic operation failed for a reason other than authentication.
        case crypto = "crypto"
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence for a person.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code.rawValue)]" }

    static func tampered(_ what: String) -> VaultError {
        VaultError(.authenticationFailed, "\(what) failed authentication: the stored data was changed")
    }

    static func notFound(_ what: String) -> VaultError { VaultError(.notFound, "\(what) was not found") }

    static func invalid(_ message: String) -> VaultError { VaultError(.invalidInput, message) }
}

extension VaultError {
    /// Maps errors of the layers below to a `VaultError` at the boundary.
    static func wrap(_ error: any Error, _ what: String = "a stored value") -> VaultError {
        switch error {
        case let error as VaultError:
            return error
        case let error as CryptoError where error.code == .authenticationFailed:
            return .tampered(what)
        case let error as CryptoError:
            return VaultError(.crypto, error.description)
        case let error as DatabaseError where error.resultCode == .SQLITE_FULL:
            return VaultError(.storage, "the daemon's disk is full: nothing was saved (the operator frees space; reading goes on)")
        case let error as DatabaseError:
            // GRDB keeps statement arguments out of its description: no bound value leaks here.
            return VaultError(.storage, "database error: \(error.resultCode) \(error.message ?? "")")
        default:
            return VaultError(.storage, "\(type(of: error)): \(error.localizedDescription)")
        }
    }
}

/// Runs `body`, turning any error into a `VaultError` naming `what`.
func mapping<T>(_ what: String, _ body: () throws -> T) throws(VaultError) -> T {
    do { return try body() } catch { throw VaultError.wrap(error, what) }
}
