import Foundation
internal import CTacitOpenSSL

/// Comparisons whose running time does not depend on where two byte strings differ.
public enum ConstantTime {
    /// `true` when `a` and `b` have the same length and the same bytes. Only the lengths, which are
    /// public, affect the time taken.
    public static func equals(_ a: some ContiguousBytes, _ b: some ContiguousBytes) -> Bool {
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                guard a.count == b.count else { return false }
                guard a.count > 0 else { return true }
                return CRYPTO_memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
            }
        }
    }
}
