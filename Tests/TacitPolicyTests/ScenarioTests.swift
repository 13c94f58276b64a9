import Testing
@testable import TacitPolicy

/// The base policy's worked examples (`PolicyScenarios.all`), asserted one by one, and the
/// mutation check that every base forbid is needed by at least one of them.
@Suite struct ScenarioTests {
    static func authorizer(for scenario: PolicyScenario, base: [Policy] = PolicySet.base.policies) throws -> Authorizer {
        var policies = base
        if let text = scenario.operatorPolicy {
            policies += try PolicySet.load(operator: text).policies.dropFirst(PolicySet.base.policies.count)
        }
        return Authorizer(policies: try PolicySet(policies: policies, schema: .tacit))
    }

    @Test func thereAreEnoughScenarios() {
        #expect(PolicyScenarios.all.count >= 30)
        #expect(Set(PolicyScenarios.all.map(\.name)).count == PolicyScenarios.all.count, "scenario names are unique")
    }

    @Test(arguments: PolicyScenarios.all)
    func scenario(_ scenario: PolicyScenario) throws {
        let decision = try Self.authorizer(for: scenario).isAuthorized(scenario.request, entities: PolicyScenarios.entities)
        #expect(decision.effect == scenario.expected, "\(scenario.name): \(decision)")
        #expect(decision.determining == scenario.determining, "\(scenario.name): \(decision)")
    }

    @Test func scenarioEntitiesFitTheSchema() throws {
        for entity in PolicyScenarios.entities.all {
            try Schema.tacit.validate(entity)
        }
    }

    @Test func onlyTheMissingEntityScenarioHasErrors() throws {
        for scenario in PolicyScenarios.all {
            let decision = try Self.authorizer(for: scenario).isAuthorized(scenario.request, entities: PolicyScenarios.entities)
            if scenario.name.contains("missing from the store") {
                #expect(decision.errors.map(\.policyID).contains("not-the-author"))
            } else {
                #expect(decision.errors.isEmpty, "\(scenario.name): \(decision.errors)")
            }
        }
    }

    /// Removing any single forbid from the base policy makes at least one scenario fail.
    @Test func everyBaseForbidIsNeeded() throws {
        let base = PolicySet.base.policies
        let forbids = base.filter { $0.effect == .forbid }
        #expect(forbids.count >= 15)
        for forbid in forbids {
            let mutated = base.filter { $0.id != forbid.id }
            var caught: [String] = []
            for scenario in PolicyScenarios.all {
                let decision = try Self.authorizer(for: scenario, base: mutated)
                    .isAuthorized(scenario.request, entities: PolicyScenarios.entities)
                if decision.effect != scenario.expected || decision.determining != scenario.determining {
                    caught.append(scenario.name)
                }
            }
            #expect(!caught.isEmpty, "removing forbid `\(forbid.id)` changes no scenario")
        }
    }

    /// Stronger still for the rules that guard content: without the forbid, some request is allowed.
    @Test func contentForbidsAreWhatStopsAPermitEverythingOperator() throws {
        let permitAll = try PolicySet.load(operator: PolicyScenarios.permitEverything)
        for id in ["not-the-author", "staff-and-content", "share-expired", "self-enrollment"] {
            let mutated = try PolicySet(policies: permitAll.policies.filter { $0.id != id }, schema: .tacit)
            let opened = PolicyScenarios.all.filter { $0.operatorPolicy != nil && $0.expected == .deny }.contains {
                Authorizer(policies: mutated).isAuthorized($0.request, entities: PolicyScenarios.entities).isAllowed
            }
            #expect(opened, "without `\(id)`, permit-everything should open something")
        }
    }
}

extension PolicyScenario: CustomTestStringConvertible {
    public var testDescription: String { name }
}
