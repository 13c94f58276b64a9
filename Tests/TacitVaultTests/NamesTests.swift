import Foundation
import Testing
import TacitCrypto
@testable import TacitVault

/// Names are shown to other members in every listing and typed in commands: only lowercase ASCII
/// letters, digits, '.', '-' and '_' are given out, so none can carry a control sequence, a line
/// break or a look-alike of another name.
@Suite struct NamesTests {
    static let refused = [
        "", "Ali", "bad name!", "\u{0430}li", "-ali", ".ali", "_ali", "ali\n", "ali\u{1B}[31m", "ali\u{7F}",
        "ali\u{202E}", "fiona\u{2028}", "naïve", String(repeating: "a", count: 33),
    ]

    @Test func principalNamesFollowTheRule() throws {
        for name in ["ali", "bea-2", "m.o_r", "0day", String(repeating: "a", count: 32)] {
            try Names.checkPrincipal(name)
        }
        for name in Self.refused {
            #expect(throws: VaultError.self, "\(name.debugDescription) was accepted") { try Names.checkPrincipal(name) }
        }
    }

    @Test func groupNamesFollowTheRuleWithRoomForLongerOnes() throws {
        try Names.checkGroup("north-2026.spring_" + String(repeating: "x", count: 46))
        #expect(throws: VaultError.self) { try Names.checkGroup(String(repeating: "x", count: 65)) }
        for name in Self.refused where name.utf8.count <= Names.principalMaximum {
            #expect(throws: VaultError.self, "\(name.debugDescription) was accepted") { try Names.checkGroup(name) }
        }
        // Names that look like a group's id as tables show it (8 hex digits or more) are refused;
        // shorter hex words are names like any other.
        for name in ["164424be", "deadbeef-0000", "0123456789abcdef"] {
            #expect(throws: VaultError.self, "\(name) was accepted") { try Names.checkGroup(name) }
        }
        for name in ["cafe", "decade", "164424bz", "team-2026"] { try Names.checkGroup(name) }
    }

    @Test func theVaultGivesOutNoNameOutsideTheRule() async throws {
        let f = try await Fixture()
        // An invitation for a bad name is refused before any code exists.
        await expectVaultError(.invalidInput) { _ = try await f.vault.createEnrollmentCode(name: "Bob", role: .member) }
        // A code for any name (as the bootstrap code is) still meets the rule at enrollment, and
        // stays unused.
        let open = try await f.vault.createEnrollmentCode(name: nil, role: .admin)
        await expectVaultError(.invalidInput) {
            _ = try await f.vault.enroll(code: open.code, name: "olivia\u{1B}]0;owned\u{07}", passphrase: Fixture.passphrase("olivia"))
        }
        let enrolled = try await f.vault.enroll(code: open.code, name: "olivia", passphrase: Fixture.passphrase("olivia"))
        #expect(enrolled.principal.name == "olivia")
        await expectVaultError(.invalidInput) { _ = try await f.vault.createGroup(name: "North") }
        await expectVaultError(.invalidInput) { _ = try await f.vault.createGroup(name: "north\nsouth") }
        #expect(try await f.vault.groups().isEmpty)
        _ = try await f.vault.createGroup(name: "north")
    }
}
