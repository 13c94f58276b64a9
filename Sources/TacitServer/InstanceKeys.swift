import Foundation
import Glibc
import TacitCrypto
import TacitVault

/// The instance Ed25519 key pair in `Keys/`: it signs compliance exports. Made on first start.
enum InstanceKeys {
    /// Loads `Keys/instance.key`, or creates it (0600) with `Keys/instance.pub` (0644).
    static func loadOrCreate(_ layout: HomeLayout) throws -> Ed25519.PrivateKey {
        let manager = FileManager.default
        if manager.fileExists(atPath: layout.instanceKey.path) {
            let data = try Data(contentsOf: layout.instanceKey)
            guard data.count == 32 else {
                throw DaemonError.startup("Keys/instance.key is damaged (it must hold 32 bytes); restore Keys/ from its backup")
            }
            var raw = [UInt8](data)
            defer { for index in raw.indices { raw[index] = 0 } }
            let key = try Ed25519.PrivateKey(rawRepresentation: SecretBytes(copying: raw))
            // Keep instance.pub in step with the key (it may have been deleted).
            try writePublicKey(key.publicKey, to: layout.instancePublicKey)
            return key
        }
        let key = try Ed25519.PrivateKey()
        let raw = try key.rawRepresentation()
        do { try AtomicFile.replace(layout.instanceKey, with: raw, mode: 0o600) } catch { throw DaemonError.startup(error.message) }
        try writePublicKey(key.publicKey, to: layout.instancePublicKey)
        return key
    }

    /// `instance.pub`: base64 of the 32-byte key and a newline.
    static func publicKeyText(_ key: Ed25519.PublicKey) -> String {
        Data(key.rawRepresentation).base64EncodedString() + "\n"
    }

    private static func writePublicKey(_ key: Ed25519.PublicKey, to url: URL) throws {
        try write(Array(publicKeyText(key).utf8), to: url, mode: 0o644)
    }

    /// The vault's atomic, synced file replacement, failing as a startup error that names the file.
    static func write(_ bytes: [UInt8], to url: URL, mode: mode_t) throws {
        do { try AtomicFile.replace(url, with: bytes, mode: mode) } catch { throw DaemonError.startup(error.message) }
    }
}
