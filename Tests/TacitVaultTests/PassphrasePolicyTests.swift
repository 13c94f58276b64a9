import Testing
import TacitCrypto
@testable import TacitVault

/// The strength check works on the passphrase's bytes in `SecretBytes`, never on a `String`.
@Suite struct PassphrasePolicyTests {
    func verdict(_ bytes: [UInt8], name: String = "olivia") -> PassphrasePolicy.Verdict {
        bytes.withUnsafeBytes { PassphrasePolicy.assess($0, name: PassphrasePolicy.fold(Array(name.utf8)).bytes) }
    }

    func verdict(_ text: String, name: String = "olivia") -> PassphrasePolicy.Verdict { verdict(Array(text.utf8), name: name) }

    @Test func refusesWhatIsWeak() {
        #expect(verdict("short one") == .tooShort)
        #expect(verdict("elevenchars") == .tooShort)
        #expect(verdict("aaaabbbbaaaa") == .tooFewDistinct)
        #expect(verdict("Password 1234") == .common, "case and spaces do not hide a common passphrase")
        #expect(verdict("CORRECT horse BATTERY staple") == .common)
        #expect(verdict("Olivia Olivia Xy", name: "oliviaoliviaxy") == .common, "the member's own name")
        // A common word or one's own name padded with digits and symbols, as people first reach for.
        #expect(verdict("Password1234!") == .common)
        #expect(verdict("Summer2024!!") == .common)
        #expect(verdict("wen.password.1", name: "wen") == .common, "the name and a common word")
        #expect(verdict("Olivia-2026-!!") == .common, "the name padded")
        // Twelve invalid bytes are twelve U+FFFD: long enough, one distinct character.
        #expect(verdict([UInt8](repeating: 0xFF, count: 12)) == .tooFewDistinct)
    }

    @Test func acceptsWhatIsStrong() {
        #expect(verdict("a long passphrase for olivia!") == .acceptable)
        #expect(verdict("march on, quietly 42") == .acceptable, "a common word among others")
        #expect(verdict("4 blue lamps 9!") == .acceptable)
        #expect(verdict("839201847362") == .acceptable, "digits only are left to the length and list checks")
        #expect(verdict("çà et là, toujours") == .acceptable, "non-ASCII counts by character")
        #expect(verdict("ÅÄÖåäöéèêëü!") == .acceptable, "12 two-byte characters")
    }

    @Test func countsCharactersNotBytes() {
        // Eleven two-byte characters are 22 bytes but too short.
        #expect(verdict("ÅÄÖåäöéèêëü") == .tooShort)
    }

    @Test func theVaultRefusesAWeakPassphraseWithAClearError() throws {
        #expect(throws: VaultError.self) { try PassphrasePolicy.check(SecretBytes(utf8: "password1234"), name: "ana") }
        try PassphrasePolicy.check(SecretBytes(utf8: "a long passphrase for ana!"), name: "ana")
    }
}
