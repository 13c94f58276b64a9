import Foundation
import TacitCrypto

/// A one-time enrollment code, as the operator hands it out.
public struct EnrollmentCode: Sendable {
    /// The code as shown (base32, groups of four). Only its SHA-256 is stored.
    public let code: String
    /// The name it was issued for (`nil`: any name, as the bootstrap code).
    public let name: String?
    /// The role the enrolling principal gets.
    public let role: PrincipalRole
    /// The group it enrolls into, if any.
    public let group: GroupID?
    /// When it stops working.
    public let expiresAt: Date
    /// Whether it replaced an unused invitation of the same name, whose code stopped working.
    public var replacedEarlier = false
}

/// A member's recovery key: shown once, then only the member has it.
public struct RecoveryKey: Sendable {
    /// The 32 key bytes.
    public let secret: SecretBytes
    /// The key as shown: RFC 4648 base32 without padding, in groups of four.
    public var displayed: String { Base32.grouped(secret.unprotectedCopy()) }

    /// Parses a typed recovery key (case, spaces and dashes ignored).
    ///
    /// - Throws: `VaultError.invalidInput` for anything that is not 32 bytes of base32 (a typing
    ///   slip, said as such: its form tells nothing about any account).
    public init(parsing text: String) throws(VaultError) {
        guard var bytes = Base32.decode(text, byteCount: 32) else {
            // Nothing of what was typed is repeated: the message may be logged.
            throw VaultError.invalid("this is not a recovery key: it has 52 characters, letters A–Z and digits 2–7")
        }
        secret = SecretBytes(copying: bytes)
        for i in bytes.indices { bytes[i] = 0 }
    }

    init(secret: SecretBytes) { self.secret = secret }
}

/// What enrolling returns.
public struct Enrollment: Sendable {
    /// The new principal.
    public let principal: Principal
    /// The recovery key, to be shown once.
    public let recoveryKey: RecoveryKey
}

extension Vault {
    // MARK: Enrollment codes

    /// Issues a one-time enrollment code (128 random bits) for `name` (or any name) and `role`,
    /// optionally enrolling into `group` — and, with `facilitator`, appointing the new member as its
    /// facilitator. Only the code's SHA-256 is stored. For a name, it replaces that name's earlier
    /// unused codes.
    ///
    /// - Throws: `VaultError.notFound` for an unknown group; `.invalidInput` for a name outside
    ///   `Names`' rule, or a facilitator code without a group or for a role other than member; `.storage`.
    public func createEnrollmentCode(name: String?, role: PrincipalRole, group: GroupID? = nil,
                                     facilitator: Bool = false) async throws(VaultError) -> EnrollmentCode {
        if let name { try Names.checkPrincipal(name) }
        if facilitator {
            guard group != nil, role == .member else {
                throw VaultError.invalid("a facilitator is a member invited into a group")
            }
        }
        let raw = try mapping("an enrollment code") { try SecureRandom.bytes(count: 16) }
        let issued = now
        let expires = issued.addingTimeInterval(configuration.enrollmentCodeLifetime)
        let row = EnrollmentCodeRow(codeHash: SHA256.hash(raw), name: name, role: role, group: group,
                                    expiresAt: Int64(expires.timeIntervalSince1970), usedAt: nil, facilitator: facilitator)
        let maximum = configuration.groupSize.allowed.upperBound
        let replaced = try await write { access in
            if let group {
                // A full group is said now, not when the invitee enrolls.
                guard let groupRow = try access.group(group) else { throw VaultError.notFound("the group") }
                try Self.requireRoom(in: groupRow, maximum: maximum, access: access)
            }
            // The newest invitation of a name is the one that works: an earlier one, unused,
            // would otherwise enroll them with its older role or group.
            // Replaced: a code that still worked (an expired one stopped working already).
            let live = try name.map { try access.liveEnrollmentCodes(for: $0, now: Int64(issued.timeIntervalSince1970)) } ?? 0
            if let name { _ = try access.dropUnusedEnrollmentCodes(for: name) }
            try access.insertEnrollmentCode(row)
            return live > 0
        }
        var code = EnrollmentCode(code: Base32.grouped(raw), name: name, role: role, group: group, expiresAt: expires)
        code.replacedEarlier = replaced
        return code
    }

