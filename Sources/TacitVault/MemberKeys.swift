import Foundation
import TacitCrypto

/// An unlocked principal's keys, all in `SecretBytes`: the root key's subkeys and the private halves
/// of the identity key pairs. Dropping the last reference wipes them.
final class MemberKeys: Sendable {
    let principal: PrincipalID
    let root: SecretBytes
    let entryWrap: SecretBytes
    let manifest: SecretBytes
    let pin: SecretBytes
    let identityWrap: SecretBytes
    let agreement: X25519.PrivateKey
    let signing: Ed25519.PrivateKey
    /// The last manifest row known to carry a valid MAC under these keys: one this session wrote or
    /// verified. A stored row equal to it byte for byte needs no second HMAC; any other row is
    /// verified in full. A new session (every unlock) starts without one, so the check at unlock
    /// never relies on it.
    let verifiedManifest = Locked<ManifestRow?>(nil)
    /// Share keys this session opened, by SHA-256 of (seal, context): an X25519 agreement costs
    /// more than the rest of a shared read, and a member rereads the same shares. A hit needs the
    /// same seal bytes and the same context (share, reader, entry, version) that `SealedBox.open`
    /// accepted; everything after the seal (commitment, signature, GCM) is still checked at every
    /// read. The keys go with these keys: wiped at `lock()`.
    private let openedShareKeys = BoundedMemo<[UInt8], (key: SecretBytes, commitment: [UInt8])>(capacity: openedShareKeysLimit)
    /// More shares than a member's feed holds at once (their group's peers over a cycle). An entry
    /// costs about 250 bytes: at 1,024 a five-minute load of 64 members grew the daemon by 16 MiB
    /// filling them, and a thousand busy sessions could hold 250 MiB; at 128, 32 KiB a session.
    static let openedShareKeysLimit = 128
    /// Pin rows known to carry a valid MAC under these keys, by peer: ones this session verified.
    /// A stored pin equal to the one kept, byte for byte, needs no second HMAC (every read
    /// of a shared entry checks its author's pin); any other row is verified in full.
    private let verifiedPins = BoundedMemo<PrincipalID, PinRow>(capacity: verifiedPinsLimit)
    static let verifiedPinsLimit = 1024

    /// Derives the subkeys of `root` and unwraps the private keys stored in `row`.
    ///
    /// - Throws: `VaultError.authenticationFailed` when a wrapped private key was changed.
    init(root: SecretBytes, row: PrincipalRow) throws(VaultError) {
        principal = row.id
        self.root = root
        let subkeys = try MemberKeys.subkeys(root: root, principal: row.id)
        (entryWrap, manifest, pin, identityWrap) = subkeys
        agreement = try mapping("a wrapped X25519 private key") {
            let raw = try AESGCM.open(row.agreementPrivateWrapped, key: subkeys.3,
                                      associatedData: FormatV1.privateKeyAD(.agreementPrivateKey, row.id,
                                                                            publicKey: row.agreementPublic).bytes)
            return try X25519.PrivateKey(rawRepresentation: raw)
        }
        signing = try mapping("a wrapped Ed25519 private key") {
            let raw = try AESGCM.open(row.signingPrivateWrapped, key: subkeys.3,
                                      associatedData: FormatV1.privateKeyAD(.signingPrivateKey, row.id,
                                                                            publicKey: row.signingPublic).bytes)
            return try Ed25519.PrivateKey(rawRepresentation: raw)
        }
        guard agreement.publicKey.rawRepresentation == row.agreementPublic,
              signing.publicKey.rawRepresentation == row.signingPublic else {
            throw VaultError.tampered("a principal's public key")
        }
    }

    /// The key sealed in `seal` for `context` and its key commitment: from this session's cache, or
    /// opened and committed to (and kept). The commitment is a function of the key alone, so it is
    /// kept beside it rather than computed again at every read; the caller still compares it with
    /// the share's stored commitment each time.
    func shareKey(seal: [UInt8], context: CanonicalEncoding,
                  open: () throws -> SecretBytes) throws -> (key: SecretBytes, commitment: [UInt8]) {
        try openedShareKeys.value(for: SHA256.hash(seal + context.bytes)) {
            let key = try open()
            return (key, try FormatV1.keyCommitment(key))
        }
    }

    /// Whether `pin` carries a valid MAC under these keys: known from this session, or checked now
    /// (and kept when valid).
    func isValidPin(_ pin: PinRow) -> Bool {
        if verifiedPins[pin.peer] == pin { return true }
        let message = FormatV1.pinMessage(owner: principal, peer: pin.peer, agreement: pin.agreementPublic,
                                          signing: pin.signingPublic)
        guard HMAC.isValid(pin.mac, for: message.bytes, key: self.pin) else { return false }
        verifiedPins.remember(pin, for: pin.peer)
        return true
    }

    /// How many verified pins are kept (tests).
    var verifiedPinCount: Int { verifiedPins.count }

    /// How many share keys the cache holds (tests).
    var openedShareKeyCount: Int { openedShareKeys.count }

