import Foundation
import TacitCrypto

/// Per-export pseudonyms for cohort and group ids: truncated HMAC-SHA256 under a key made for that
/// export alone and wiped when the export is done, so no two exports' pseudonyms can be linked.
///
/// ```
/// secret     = 32 random bytes                          (never stored)
/// key        = HKDF(secret, info = CE(export-pseudonym))
/// group      = "g-" ‖ hex(HMAC(key, CE(export-pseudonym, "group", group id))[0..<8])
/// cohort     = "c-" ‖ hex(HMAC(key, CE(export-pseudonym, "cohort", period))[0..<8])
/// ```
///
/// Sixty-four bits keep pseudonyms within one export distinct (an organisation has thousands of
/// groups, far below the 2^32 birthday bound) and mean nothing outside it. Member ids are never
/// given a pseudonym: they never appear in an export at all.
struct Pseudonymizer: ~Copyable {
    /// Bytes of HMAC kept in each pseudonym.
    static let byteCount = 8

    private let key: SecretBytes

    /// A fresh pseudonym key for one export.
    ///
    /// - Throws: `MetricsError.cryptoFailure` when no randomness or HKDF is available.
    init() throws {
        do {
            // The secret lives only in this scope; SecretBytes wipes it when released.
            let secret = try SecretBytes.random(count: 32)
            key = try HKDF.deriveKey(from: secret, label: .exportPseudonym)
        } catch {
            throw MetricsError.crypto("making the export's pseudonym key", error)
        }
    }

    /// The pseudonym of a group in this export.
    ///
    /// - Throws: `MetricsError.cryptoFailure`.
    func group(_ id: UUID) throws -> String {
        var message = CanonicalEncoding(.exportPseudonym)
        message.append("group")
        message.append(id)
        return "g-" + (try code(message))
    }

    /// The pseudonym of the cohort of `period` in this export.
    ///
    /// - Throws: `MetricsError.cryptoFailure`.
    func cohort(_ period: MetricsPeriod) throws -> String {
        var message = CanonicalEncoding(.exportPseudonym)
        message.append("cohort")
        message.append(period.description)
        return "c-" + (try code(message))
    }

    private func code(_ message: CanonicalEncoding) throws -> String {
        do {
            let mac = try HMAC.authenticationCode(for: message.bytes, key: key)
            return mac.prefix(Self.byteCount).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        } catch {
            throw MetricsError.crypto("computing a pseudonym", error)
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
