// Every domain-separation label of format v1, declared once. `Keys/README.md` says where each is
// used; a new purpose gets a new label, and a label is never reused for another purpose.

extension DomainLabel {
    // Keys derived from a passphrase or recovery key: they wrap the root key.
    /// HKDF info: scrypt output → the key that wraps the root key.
    public static let passphraseWrap = DomainLabel("tacit/v1/passphrase-wrap")
    /// HKDF info: recovery key → the key that wraps the root key.
    public static let recoveryWrap = DomainLabel("tacit/v1/recovery-wrap")
    /// AEAD associated data of the wrapped root key.
    public static let rootKey = DomainLabel("tacit/v1/root-key")

    // Keys derived from the root key.
    /// HKDF info: root key → the key that wraps entry keys.
    public static let entryKeyWrap = DomainLabel("tacit/v1/entry-key-wrap")
    /// HKDF info: root key → the manifest MAC key.
    public static let manifestKey = DomainLabel("tacit/v1/manifest-key")
    /// HKDF info: root key → the pin MAC key.
    public static let pinKey = DomainLabel("tacit/v1/pin-key")
    /// HKDF info: root key → the key that wraps the principal's private X25519 and Ed25519 keys.
    public static let identityWrap = DomainLabel("tacit/v1/identity-wrap")
    /// AEAD associated data of the wrapped X25519 private key.
    public static let agreementPrivateKey = DomainLabel("tacit/v1/x25519-private")
    /// AEAD associated data of the wrapped Ed25519 private key.
    public static let signingPrivateKey = DomainLabel("tacit/v1/ed25519-private")

    // Entries.
    /// AEAD associated data of an entry's payload.
    public static let entryPayload = DomainLabel("tacit/v1/entry-payload")
    /// AEAD associated data of an entry key wrapped for its author.
    public static let entryKey = DomainLabel("tacit/v1/entry-key")

    // Shares.
    /// HKDF info of a share's sealed box (entry key sealed to one reader).
    public static let shareSeal = DomainLabel("tacit/v1/share-seal")
    /// The message an author signs for a share.
    public static let shareSignature = DomainLabel("tacit/v1/share-signature")
    /// HMAC label of the commitment to an entry key (GCM does not commit to its key).
    public static let keyCommitment = DomainLabel("tacit/v1/key-commitment")

    // Group objects and sealed notes.
    /// HKDF info of a group object's key sealed to one roster member.
    public static let groupObjectSeal = DomainLabel("tacit/v1/group-object-seal")
    /// The message a facilitator signs for a group object.
    public static let groupObjectSignature = DomainLabel("tacit/v1/group-object-signature")
    /// AEAD associated data of a group object's payload.
    public static let groupObjectPayload = DomainLabel("tacit/v1/group-object-payload")
    /// AEAD associated data of a group object key wrapped for its author (the facilitator).
    public static let groupObjectKey = DomainLabel("tacit/v1/group-object-key")
    /// HKDF info of a sealed note ("jot") sealed to its author's own key.
    public static let jotSeal = DomainLabel("tacit/v1/jot-seal")

    // Pins and manifests.
    /// HMAC message of a pinned peer key.
    public static let pin = DomainLabel("tacit/v1/pin")
    /// HMAC message of one manifest element (entry or pin) folded into the set hash.
    public static let manifestElement = DomainLabel("tacit/v1/manifest-element")
    /// HMAC message of a manifest (counter and set hash).
    public static let manifest = DomainLabel("tacit/v1/manifest")
    /// Fingerprint of a principal's public keys, shown by `tacit whois`.
    public static let fingerprint = DomainLabel("tacit/v1/fingerprint")

    // Instance.
    /// HKDF info: instance anchor secret → anchor MAC key.
    public static let anchorKey = DomainLabel("tacit/v1/anchor-key")
    /// HMAC message of the instance anchor.
    public static let anchor = DomainLabel("tacit/v1/anchor")
    /// A record of the hash-chained audit log.
    public static let auditRecord = DomainLabel("tacit/v1/audit-record")
    /// HKDF info: per-export secret → group pseudonym key.
    public static let exportPseudonym = DomainLabel("tacit/v1/export-pseudonym")
}