    /// The invitations not used yet, expired ones included (an operator re-invites those), by name.
    public func pendingInvitations() async throws(VaultError) -> [PendingInvitation] {
        try await read { access in
            try access.unusedEnrollmentCodes().compactMap { row in
                row.name.map {
                    PendingInvitation(name: $0, role: row.role, facilitator: row.facilitator, group: row.group,
                                      expiresAt: Date(timeIntervalSince1970: Double(row.expiresAt)))
                }
            }
        }
    }

    /// Withdraws `name`'s unused invitation: its code stops working at once. `record`, when given,
    /// commits with it.
    ///
    /// - Throws: `VaultError.notFound` when `name` has no unused invitation.
    public func revokeInvitation(for name: String, recording record: AuditDraft? = nil) async throws(VaultError) {
        try await write { access in
            guard try access.dropUnusedEnrollmentCodes(for: name) > 0 else {
                throw VaultError(.notFound, "\(name) has no invitation waiting to be used")
            }
            try access.appendAudit(record)
        }
    }

    /// When `code` stops working, if it is a code still waiting to be used; `nil` for a code that is
    /// unknown, used or expired (the daemon replaces an operator's bootstrap code that ran out).
    public func expiryOfUnusedEnrollmentCode(_ code: String) async throws(VaultError) -> Date? {
        guard let raw = Base32.decode(code, byteCount: 16) else { return nil }
        let hash = SHA256.hash(raw)
        guard let row = try await read({ try $0.enrollmentCode(hash: hash) }),
              row.usedAt == nil, nowSeconds < row.expiresAt else { return nil }
        return Date(timeIntervalSince1970: Double(row.expiresAt))
    }

    /// Enrolls with a one-time code: checks the passphrase's strength, draws the root key and the
    /// identity key pairs, wraps the root key under the passphrase (scrypt) and a new recovery key.
    ///
    /// - Throws: `VaultError.enrollmentCodeInvalid`, `.enrollmentCodeExpired`, `.enrollmentCodeUsed`,
    ///   `.nameUnavailable` (name taken, or not the one the code was issued for), `.weakPassphrase`,
    ///   `.invalidInput` (a name outside `Names`' rule).
    public func enroll(code: String, name: String, passphrase: SecretBytes,
                       recording record: (@Sendable (PrincipalID) -> AuditDraft)? = nil) async throws(VaultError) -> Enrollment {
        guard let raw = Base32.decode(code, byteCount: 16) else {
            throw VaultError(.enrollmentCodeInvalid, "this enrollment code is not valid")
        }
        let hash = SHA256.hash(raw)
        let name = name.trimmingCharacters(in: .whitespaces)
        try Names.checkPrincipal(name)
        let nowSeconds = nowSeconds
        let codeRow = try await read { try $0.enrollmentCode(hash: hash) }
        try Self.checkUsable(codeRow, name: name, now: nowSeconds)
        try PassphrasePolicy.check(passphrase, name: name)

        let id = try PrincipalID.random()
        let parameters = configuration.scryptParameters, policy = configuration.scryptPolicy
        let made = try await derive {
            try Self.makePrincipal(id: id, name: name, role: codeRow!.role, passphrase: passphrase,
                                   parameters: parameters, policy: policy, createdAt: nowSeconds)
        }
        let keys = try MemberKeys(root: made.root, row: made.row)
        let maximum = configuration.groupSize.allowed.upperBound
        let manifest = try mapping("the manifest") { try MemberSession.manifestRow(keys: keys, counter: 0, setHash: .zeroHash) }
        try await write { access in
            let current = try access.enrollmentCode(hash: hash)
            try Self.checkUsable(current, name: name, now: nowSeconds)
            guard try access.principal(named: name) == nil else {
                throw VaultError(.nameUnavailable, "the name \(name) is taken")
            }
            try access.markEnrollmentCodeUsed(hash: hash, at: nowSeconds)
            try access.insertPrincipal(made.row)
            try access.upsertManifest(manifest)
            if let group = current?.group, let groupRow = try access.group(group) {
                // Filled since the invitation: nothing is enrolled, and the code keeps working.
                try Self.requireRoom(in: groupRow, maximum: maximum, access: access,
                                     after: "; this enrollment code stays valid until it expires — enroll again once the operator has made room")
                try access.addMembership(group, id, at: nowSeconds)
                if current?.facilitator == true { try access.setFacilitator(group, id) }
            }
            try access.appendAudit(record?(id))
        }
        return Enrollment(principal: made.row.principal, recoveryKey: RecoveryKey(secret: made.recovery))
    }

