import Foundation
import TacitCrypto

/// Every associated data, HKDF info, MAC message and signed message of `Keys/README.md`, built in
/// one place so the code reads against the spec line by line.
enum FormatV1 {
    // MARK: Principal keys

    static func passphraseWrapInfo(_ pid: PrincipalID, _ p: ScryptParameters) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.passphraseWrap)
        ce.append(pid.uuid)
        ce.append(UInt64(p.log2N)); ce.append(UInt64(p.r)); ce.append(UInt64(p.p))
        return ce
    }

    static func recoveryWrapInfo(_ pid: PrincipalID) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.recoveryWrap)
        ce.append(pid.uuid)
        return ce
    }

    /// AD of the wrapped root key; `via` is "passphrase" or "recovery".
    static func rootKeyAD(_ pid: PrincipalID, via: String) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.rootKey)
        ce.append(pid.uuid)
        ce.append(via)
        return ce
    }

    static func subkeyInfo(_ label: DomainLabel, _ pid: PrincipalID) -> CanonicalEncoding {
        var ce = CanonicalEncoding(label)
        ce.append(pid.uuid)
        return ce
    }

    static func privateKeyAD(_ label: DomainLabel, _ pid: PrincipalID, publicKey: [UInt8]) -> CanonicalEncoding {
        var ce = CanonicalEncoding(label)
        ce.append(pid.uuid)
        ce.append(publicKey)
        return ce
    }

    /// First 16 bytes of SHA-256(CE(fingerprint, pid, x25519 public, ed25519 public)).
    static func fingerprint(_ pid: PrincipalID, agreement: [UInt8], signing: [UInt8]) -> [UInt8] {
        var ce = CanonicalEncoding(.fingerprint)
        ce.append(pid.uuid)
        ce.append(agreement)
        ce.append(signing)
        return Array(SHA256.hash(ce.bytes).prefix(16))
    }

    // MARK: Entries

    static func entryPayloadAD(_ row: EntryColumns) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.entryPayload)
        ce.append(row.id.uuid)
        ce.append(row.author.uuid)
        appendOptional(&ce, row.group?.uuid)
        appendOptional(&ce, row.cycle?.uuid)
        ce.append(row.kind.rawValue)
        ce.append(row.isoWeek)
        ce.append(UInt64(row.sizeBucket))
        ce.append(UInt64(row.version))
        return ce
    }

    static func entryKeyAD(_ id: EntryID, author: PrincipalID, version: Int) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.entryKey)
        ce.append(id.uuid)
        ce.append(author.uuid)
        ce.append(UInt64(version))
        return ce
    }

    // MARK: Shares

    static func shareSealContext(_ share: ShareID, reader: PrincipalID, entry: EntryID, version: Int) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.shareSeal)
        ce.append(share.uuid)
        ce.append(reader.uuid)
        ce.append(entry.uuid)
        ce.append(UInt64(version))
        return ce
    }

    /// HMAC(K, CE(key-commitment)): GCM alone does not commit to its key.
    static func keyCommitment(_ key: SecretBytes) throws -> [UInt8] {
        try HMAC.authenticationCode(for: CanonicalEncoding(.keyCommitment).bytes, key: key)
    }

    /// A list of ids as one field: 16-byte ids sorted bytewise and concatenated.
    static func audienceField(_ ids: [PrincipalID]) -> [UInt8] {
        ids.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
    }

    static func audience(fromField field: [UInt8]) -> [PrincipalID]? {
        guard field.count % 16 == 0 else { return nil }
        return stride(from: 0, to: field.count, by: 16).map { PrincipalID(UUID(bytes: Array(field[$0..<($0 + 16)]))) }
    }

    static func shareSignatureMessage(share: ShareID, entry: EntryID, author: PrincipalID, group: GroupID?,
                                      version: Int, audience: [UInt8], expiry: UInt64,
                                      ciphertextHash: [UInt8], commitment: [UInt8], toGroup: Bool) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.shareSignature)
        ce.append(share.uuid)
        ce.append(entry.uuid)
        ce.append(author.uuid)
        appendOptional(&ce, group?.uuid)
        ce.append(UInt64(version))
        ce.append(audience)
        ce.append(expiry)
        ce.append(ciphertextHash)
        ce.append(commitment)
        // A share to the group says so; a share to chosen members signs what every share signed before.
        if toGroup { ce.append("group") }
        return ce
    }

    // MARK: Group objects

    static func groupObjectPayloadAD(_ id: GroupObjectID, group: GroupID, cycle: CycleID?, kind: String,
                                     version: Int) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.groupObjectPayload)
        ce.append(id.uuid)
        ce.append(group.uuid)
        appendOptional(&ce, cycle?.uuid)
        ce.append(kind)
        ce.append(UInt64(version))
        return ce
    }

    static func groupObjectKeyAD(_ id: GroupObjectID, version: Int) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.groupObjectKey)
        ce.append(id.uuid)
        ce.append(UInt64(version))
        return ce
    }

    static func groupObjectSealContext(_ id: GroupObjectID, member: PrincipalID, version: Int) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.groupObjectSeal)
        ce.append(id.uuid)
        ce.append(member.uuid)
        ce.append(UInt64(version))
        return ce
    }

    static func groupObjectSignatureMessage(_ id: GroupObjectID, group: GroupID, cycle: CycleID?, version: Int,
                                            ciphertextHash: [UInt8], commitment: [UInt8]) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.groupObjectSignature)
        ce.append(id.uuid)
        ce.append(group.uuid)
        appendOptional(&ce, cycle?.uuid)
        ce.append(UInt64(version))
        ce.append(ciphertextHash)
        ce.append(commitment)
        return ce
    }

    // MARK: Jots, pins, manifests, anchor, audit

    static func jotContext(_ id: JotID, member: PrincipalID) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.jotSeal)
        ce.append(id.uuid)
        ce.append(member.uuid)
        return ce
    }

    static func pinMessage(owner: PrincipalID, peer: PrincipalID, agreement: [UInt8], signing: [UInt8]) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.pin)
        ce.append(owner.uuid)
        ce.append(peer.uuid)
        ce.append(agreement)
        ce.append(signing)
        return ce
    }

    static func manifestEntryElement(_ id: EntryID, version: Int) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.manifestElement)
        ce.append("entry")
        ce.append(id.uuid)
        ce.append(UInt64(version))
        return ce
    }

    static func manifestPinElement(_ peer: PrincipalID, fingerprint: [UInt8]) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.manifestElement)
        ce.append("pin")
        ce.append(peer.uuid)
        ce.append(fingerprint)
        return ce
    }

    static func manifestMessage(_ member: PrincipalID, counter: UInt64, setHash: [UInt8]) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.manifest)
        ce.append(member.uuid)
        ce.append(counter)
        ce.append(setHash)
        return ce
    }

    static func anchorMessage(counter: UInt64, auditHead: [UInt8], manifestsHash: [UInt8]) -> CanonicalEncoding {
        var ce = CanonicalEncoding(.anchor)
        ce.append(counter)
        ce.append(auditHead)
        ce.append(manifestsHash)
        return ce
    }

    private static func appendOptional(_ ce: inout CanonicalEncoding, _ id: UUID?) {
        if let id { ce.append(id) } else { ce.append([UInt8]()) }
    }
}

extension UUID {
    init(bytes b: [UInt8]) {
        precondition(b.count == 16, "a UUID is 16 bytes")
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

/// XOR of 32-byte set-hash elements.
func xorInPlace(_ a: inout [UInt8], _ b: [UInt8]) {
    precondition(a.count == b.count, "set hash elements are 32 bytes")
    for i in a.indices { a[i] ^= b[i] }
}
