import Foundation
internal import CTacitOpenSSL

/// A secret held in locked, non-dumpable memory and wiped when the last copy is released.
///
/// Keys, passphrases, tokens and decrypted payloads are `SecretBytes`, never a `String` or a
/// `[UInt8]` that could outlive its use. The contents are fixed at creation, so a value can be
/// shared across tasks. Equality is constant-time, and neither `description` nor `debugDescription`
/// prints a byte.
public struct SecretBytes: Sendable, ContiguousBytes {
    final class Storage: Sendable {
        let block: SecureArena.Block
        let count: Int

        init(count: Int) {
            self.block = SecureArena.shared.allocate(count)
            self.count = count
        }

        deinit { SecureArena.shared.release(block) }
    }

    let storage: Storage

    /// Creates a secret of `count` bytes filled by `initializer`.
    ///
    /// - Throws: whatever `initializer` throws; the partly written memory is wiped.
    public init(count: Int, initializingWith initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        let storage = Storage(count: count)
        try initializer(UnsafeMutableRawBufferPointer(start: storage.block.base, count: count))
        self.storage = storage
    }

    /// Copies `bytes` into secret memory. The caller remains responsible for wiping the source.
    public init(copying bytes: some ContiguousBytes) {
        let count = bytes.withUnsafeBytes { $0.count }
        self.init(count: count) { destination in
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress, count > 0 {
                    destination.baseAddress!.copyMemory(from: base, byteCount: count)
                }
            }
        }
    }

    /// Copies a UTF-8 string into secret memory (for passphrases typed or read from a file).
    public init(utf8 string: String) {
        var copy = string
        self = copy.withUTF8 { SecretBytes(copying: UnsafeRawBufferPointer($0)) }
    }

    /// `count` bytes from the system's CSPRNG.
    ///
    /// - Throws: `CryptoError.randomUnavailable` if OpenSSL cannot supply them.
    public static func random(count: Int) throws -> SecretBytes {
        try SecretBytes(count: count) { try SecureRandom.fill($0) }
    }

    /// The number of bytes.
    public var count: Int { storage.count }

    /// Calls `body` with the bytes; the pointer must not escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.block.base, count: storage.count))
    }

    /// A new secret holding the bytes in `range`.
    public func extracting(_ range: Range<Int>) -> SecretBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the secret")
        return withUnsafeBytes { SecretBytes(copying: UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// The bytes as a plain array, for values that stop being secret (a public key, ciphertext).
    /// Do not use it for keys: the array is not wiped.
    public func unprotectedCopy() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}

extension SecretBytes: Equatable {
    /// Constant-time comparison of the contents; secrets of different lengths are unequal.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        ConstantTime.equals(lhs, rhs)
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "SecretBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
}
