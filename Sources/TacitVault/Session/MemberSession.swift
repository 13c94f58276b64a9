import Foundation
import TacitCrypto

/// What the manifest check at unlock found.
public enum IntegrityProblem: Sendable, Equatable, CustomStringConvertible {
    /// The member's manifest row is missing.
    case manifestMissing
    /// The manifest's MAC does not verify: it was edited.
    case manifestForged
    /// An entry is back at an older version.
    case entryRolledBack(EntryID)
    /// An entry the member deleted is back.
    case entryResurrected(EntryID)
    /// A pin was deleted.
    case pinDeleted(PrincipalID)
    /// A pin's MAC does not verify: it was edited.
    case pinForged(PrincipalID)
    /// The set of entries and pins differs from the manifest in a way not explained above
    /// (typically an entry was dropped).
    case entriesOrPinsChanged

    public var description: String {
        switch self {
        case .manifestMissing: "the manifest is missing"
        case .manifestForged: "the manifest was edited"
        case let .entryRolledBack(id): "entry \(id) was rolled back to an older version"
        case let .entryResurrected(id): "deleted entry \(id) is back"
        case let .pinDeleted(id): "the pinned key of \(id) was deleted"
        case let .pinForged(id): "the pinned key of \(id) was edited"
        case .entriesOrPinsChanged: "entries or pins were dropped or added outside Tacit"
        }
    }
}

/// The result of unlocking: the manifest check and the maintenance done.
public struct UnlockReport: Sendable, Equatable {
    /// Problems the manifest check found; empty when the stored state is what the member left.
    public internal(set) var problems: [IntegrityProblem]
    /// The manifest counter after unlocking (the CLI refuses a lower one than it saw last).
    public internal(set) var manifestCounter: UInt64
    /// Jots opened into entries.
    public internal(set) var jotsOpened: Int
    /// Of those, the ones jotted while no cycle of the member's was open: notes, not practice.
    public internal(set) var jotsOpenedAsNotes = 0
    /// Entries re-encrypted under fresh keys after revocations or removals.
    public internal(set) var entriesRekeyed: Int
    /// What re-sealing the member's shares at the re-key left out: readers removed from the group
    /// or with keys that no longer match their pins, and the entries whose shares ended.
    public internal(set) var resealed = MemberSession.ResealOutcome()
    /// Group-object seals added for members who joined.
    public internal(set) var membersSealedIn: Int
}

/// An unlocked principal: holds their keys in `SecretBytes` until `lock()`.
///
/// Every method that needs the keys throws `VaultError.locked` after `lock()`.
public final class MemberSession: Sendable {
    /// Who is unlocked.
    public let principal: Principal
    let vault: Vault
    private let state: Locked<MemberKeys?>
    private let reportState = Locked(UnlockReport(problems: [], manifestCounter: 0, jotsOpened: 0, entriesRekeyed: 0,
                                                 membersSealedIn: 0))
    let runMaintenance: Bool
    /// Folded text of the member's entries for search, per (entry, version); emptied by `lock()`.
    let searchCache = SearchCache()
    /// The facts the member's last new entry was written on, and the cycle it asked for: the
    /// next one is sealed ahead on them (see `writeEntry(_:deciding:)`). No secret; only a guess.
    let lastWriteFacts = Locked<(requested: CycleID?, facts: EntryWriteFacts)?>(nil)
    /// New entries whose row sealed ahead was written, and those sealed again inside the write (tests).
    let sealing = Locked((ahead: 0, inWriter: 0))

    init(vault: Vault, principal: Principal, keys: MemberKeys, maintenance: Bool = true) {
        self.vault = vault
        self.principal = principal
        state = Locked(keys)
        runMaintenance = maintenance
    }

    /// What unlocking found and did.
    public var report: UnlockReport { reportState.withLock { $0 } }

    /// `true` until `lock()`.
    public var isUnlocked: Bool { state.withLock { $0 != nil } }

    /// Wipes the keys and everything decrypted that the session kept (the last references to them
    /// are dropped here).
    public func lock() {
        state.withLock { $0 = nil }
        searchCache.removeAll()
    }

    func keys() throws(VaultError) -> MemberKeys {
        guard let keys = state.withLock({ $0 }) else { throw VaultError(.locked, "the session is locked") }
        return keys
    }

    var me: PrincipalID { principal.id }

