import Foundation

/// `POST /v1/sessions`: unlock. The daemon reads the passphrase from the raw body into locked
/// memory; clients send this shape.
public struct UnlockRequest: Codable, Sendable {
    /// The principal's name.
    public var name: String
    /// The passphrase. On the client it lives only as long as the request.
    public var passphrase: String

    /// Creates an unlock request.
    public init(name: String, passphrase: String) {
        self.name = name
        self.passphrase = passphrase
    }
}

/// A principal as others see it.
public struct PrincipalInfo: Codable, Sendable, Equatable {
    /// The principal's id.
    @LowercaseID public var id: UUID
    /// The principal's name.
    public var name: String
    /// `member`, `compliance` or `operator`.
    public var role: String
    /// `true` once the operator disabled it (it can no longer log in); absent otherwise.
    public var disabled: Bool?

    /// Creates a principal description.
    public init(id: UUID, name: String, role: String, disabled: Bool = false) {
        self.id = id
        self.name = name
        self.role = role
        self.disabled = disabled ? true : nil
    }
}

/// The answer to an unlock.
public struct SessionResponse: Codable, Sendable {
    /// The bearer token for this session (shown once; the daemon keeps only its hash).
    public var token: String
    /// The long-lived capture token that lets `tacit jot` seal notes without unlocking.
    public var captureToken: String
    /// Who unlocked.
    public var principal: PrincipalInfo
    /// The principal's X25519 public key (base64), which `tacit jot` sends back.
    public var agreementKey: String
    /// The member's manifest counter, which the CLI remembers to catch a rollback.
    public var manifestCounter: UInt64
    /// When the session ends at the latest.
    public var expiresAt: Date
    /// How long the session survives without use, in seconds.
    public var idleSeconds: Int
    /// What the unlock found and did: re-encrypted entries, opened jots, integrity warnings.
    public var notices: [String]

    /// Creates a session response.
    public init(token: String, captureToken: String, principal: PrincipalInfo, agreementKey: String,
                manifestCounter: UInt64, expiresAt: Date, idleSeconds: Int, notices: [String]) {
        self.token = token
        self.captureToken = captureToken
        self.principal = principal
        self.agreementKey = agreementKey
        self.manifestCounter = manifestCounter
        self.expiresAt = expiresAt
        self.idleSeconds = idleSeconds
        self.notices = notices
    }
}

/// `GET /v1/whoami`.
public struct WhoAmIResponse: Codable, Sendable {
    /// The caller.
    public var principal: PrincipalInfo
    /// The caller's groups.
    public var groups: [GroupSummary]
    /// The caller's key fingerprint.
    public var fingerprint: String
    /// When the session ends at the latest.
    public var expiresAt: Date
    /// The caller's manifest counter as stored now, when its MAC verifies (absent otherwise): the
    /// CLI remembers it after its writes, so a rollback of them is noticed at the next login.
    public var manifestCounter: UInt64?

    /// Creates a whoami response.
    public init(principal: PrincipalInfo, groups: [GroupSummary], fingerprint: String, expiresAt: Date,
                manifestCounter: UInt64? = nil) {
        self.principal = principal
        self.groups = groups
        self.fingerprint = fingerprint
        self.expiresAt = expiresAt
        self.manifestCounter = manifestCounter
    }
}

/// `POST /v1/enroll`: set a passphrase with a one-time code.
public struct EnrollRequest: Codable, Sendable {
    /// The enrollment code the operator gave.
    public var code: String
    /// The name to enroll under (must match the invitation's name when it has one).
    public var name: String
    /// The new passphrase (at least 12 characters, not a common one).
    public var passphrase: String

    /// Creates an enroll request.
    public init(code: String, name: String, passphrase: String) {
        self.code = code
        self.name = name
        self.passphrase = passphrase
    }
}

/// The answer to a passphrase change with `rotate`: the new recovery key, shown once (the old one
/// no longer opens anything).
/// The answer to a passphrase change without rotation: every capture token of the member was
/// revoked with the old passphrase, and this one replaces the caller's.
public struct PassphraseChangeResponse: Codable, Sendable {
    /// A fresh capture token for `tacit jot` on the device that made the change.
    public var captureToken: String

    /// Creates a passphrase change response.
    public init(captureToken: String) {
        self.captureToken = captureToken
    }
}

public struct RotationResponse: Codable, Sendable {
    /// The new recovery key in groups of four; it is never shown again.
    public var recoveryKey: String

    /// Creates a rotation response.
    public init(recoveryKey: String) {
        self.recoveryKey = recoveryKey
    }
}

/// The answer to enrollment: the recovery key, shown once.
public struct EnrollResponse: Codable, Sendable {
    /// Who was enrolled.
    public var principal: PrincipalInfo
    /// The recovery key in groups of four; it is never shown again.
    public var recoveryKey: String
    /// The new key fingerprint, to compare in person.
    public var fingerprint: String
    /// The groups the invitation made them facilitator of (absent when none).
    public var facilitates: [String]?
    /// The groups the invitation made them a member of (absent when none).
    public var groups: [String]?

    /// Creates an enroll response.
    public init(principal: PrincipalInfo, recoveryKey: String, fingerprint: String, facilitates: [String]? = nil,
                groups: [String]? = nil) {
        self.principal = principal
        self.recoveryKey = recoveryKey
        self.fingerprint = fingerprint
        self.facilitates = facilitates
        self.groups = groups
    }
}

/// `POST /v1/passphrase`: change the passphrase, optionally rotating the root key.
public struct PassphraseChangeRequest: Codable, Sendable {
    /// The current passphrase.
    public var current: String
    /// The new passphrase.
    public var new: String
    /// Also replace the root key and re-wrap everything under it.
    public var rotate: Bool

    /// Creates a passphrase change.
    public init(current: String, new: String, rotate: Bool) {
        self.current = current
        self.new = new
        self.rotate = rotate
    }
}

/// `POST /v1/recover`: set a new passphrase with the recovery key.
public struct RecoverRequest: Codable, Sendable {
    /// The principal's name.
    public var name: String
    /// The recovery key as shown at enrollment (case, spaces and dashes ignored).
    public var recoveryKey: String
    /// The new passphrase.
    public var passphrase: String

    /// Creates a recovery request.
    public init(name: String, recoveryKey: String, passphrase: String) {
        self.name = name
        self.recoveryKey = recoveryKey
        self.passphrase = passphrase
    }
}

/// `POST /v1/jots` with a capture token: a note sealed without unlocking.
public struct JotRequest: Codable, Sendable {
    /// The note.
    public var text: String
    /// The member's X25519 public key as the client remembers it (base64); the daemon seals only
    /// if it equals the stored one.
    public var agreementKey: String

    /// Creates a jot.
    public init(text: String, agreementKey: String) {
        self.text = text
        self.agreementKey = agreementKey
    }
}

/// The id of something just created.
public struct CreatedResponse: Codable, Sendable, Equatable {
    /// The new object's id.
    @LowercaseID public var id: UUID

    /// Wraps an id.
    public init(id: UUID) { self.id = id }
}

/// `GET /v1/health`.
public struct HealthResponse: Codable, Sendable, Equatable {
    /// `ok` when the daemon serves requests.
    public var status: String
    /// The daemon's version.
    public var version: String

    /// Creates a health response.
    public init(status: String, version: String) {
        self.status = status
        self.version = version
    }
}