    private static func checkUsable(_ row: EnrollmentCodeRow?, name: String, now: Int64) throws(VaultError) {
        guard let row else { throw VaultError(.enrollmentCodeInvalid, "this enrollment code is not valid") }
        guard row.usedAt == nil else { throw VaultError(.enrollmentCodeUsed, "this enrollment code was already used") }
        guard now < row.expiresAt else { throw VaultError(.enrollmentCodeExpired, "this enrollment code has expired") }
        if let expected = row.name, expected != name {
            throw VaultError(.nameUnavailable, "this enrollment code was issued for another name")
        }
    }

    static func makePrincipal(id: PrincipalID, name: String, role: PrincipalRole, passphrase: SecretBytes,
                              parameters: ScryptParameters, policy: ScryptParameters.Policy, createdAt: Int64) throws
        -> (row: PrincipalRow, root: SecretBytes, recovery: SecretBytes) {
        let root = try SecretBytes.random(count: 32)
        let recovery = try SecretBytes.random(count: 32)
        let salt = try SecureRandom.bytes(count: 16)
        let kpass = try MemberKeys.passphraseKey(passphrase, salt: salt, parameters: parameters, policy: policy, principal: id)
        let krec = try MemberKeys.recoveryKey(recovery, principal: id)
        let agreement = try X25519.PrivateKey()
        let signing = try Ed25519.PrivateKey()
        let identityWrap = try MemberKeys.subkeys(root: root, principal: id).3
        let wrapped = try MemberKeys.wrapPrivateKeys(agreement: agreement, signing: signing, identityWrap: identityWrap,
                                                     principal: id)
        let row = PrincipalRow(id: id, name: name, role: role, disabled: false, createdAt: createdAt, salt: salt,
                               log2N: parameters.log2N, r: parameters.r, p: parameters.p,
                               wrappedRootPass: try MemberKeys.wrapRoot(root, under: kpass, principal: id, via: "passphrase"),
                               wrappedRootRecovery: try MemberKeys.wrapRoot(root, under: krec, principal: id, via: "recovery"),
                               agreementPublic: agreement.publicKey.rawRepresentation,
                               signingPublic: signing.publicKey.rawRepresentation,
                               agreementPrivateWrapped: wrapped.agreement, signingPrivateWrapped: wrapped.signing)
        return (row, root, recovery)
    }

    /// Runs blocking key derivation on the derivation gate.
    func derive<T: Sendable>(_ work: @Sendable @escaping () throws -> T) async throws(VaultError) -> T {
        do { return try await gate.run(work) } catch { throw VaultError.wrap(error) }
    }

    // MARK: Unlock