    /// Trust on first use is suspended while the manifest reports a problem: a deleted pin must
    /// never be silently re-pinned.
    var mayPinOnFirstUse: Bool { reportState.withLock { $0.problems.isEmpty } }

    // MARK: Unlock maintenance

    func afterUnlock() async throws(VaultError) {
        let keys = try keys()
        let me = me
        // One read decides what unlocking has to do: the manifest check, and whether any jot,
        // entry marked for re-keying or group object missing a member waits. Only then a write.
        let scan = try await vault.read { access in
            let live = try Self.liveSet(access: access, keys: keys)
            return UnlockScan(problems: try Self.checkManifest(access: access, keys: keys, live: live),
                              counter: try access.manifest(of: me).map { UInt64($0.counter) } ?? 0,
                              jotsWaiting: try access.hasJots(of: me), rekeyWaiting: live.anyMarkedForRekey,
                              sealsWaiting: try access.hasGroupObjectsMissingMembers(heldBy: me))
        }
        reportState.withLock { $0.problems = scan.problems }
        guard runMaintenance else { return }
        let manifestUsable = !scan.problems.contains(.manifestForged) && !scan.problems.contains(.manifestMissing)
        var wrote = false
        if manifestUsable {
            let opened = scan.jotsWaiting ? try await openJots() : (all: 0, notes: 0)
            let rekeyed = scan.rekeyWaiting ? try await rekeyMarkedEntries() : (count: 0, outcome: ResealOutcome())
            wrote = scan.jotsWaiting || scan.rekeyWaiting
            reportState.withLock {
                $0.jotsOpened = opened.all
                $0.jotsOpenedAsNotes = opened.notes
                $0.entriesRekeyed = rekeyed.count
                $0.resealed = rekeyed.outcome
            }
        }
        let sealed = scan.sealsWaiting ? try await sealGroupObjectsToNewMembers() : 0
        wrote = wrote || scan.sealsWaiting
        let counter = wrote ? try await vault.read { [me] in try $0.manifest(of: me).map { UInt64($0.counter) } ?? 0 }
            : scan.counter
        reportState.withLock { $0.membersSealedIn = sealed; $0.manifestCounter = counter }
    }

    private struct UnlockScan: Sendable {
        var problems: [IntegrityProblem]
        var counter: UInt64
        var jotsWaiting: Bool
        var rekeyWaiting: Bool
        var sealsWaiting: Bool
    }

    // MARK: Manifest

    static func manifestRow(keys: MemberKeys, counter: Int64, setHash: [UInt8]) throws -> ManifestRow {
        let mac = try HMAC.authenticationCode(for: FormatV1.manifestMessage(keys.principal, counter: UInt64(counter),
                                                                            setHash: setHash).bytes, key: keys.manifest)
        return ManifestRow(principal: keys.principal, counter: counter, setHash: setHash, mac: mac)
    }

    /// The counter of the member's manifest as committed now, when it is authentic (`isAuthentic`);
    /// nil when it is missing or was edited (unlocking reports those).
    public func verifiedManifestCounter() throws(VaultError) -> UInt64? {
        let keys = try keys()
        return try vault.readShort { access in
            guard let current = try access.manifest(of: keys.principal), Self.isAuthentic(current, keys: keys) else { return nil }
            return UInt64(current.counter)
        }
    }

    /// Whether `row` is the member's own manifest: the row this session last wrote or verified, or
    /// else one whose MAC verifies under the member's manifest key.
    static func isAuthentic(_ row: ManifestRow, keys: MemberKeys) -> Bool {
        if keys.verifiedManifest.withLock({ $0 }) == row { return true }
        let message = FormatV1.manifestMessage(keys.principal, counter: UInt64(row.counter), setHash: row.setHash)
        return HMAC.isValid(row.mac, for: message.bytes, key: keys.manifest)
    }

    /// XORs `removing` out and `adding` into the member's manifest and advances its counter, inside
    /// the caller's write transaction. The stored row is verified first (`isAuthentic`).
    static func updateManifest(access: StorageAccess, keys: MemberKeys, removing: [[UInt8]], adding: [[UInt8]]) throws {
        guard let current = try access.manifest(of: keys.principal) else {
            throw VaultError(.integrityViolation, "the manifest is missing; unlock to see the report")
        }
        guard isAuthentic(current, keys: keys) else {
            throw VaultError(.integrityViolation, "the manifest was edited; unlock to see the report")
        }
        var set = current.setHash
        for element in removing { xorInPlace(&set, element) }
        for element in adding { xorInPlace(&set, element) }
        let next = try manifestRow(keys: keys, counter: current.counter + 1, setHash: set)
        try access.replaceManifest(next, previousCounter: current.counter)
        // If the transaction rolls back, the next write finds another row and verifies its MAC.
        keys.verifiedManifest.withLock { $0 = next }
    }