    static func subkeys(root: SecretBytes, principal: PrincipalID) throws(VaultError)
        -> (SecretBytes, SecretBytes, SecretBytes, SecretBytes) {
        try mapping("key derivation") {
            (try HKDF.deriveKey(from: root, info: FormatV1.subkeyInfo(.entryKeyWrap, principal).bytes),
             try HKDF.deriveKey(from: root, info: FormatV1.subkeyInfo(.manifestKey, principal).bytes),
             try HKDF.deriveKey(from: root, info: FormatV1.subkeyInfo(.pinKey, principal).bytes),
             try HKDF.deriveKey(from: root, info: FormatV1.subkeyInfo(.identityWrap, principal).bytes))
        }
    }

    /// Wraps this principal's private keys under the identity key of `root` (a new root on rotation).
    static func wrapPrivateKeys(agreement: X25519.PrivateKey, signing: Ed25519.PrivateKey, identityWrap: SecretBytes,
                                principal: PrincipalID) throws(VaultError) -> (agreement: [UInt8], signing: [UInt8]) {
        try mapping("wrapping private keys") {
            (try AESGCM.seal(agreement.rawRepresentation(), key: identityWrap,
                             associatedData: FormatV1.privateKeyAD(.agreementPrivateKey, principal,
                                                                   publicKey: agreement.publicKey.rawRepresentation).bytes),
             try AESGCM.seal(signing.rawRepresentation(), key: identityWrap,
                             associatedData: FormatV1.privateKeyAD(.signingPrivateKey, principal,
                                                                   publicKey: signing.publicKey.rawRepresentation).bytes))
        }
    }

    // MARK: Root key wrapping

    /// scrypt(passphrase) → Kpass. Blocking: callers run it on the derivation gate.
    static func passphraseKey(_ passphrase: SecretBytes, salt: [UInt8], parameters: ScryptParameters,
                              policy: ScryptParameters.Policy, principal: PrincipalID) throws -> SecretBytes {
        let p = try Scrypt.deriveKey(from: passphrase, salt: salt, parameters: parameters, policy: policy)
        return try HKDF.deriveKey(from: p, info: FormatV1.passphraseWrapInfo(principal, parameters).bytes)
    }

    static func recoveryKey(_ recovery: SecretBytes, principal: PrincipalID) throws -> SecretBytes {
        try HKDF.deriveKey(from: recovery, info: FormatV1.recoveryWrapInfo(principal).bytes)
    }

    static func wrapRoot(_ root: SecretBytes, under key: SecretBytes, principal: PrincipalID, via: String) throws -> [UInt8] {
        try AESGCM.seal(root, key: key, associatedData: FormatV1.rootKeyAD(principal, via: via).bytes)
    }

    static func unwrapRoot(_ wrapped: [UInt8], under key: SecretBytes, principal: PrincipalID, via: String) throws -> SecretBytes {
        try AESGCM.open(wrapped, key: key, associatedData: FormatV1.rootKeyAD(principal, via: via).bytes)
    }

    // MARK: Per-purpose helpers

    func manifestElement(_ encoding: CanonicalEncoding) throws -> [UInt8] {
        try HMAC.authenticationCode(for: encoding.bytes, key: manifest)
    }

    func pinMAC(peer: PrincipalID, agreement: [UInt8], signing: [UInt8]) throws -> [UInt8] {
        try HMAC.authenticationCode(for: FormatV1.pinMessage(owner: principal, peer: peer, agreement: agreement,
                                                             signing: signing).bytes, key: pin)
    }

    func pinElement(peer: PrincipalID, agreement: [UInt8], signing: [UInt8]) throws -> [UInt8] {
        try manifestElement(FormatV1.manifestPinElement(peer, fingerprint: FormatV1.fingerprint(peer, agreement: agreement,
                                                                                                 signing: signing)))
    }

    /// `FormatV1.manifestEntryElement` up to the entry id's 16 bytes: the part every entry
    /// element's message shares.
    private static let entryElementPrefix: [UInt8] = {
        let sample = FormatV1.manifestEntryElement(EntryID(UUID(bytes: [UInt8](repeating: 0, count: 16))), version: 0)
        return Array(sample.bytes.dropLast(16 + 2 + 8))
    }()

    /// HMAC(Kmanifest, CE(manifest-element, "entry", id, u64 version)), the message built in one
    /// buffer (the same bytes as `FormatV1.manifestEntryElement`; a test compares them): unlock
    /// computes one per entry.
    func entryElement(_ id: EntryID, version: Int) throws -> [UInt8] {
        guard version >= 0 else { throw VaultError.tampered("an entry's version") }
        var message = Self.entryElementPrefix
        message.reserveCapacity(message.count + 16 + 2 + 8)
        withUnsafeBytes(of: id.uuid.uuid) { message.append(contentsOf: $0) }
        message.append(0)
        message.append(8)
        withUnsafeBytes(of: UInt64(version).bigEndian) { message.append(contentsOf: $0) }
        return try HMAC.authenticationCode(for: message, key: manifest)
    }
}