    /// Derives the passphrase key (scrypt, off the caller's thread) and unwraps the root key.
    /// An unknown name costs the same scrypt as a known one and fails the same way.
    private func unwrapRoot(name: String, passphrase: SecretBytes) async throws(VaultError) -> (PrincipalRow, SecretBytes) {
        let row = try await read { try $0.principal(named: name) }
        let policy = configuration.scryptPolicy
        guard let row else {
            let parameters = configuration.scryptParameters
            _ = try? await derive {
                try MemberKeys.passphraseKey(passphrase, salt: [UInt8](repeating: 0, count: 16), parameters: parameters,
                                             policy: policy, principal: PrincipalID(UUID(bytes: [UInt8](repeating: 0, count: 16))))
            }
            throw VaultError(.invalidCredentials, "unknown name or wrong passphrase")
        }
        let parameters: ScryptParameters
        do {
            parameters = try ScryptParameters(log2N: row.log2N, r: row.r, p: row.p, policy: policy)
        } catch {
            throw VaultError(.integrityViolation, "the stored scrypt parameters are outside the accepted range")
        }
        let root: SecretBytes? = try await derive {
            let key = try MemberKeys.passphraseKey(passphrase, salt: row.salt, parameters: parameters, policy: policy,
                                                   principal: row.id)
            return try? MemberKeys.unwrapRoot(row.wrappedRootPass, under: key, principal: row.id, via: "passphrase")
        }
        guard let root else { throw VaultError(.invalidCredentials, "unknown name or wrong passphrase") }
        guard !row.disabled else { throw VaultError(.principalDisabled, "\(row.name) was disabled by the operator") }
        return (row, root)
    }

    /// The names whose stored passphrase cost this configuration does not accept (made under a
    /// test configuration, which allows cheaper scrypt): none of them could unlock, and a start
    /// that served them would tell their names from unknown ones.
    public func namesWithUnacceptedPassphraseCost() throws(VaultError) -> [String] {
        let policy = configuration.scryptPolicy
        return try readShort { access in
            try access.principals().filter { row in
                (try? ScryptParameters(log2N: row.log2N, r: row.r, p: row.p, policy: policy)) == nil
            }.map(\.name).sorted()
        }
    }

    /// Unlocks `name` with its passphrase: returns a session holding the keys, after checking the
    /// manifest, opening pending jots into entries, re-keying entries marked by revocations or
    /// removals, and sealing group objects to members who joined.
    ///
    /// - Throws: `VaultError.invalidCredentials` (unknown name or wrong passphrase, never saying
    ///   which), `.principalDisabled`, `.authenticationFailed` for a changed wrapped key.
    public func unlock(name: String, passphrase: SecretBytes) async throws(VaultError) -> MemberSession {
        let (row, root) = try await unwrapRoot(name: name, passphrase: passphrase)
        let keys = try MemberKeys(root: root, row: row)
        let session = MemberSession(vault: self, principal: row.principal, keys: keys)
        try await session.afterUnlock()
        return session
    }

    /// Changes `name`'s passphrase (new salt, current default scrypt parameters) and revokes their
    /// capture tokens. With `rotate`, also
    /// draws a new root key and re-wraps every entry key, private key, pin and the manifest under
    /// it in one transaction, and returns a new recovery key (the old one stops working).
    ///
    /// - Throws: as `unlock`, `.weakPassphrase`, and `.integrityViolation` when rotating over a
    ///   manifest that does not verify (acknowledge the report first).
    /// - Parameter record: an audit record that commits with the change.
    @discardableResult
    public func changePassphrase(name: String, current: SecretBytes, new: SecretBytes, rotate: Bool = false,
                                 recording record: AuditDraft? = nil) async throws(VaultError) -> RecoveryKey? {
        try PassphrasePolicy.check(new, name: name)
        // A change to the same passphrase would change nothing (and cost a derivation); rotating
        // the keys under it is another matter.
        if !rotate && new == current {
            throw VaultError.invalid("the new passphrase is the same as the one given as current: nothing to change (--rotate renews the keys under it)")
        }
        let (row, root) = try await unwrapRoot(name: name, passphrase: current)
        if rotate {
            let keys = try MemberKeys(root: root, row: row)
            let session = MemberSession(vault: self, principal: row.principal, keys: keys, maintenance: false)
            return try await session.rotate(newPassphrase: new, recording: record)
        }
        try await rewrapPassphrase(row: row, root: root, passphrase: new, recording: record)
        return nil
    }