    /// The set hash of the member's live entries and pins as stored, and whether an entry is
    /// marked for re-keying.
    static func liveSet(access: StorageAccess, keys: MemberKeys) throws -> LiveSet {
        var set = [UInt8].zeroHash
        let scan = try access.entryVersions(by: keys.principal)
        for (id, version) in scan.entries { xorInPlace(&set, try keys.entryElement(id, version: version)) }
        let pins = try access.pins(of: keys.principal)
        for pin in pins {
            xorInPlace(&set, try keys.pinElement(peer: pin.peer, agreement: pin.agreementPublic, signing: pin.signingPublic))
        }
        return LiveSet(set: set, entries: scan.entries, pins: pins, anyMarkedForRekey: scan.anyMarked)
    }

    struct LiveSet {
        var set: [UInt8]
        var entries: [(EntryID, Int)]
        var pins: [PinRow]
        var anyMarkedForRekey: Bool
    }

    /// Recomputes the set from the rows and compares it with the MAC'd manifest; explains a
    /// difference of one rolled-back, resurrected or deleted element where it can.
    static func checkManifest(access: StorageAccess, keys: MemberKeys) throws -> [IntegrityProblem] {
        try checkManifest(access: access, keys: keys, live: nil)
    }

    /// `checkManifest` over a live set already computed (`nil`: computed here). Always recomputes
    /// and verifies the MAC: nothing a session remembers stands in for this check.
    static func checkManifest(access: StorageAccess, keys: MemberKeys, live computed: LiveSet?) throws -> [IntegrityProblem] {
        guard let manifest = try access.manifest(of: keys.principal) else { return [.manifestMissing] }
        let message = FormatV1.manifestMessage(keys.principal, counter: UInt64(manifest.counter), setHash: manifest.setHash)
        guard HMAC.isValid(manifest.mac, for: message.bytes, key: keys.manifest) else { return [.manifestForged] }
        keys.verifiedManifest.withLock { $0 = manifest }
        var problems: [IntegrityProblem] = []
        let live = try computed ?? liveSet(access: access, keys: keys)
        for pin in live.pins where !HMAC.isValid(pin.mac, for: FormatV1.pinMessage(
            owner: keys.principal, peer: pin.peer, agreement: pin.agreementPublic, signing: pin.signingPublic).bytes, key: keys.pin) {
            problems.append(.pinForged(pin.peer))
        }
        guard live.set != manifest.setHash else { return problems }
        var difference = live.set
        xorInPlace(&difference, manifest.setHash)
        // One element explains the difference when XORing it (or a swap) gives zero.
        for (id, version) in live.entries {
            let element = try keys.entryElement(id, version: version)
            if element == difference { return problems + [.entryResurrected(id)] }
            for newer in (version + 1)...(version + 16) {
                var swapped = element
                xorInPlace(&swapped, try keys.entryElement(id, version: newer))
                if swapped == difference { return problems + [.entryRolledBack(id)] }
            }
        }
        let pinned = Set(live.pins.map(\.peer))
        for peer in try access.principals() where !pinned.contains(peer.id) && peer.id != keys.principal {
            if try keys.pinElement(peer: peer.id, agreement: peer.agreementPublic, signing: peer.signingPublic) == difference {
                return problems + [.pinDeleted(peer.id)]
            }
        }
        return problems + [.entriesOrPinsChanged]
    }

