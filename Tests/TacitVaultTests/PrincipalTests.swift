import Foundation
import Testing
import TacitCrypto
@testable import TacitVault

@Suite struct PrincipalTests {
    @Test func enrollUnlockAndLock() async throws {
        let f = try await Fixture()
        let enrollment = try await f.enroll("alice")
        #expect(enrollment.recoveryKey.displayed.filter { $0 != "-" }.count == 52)
        let session = try await f.unlock("alice")
        #expect(session.principal.name == "alice")
        #expect(session.report.problems.isEmpty)
        _ = try await session.write(EntryDraft(title: "t", body: "b"))
        session.lock()
        await expectVaultError(.locked) { _ = try await session.write(EntryDraft(body: "x")) }
    }

    @Test func wrongPassphraseAndUnknownNameFailAlike() async throws {
        let f = try await Fixture()
        try await f.enroll("alice")
        await expectVaultError(.invalidCredentials) {
            _ = try await f.vault.unlock(name: "alice", passphrase: SecretBytes(utf8: "not the right passphrase"))
        }
        await expectVaultError(.invalidCredentials) {
            _ = try await f.vault.unlock(name: "nobody", passphrase: Fixture.passphrase("nobody"))
        }
    }

    @Test func weakPassphrasesAreRefused() async throws {
        let f = try await Fixture()
        for weak in ["short", "password1234", "Password 1234", "aaaaaaaaaaaaaaa", "alicealicealice"] {
            let code = try await f.vault.createEnrollmentCode(name: weak == "alicealicealice" ? "alicealicealice" : "alice",
                                                              role: .member)
            await expectVaultError(.weakPassphrase) {
                _ = try await f.vault.enroll(code: code.code, name: code.name!, passphrase: SecretBytes(utf8: weak))
            }
        }
    }

    @Test func enrollmentCodesAreSingleUseExpiringAndHashed() async throws {
        let f = try await Fixture()
        let code = try await f.vault.createEnrollmentCode(name: "alice", role: .member)
        // Only the hash is stored.
        let raw = Base32.decode(code.code, byteCount: 16)!
        for (_, bytes) in try f.rawFiles() { #expect(bytes.occurrences(of: Data(raw)) == 0) }
        _ = try await f.vault.enroll(code: code.code, name: "alice", passphrase: Fixture.passphrase("alice"))
        await expectVaultError(.enrollmentCodeUsed) {
            _ = try await f.vault.enroll(code: code.code, name: "alice", passphrase: Fixture.passphrase("alice"))
        }
        let other = try await f.vault.createEnrollmentCode(name: "bob", role: .member)
        f.clock.advance(days: 8)
        await expectVaultError(.enrollmentCodeExpired) {
            _ = try await f.vault.enroll(code: other.code, name: "bob", passphrase: Fixture.passphrase("bob"))
        }
        await expectVaultError(.enrollmentCodeInvalid) {
            _ = try await f.vault.enroll(code: "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG", name: "bob", passphrase: Fixture.passphrase("bob"))
        }
        let wrongName = try await f.vault.createEnrollmentCode(name: "carol", role: .member)
        await expectVaultError(.nameUnavailable) {
            _ = try await f.vault.enroll(code: wrongName.code, name: "mallory", passphrase: Fixture.passphrase("mallory"))
        }
    }

    @Test func changeRotateRecoverAndDisable() async throws {
        let f = try await Fixture()
        let enrollment = try await f.enroll("alice")
        let s = try await f.unlock("alice")
        let written = try await s.write(EntryDraft(title: "kept", body: "through every change"))
        // Changing to the same passphrase changes nothing, and says so.
        await expectVaultError(.invalidInput) {
            _ = try await f.vault.changePassphrase(name: "alice", current: Fixture.passphrase("alice"), new: Fixture.passphrase("alice"))
        }
        let newPass = SecretBytes(utf8: "another long passphrase 2")
        // Each change of credentials revokes the capture tokens issued before it (jots from whoever
        // knew the old passphrase); a token issued after it works.
        let id = try await f.id("alice")
        let beforeChange = try await f.vault.issueCaptureToken(for: id)
        try await f.vault.changePassphrase(name: "alice", current: Fixture.passphrase("alice"), new: newPass)
        #expect(try await f.vault.principal(forCaptureToken: beforeChange) == nil)
        let afterChange = try await f.vault.issueCaptureToken(for: id)
        #expect(try await f.vault.principal(forCaptureToken: afterChange) == id)
        await expectVaultError(.invalidCredentials) { _ = try await f.unlock("alice") }
        let s2 = try await f.vault.unlock(name: "alice", passphrase: newPass)
        #expect(try await s2.entry(written.id).content.title == "kept")

        // Rotation: a new root, everything re-wrapped; a new recovery key replaces the old one.
        let third = SecretBytes(utf8: "third long passphrase 333")
        let newRecovery = try await f.vault.changePassphrase(name: "alice", current: newPass, new: third, rotate: true)
        #expect(newRecovery != nil)
        #expect(try await f.vault.principal(forCaptureToken: afterChange) == nil, "a rotation revokes capture tokens")
        let afterRotation = try await f.vault.issueCaptureToken(for: id)
        let s3 = try await f.vault.unlock(name: "alice", passphrase: third)
        #expect(s3.report.problems.isEmpty)
        #expect(try await s3.entry(written.id).content.body == "through every change")
        await expectVaultError(.invalidCredentials) {
            try await f.vault.recover(name: "alice", recoveryKey: enrollment.recoveryKey, newPassphrase: Fixture.passphrase("alice"))
        }

        // Recovery with the current recovery key sets a new passphrase.
        let typed = try RecoveryKey(parsing: newRecovery!.displayed.lowercased())
        try await f.vault.recover(name: "alice", recoveryKey: typed, newPassphrase: Fixture.passphrase("alice"))
        #expect(try await f.vault.principal(forCaptureToken: afterRotation) == nil, "a recovery revokes capture tokens")
        let s4 = try await f.unlock("alice")
        #expect(try await s4.entry(written.id).content.title == "kept")

        try await f.vault.disable(s4.principal.id)
        await expectVaultError(.principalDisabled) { _ = try await f.unlock("alice") }
        await expectVaultError(.principalDisabled) {
            try await f.vault.recover(name: "alice", recoveryKey: typed, newPassphrase: Fixture.passphrase("alice"))
        }
    }

    @Test func downgradedScryptParametersDoNotUnlock() async throws {
        let f = try await Fixture()
        try await f.enroll("alice")
        try f.sql("UPDATE principal SET scrypt_log2n = 9")
        await expectVaultError(.invalidCredentials) { _ = try await f.unlock("alice") }
    }
}
