import Foundation

// Plain row values exchanged between the vault and `StorageAccess`. Dates are whole Unix seconds.

struct PrincipalRow: Sendable {
    var id: PrincipalID
    var name: String
    var role: PrincipalRole
    var disabled: Bool
    var createdAt: Int64
    var salt: [UInt8]
    var log2N: Int
    var r: Int
    var p: Int
    var wrappedRootPass: [UInt8]
    var wrappedRootRecovery: [UInt8]
    var agreementPublic: [UInt8]
    var signingPublic: [UInt8]
    var agreementPrivateWrapped: [UInt8]
    var signingPrivateWrapped: [UInt8]

    var principal: Principal {
        Principal(id: id, name: name, role: role, isDisabled: disabled,
                  enrolledAt: Date(timeIntervalSince1970: Double(createdAt)),
                  agreementKey: agreementPublic, signingKey: signingPublic)
    }
}

struct EnrollmentCodeRow: Sendable {
    var codeHash: [UInt8]
    var name: String?
    var role: PrincipalRole
    var group: GroupID?
    var expiresAt: Int64
    var usedAt: Int64?
    /// Enrollment also appoints the new member facilitator of `group`.
    var facilitator: Bool = false
}

struct EntryRow: Sendable {
    var columns: EntryColumns
    var ciphertext: [UInt8]
    var wrappedKey: [UInt8]
    var needsRekey: Bool
}

/// The clear columns search needs to check its cache and the kind, cycle and group filters.
struct EntryHeader: Sendable {
    var id: EntryID
    var version: Int
    var kind: EntryKind
    var cycle: CycleID?
    var group: GroupID?
}

struct ShareRow: Sendable {
    var id: ShareID
    var entry: EntryID
    var author: PrincipalID
    var group: GroupID?
    var audience: [UInt8]
    var version: Int
    var expiresAt: Int64
    var createdAt: Int64
    var commitment: [UInt8]
    var signature: [UInt8]
    /// Shared with the group (its roster when shared), not with chosen members.
    var toGroup: Bool
}

struct SealRow: Sendable {
    var share: ShareID
    var reader: PrincipalID
    var seal: [UInt8]
}

struct PinRow: Sendable, Equatable {
    var owner: PrincipalID
    var peer: PrincipalID
    var agreementPublic: [UInt8]
    var signingPublic: [UInt8]
    var mac: [UInt8]
}

struct ManifestRow: Sendable, Equatable {
    var principal: PrincipalID
    var counter: Int64
    var setHash: [UInt8]
    var mac: [UInt8]
}

struct JotRow: Sendable {
    var id: JotID
    var principal: PrincipalID
    var box: [UInt8]
}

struct GroupObjectRow: Sendable {
    var id: GroupObjectID
    var group: GroupID
    var cycle: CycleID?
    var author: PrincipalID
    var kind: String
    var version: Int
    var ciphertext: [UInt8]
    var wrappedKey: [UInt8]
    var signature: [UInt8]
}

struct InstanceState: Sendable, Equatable {
    var writeCounter: UInt64
    var auditHead: [UInt8]
}