    /// Accepts the current stored state as the member's after they read the report: re-bases the
    /// manifest on the live rows. A deleted pin is not re-pinned: the peer is recorded as needing
    /// confirmation (`confirmPeer`) before anything is shared with them.
    public func acknowledgeReport() async throws(VaultError) {
        let keys = try keys()
        let deletedPins = report.problems.compactMap { if case let .pinDeleted(id) = $0 { id } else { nil } }
        try await vault.write { access in
            for peer in deletedPins {
                // An empty key pair never matches the peer's real keys: sharing waits for confirmation.
                try access.upsertPin(PinRow(owner: keys.principal, peer: peer, agreementPublic: [], signingPublic: [],
                                            mac: try keys.pinMAC(peer: peer, agreement: [], signing: [])))
            }
            for pin in try access.pins(of: keys.principal) where !HMAC.isValid(pin.mac, for: FormatV1.pinMessage(
                owner: keys.principal, peer: pin.peer, agreement: pin.agreementPublic, signing: pin.signingPublic).bytes,
                key: keys.pin) {
                try access.upsertPin(PinRow(owner: keys.principal, peer: pin.peer, agreementPublic: [], signingPublic: [],
                                            mac: try keys.pinMAC(peer: pin.peer, agreement: [], signing: [])))
            }
            let live = try Self.liveSet(access: access, keys: keys)
            let counter = (try access.manifest(of: keys.principal)?.counter ?? 0) + 1
            try access.upsertManifest(try Self.manifestRow(keys: keys, counter: counter, setHash: live.set))
        }
        reportState.withLock { $0.problems = [] }
    }

    // MARK: Rotation

    /// Draws a new root key and re-wraps everything under it in one transaction; wraps the root
    /// key under `newPassphrase` and a new recovery key, which is returned. `record`, when given,
    /// is appended to the audit chain in the same transaction.
    func rotate(newPassphrase: SecretBytes, recording record: AuditDraft? = nil) async throws(VaultError) -> RecoveryKey {
        let old = try keys()
        let problems = try await vault.read { try Self.checkManifest(access: $0, keys: old) }
        guard problems.isEmpty else {
            throw VaultError(.integrityViolation, "the manifest reports problems; unlock and acknowledge them before rotating")
        }
        let parameters = vault.configuration.scryptParameters, policy = vault.configuration.scryptPolicy
        let me = me
        let (root, recovery, salt, wrappedPass, wrappedRecovery) = try await vault.derive {
            let root = try SecretBytes.random(count: 32)
            let recovery = try SecretBytes.random(count: 32)
            let salt = try SecureRandom.bytes(count: 16)
            let kpass = try MemberKeys.passphraseKey(newPassphrase, salt: salt, parameters: parameters, policy: policy,
                                                     principal: me)
            return (root, recovery, salt,
                    try MemberKeys.wrapRoot(root, under: kpass, principal: me, via: "passphrase"),
                    try MemberKeys.wrapRoot(root, under: try MemberKeys.recoveryKey(recovery, principal: me),
                                            principal: me, via: "recovery"))
        }
        let sub = try MemberKeys.subkeys(root: root, principal: me)
        let wrappedPrivate = try MemberKeys.wrapPrivateKeys(agreement: old.agreement, signing: old.signing,
                                                            identityWrap: sub.3, principal: me)
        try await vault.write { access in
            try access.updatePassphraseWrap(me, salt: salt, log2N: parameters.log2N, r: parameters.r, p: parameters.p,
                                            wrapped: wrappedPass)
            try access.updateRootWraps(me, recovery: wrappedRecovery, agreementPrivate: wrappedPrivate.agreement,
                                       signingPrivate: wrappedPrivate.signing)
            try access.deleteCaptureTokens(of: me)
            guard let row = try access.principal(me) else { throw VaultError.notFound("the principal") }
            let new = try MemberKeys(root: root, row: row)
            for var entry in try access.entries(by: me) {
                let key = try Self.unwrapEntryKey(entry, keys: old)
                entry.wrappedKey = try Self.wrapEntryKey(key, columns: entry.columns, keys: new)
                try access.replaceEntry(entry, previousVersion: entry.columns.version)
            }
            for var object in try access.groupObjects(by: me) {
                let key = try AESGCM.open(object.wrappedKey, key: old.entryWrap,
                                          associatedData: FormatV1.groupObjectKeyAD(object.id, version: object.version).bytes)
                object.wrappedKey = try AESGCM.seal(key, key: new.entryWrap,
                                                    associatedData: FormatV1.groupObjectKeyAD(object.id, version: object.version).bytes)
                try access.replaceGroupObjectKey(object)
            }
            for var pin in try access.pins(of: me) {
                pin.mac = try new.pinMAC(peer: pin.peer, agreement: pin.agreementPublic, signing: pin.signingPublic)
                try access.upsertPin(pin)
            }
            let live = try Self.liveSet(access: access, keys: new)
            let counter = (try access.manifest(of: me)?.counter ?? 0) + 1
            try access.upsertManifest(try Self.manifestRow(keys: new, counter: counter, setHash: live.set))
            try access.appendAudit(record)
        }
        lock()
        return RecoveryKey(secret: recovery)
    }
}