    /// Recovers `name` with the recovery key: unwraps the root key and wraps it under a new passphrase;
    /// their capture tokens are revoked with it.
    ///
    /// - Parameter record: makes an audit record from the principal's id; it commits with the change.
    /// - Throws: `.invalidCredentials` for a wrong key or unknown name, `.weakPassphrase`, `.principalDisabled`.
    public func recover(name: String, recoveryKey: RecoveryKey, newPassphrase: SecretBytes,
                        recording record: (@Sendable (PrincipalID) -> AuditDraft)? = nil) async throws(VaultError) {
        try PassphrasePolicy.check(newPassphrase, name: name)
        guard let row = try await read({ try $0.principal(named: name) }) else {
            throw VaultError(.invalidCredentials, "unknown name or wrong recovery key")
        }
        guard let root = try? MemberKeys.unwrapRoot(row.wrappedRootRecovery,
                                                    under: try MemberKeys.recoveryKey(recoveryKey.secret, principal: row.id),
                                                    principal: row.id, via: "recovery") else {
            throw VaultError(.invalidCredentials, "unknown name or wrong recovery key")
        }
        guard !row.disabled else { throw VaultError(.principalDisabled, "\(row.name) was disabled by the operator") }
        _ = try MemberKeys(root: root, row: row)
        try await rewrapPassphrase(row: row, root: root, passphrase: newPassphrase, recording: record?(row.id))
    }

    func rewrapPassphrase(row: PrincipalRow, root: SecretBytes, passphrase: SecretBytes,
                          recording record: AuditDraft?) async throws(VaultError) {
        let parameters = configuration.scryptParameters, policy = configuration.scryptPolicy
        let (salt, wrapped) = try await derive {
            let salt = try SecureRandom.bytes(count: 16)
            let key = try MemberKeys.passphraseKey(passphrase, salt: salt, parameters: parameters, policy: policy,
                                                   principal: row.id)
            return (salt, try MemberKeys.wrapRoot(root, under: key, principal: row.id, via: "passphrase"))
        }
        try await write { access in
            try access.updatePassphraseWrap(row.id, salt: salt, log2N: parameters.log2N, r: parameters.r, p: parameters.p,
                                            wrapped: wrapped)
            // Whoever knew the old passphrase may have logged in with it: their capture tokens
            // (jots into this journal) end with it.
            try access.deleteCaptureTokens(of: row.id)
            try access.appendAudit(record)
        }
    }

    /// Disables a principal: it can no longer unlock or recover. Its data stays. `record`, when
    /// given, is appended to the audit chain in the same transaction.
    ///
    /// - Throws: `VaultError.notFound`.
    public func disable(_ principal: PrincipalID, recording record: AuditDraft? = nil) async throws(VaultError) {
        try await write { access in
            guard try access.setDisabled(principal, true) else { throw VaultError.notFound("the principal") }
            try access.appendAudit(record)
        }
    }

    /// The principal called `name`, if any.
    public func principal(named name: String) async throws(VaultError) -> Principal? {
        try readShort { try $0.principal(named: name)?.principal }
    }

    /// The principal with `id`, if any.
    public func principal(_ id: PrincipalID) async throws(VaultError) -> Principal? {
        try readShort { try $0.principal(id)?.principal }
    }

    /// Every principal, by name.
    public func principals() async throws(VaultError) -> [Principal] {
        try await read { try $0.principals().map(\.principal) }
    }
}

extension Array where Element == UInt8 {
    static var zeroHash: [UInt8] { [UInt8](repeating: 0, count: 32) }
}

/// An invitation not used yet (`Vault.pendingInvitations`).
public struct PendingInvitation: Sendable, Equatable {
    /// Who it is for.
    public let name: String
    /// The role enrolling gives.
    public let role: PrincipalRole
    /// Enrolling also appoints the facilitator of `group`.
    public let facilitator: Bool
    /// The group enrolling joins.
    public let group: GroupID?
    /// When its code stops working.
    public let expiresAt: Date
}
