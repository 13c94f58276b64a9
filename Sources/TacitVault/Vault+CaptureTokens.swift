import Foundation
import TacitCrypto

extension Vault {
    /// Issues a capture token for `principal`: 256 random bits, returned once (base64url); only its
    /// SHA-256 is stored. It allows nothing but sealing notes into that principal's own journal,
    /// survives logout, and ends with `revokeCaptureTokens(of:)` (logout --all).
    ///
    /// - Parameter record: an audit record (the daemon's of the unlock) that commits with the token.
    /// - Throws: `VaultError.storage`, `.crypto`.
    public func issueCaptureToken(for principal: PrincipalID, recording record: AuditDraft? = nil) async throws(VaultError) -> String {
        let raw = try mapping("a capture token") { try SecureRandom.bytes(count: 32) }
        let hash = SHA256.hash(raw)
        let time = nowSeconds
        try await write { access in
            try access.insertCaptureToken(hash: hash, principal: principal, at: time)
            try access.appendAudit(record)
        }
        return Base64URL.encode(raw)
    }

    /// The principal a capture token belongs to, or `nil` for an unknown or revoked token.
    ///
    /// - Throws: `VaultError.storage`.
    public func principal(forCaptureToken token: String) async throws(VaultError) -> PrincipalID? {
        guard let raw = Base64URL.decode(token), raw.count == 32 else { return nil }
        let hash = SHA256.hash(raw)
        return try readShort { try $0.captureTokenPrincipal(hash: hash) }
    }

    /// Revokes every capture token of `principal`.
    ///
    /// - Parameter record: an audit record (the daemon's of logging out everywhere) that commits with it.
    /// - Throws: `VaultError.storage`.
    public func revokeCaptureTokens(of principal: PrincipalID, recording record: AuditDraft? = nil) async throws(VaultError) {
        try await write { access in
            try access.deleteCaptureTokens(of: principal)
            try access.appendAudit(record)
        }
    }
}
