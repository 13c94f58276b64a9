import Testing
import TacitPolicy
@testable import TacitServer
import TacitVault

/// The facts the daemon hands the policy engine fit what the schema promises policy authors.
@Suite struct PolicyGateTests {
    /// The validator refuses comparing `phase` or `role` with a value outside the schema's lists,
    /// so the lists must hold every value the daemon writes.
    @Test func theSchemaListsEveryPhaseAndRoleTheDaemonWrites() {
        let placeholder = PolicyGate.placeholders.compactMap { $0.attributes["phase"] }
        #expect(Schema.phases == CyclePhase.allCases.map(\.rawValue) + ["none"])
        #expect(placeholder == [.string("none")])
        #expect(Set(Schema.roles) == Set(PrincipalRole.allCases.map(PolicyGate.role)))
    }
}
