import Testing
@testable import TacitPolicy

/// The operator's policy file: added on top of the base policy, never replacing it.
@Suite struct LayeringTests {
    @Test func baseLoadsAndHasOnlyNamedPolicies() {
        let base = PolicySet.base
        #expect(base.policies.count > 20)
        #expect(base.policies.allSatisfy { $0.annotations["id"] != nil })
        #expect(PolicySet.baseText.contains("@id(\"not-the-author\")"))
    }

    @Test func operatorCannotReuseABaseID() {
        let text = """
        @id("not-the-author")
        permit (principal, action == Action::"readEntry", resource);
        """
        #expect(throws: PolicyError.self) { try PolicySet.load(operator: text) }
        let problems = PolicySet.problems(inOperatorPolicy: text)
        #expect(problems.count == 1)
        #expect(problems.first?.code == .duplicateID)
        #expect(problems.first?.location == SourceLocation(line: 1, column: 1))
        #expect(problems.first?.message.contains("base policy") == true)
    }

    /// Members, groups, cycles, entries and shares are named by id in policies: an operator's
    /// `Member::"bea"` (a name) passed every check and then never applied. Each such reference is
    /// refused where it stands; ids, and the placeholders the daemon uses, are accepted.
    @Test func anOperatorPolicyNamingPeopleByNameIsRefused() throws {
        let bea = "18522597-61a8-43b3-a5c0-57f875b502d0"
        let text = """
        forbid (principal == Member::"bea", action == Action::"writeEntry", resource);
        forbid (principal, action == Action::"shareEntry", resource) when { principal in Group::"north" };
        forbid (principal, action == Action::"readEntry", resource) when { [Member::"\(bea.uppercased())"].contains(principal) };
        forbid (principal == Member::"\(bea)", action == Action::"editEntry", resource) when { resource.cycle == Cycle::"none" };
        """
        let problems = PolicySet.problems(inOperatorPolicy: text)
        #expect(problems.map(\.location) == [SourceLocation(line: 1, column: 22), SourceLocation(line: 2, column: 82),
                                              SourceLocation(line: 3, column: 69)], "\(problems)")
        #expect(problems.first?.message.contains("`Member::\"bea\"` can never match") == true, "\(problems)")
        #expect(problems.first?.message.contains("tacit principal list --json") == true)
        #expect(throws: PolicyError.self) { try PolicySet.load(operator: text) }
        _ = try PolicySet.load(operator: String(text.split(separator: "\n")[3]))
    }

    /// A permit for every principal with no condition loads (the base forbids still hold) but is
    /// pointed out: `permit(principal, action, resource);` gives every member the operator's work.
    @Test func aPermitForEveryoneWithoutConditionIsWarnedAbout() {
        let text = """
        permit (principal, action, resource);
        permit (principal is Member, action == Action::"invite", resource);
        permit (principal, action == Action::"scheduleCycle", resource) when { principal.role == "member" };
        forbid (principal, action, resource);
        """
        #expect(PolicySet.problems(inOperatorPolicy: text).isEmpty)
        let warnings = PolicySet.warnings(inOperatorPolicy: text)
        #expect(warnings.map(\.location) == [SourceLocation(line: 1, column: 1), SourceLocation(line: 2, column: 1)])
        #expect(warnings.first?.message.contains("`policy0` permits every action to every principal") == true, "\(warnings)")
        #expect(warnings.last?.message.contains("permits invite to every principal") == true, "\(warnings)")
    }

    @Test func duplicateIDsInOneFileAreRejected() {
        let text = """
        @id("a") permit (principal, action == Action::"readEntry", resource);
        @id("a") permit (principal, action == Action::"editEntry", resource);
        """
        let problems = PolicySet.problems(inOperatorPolicy: text)
        #expect(problems.map(\.location) == [SourceLocation(line: 2, column: 1)])
    }

    @Test func operatorPoliciesWithoutIDAreNumberedInFileOrder() throws {
        let set = try PolicySet.load(operator: """
        permit (principal, action == Action::"scheduleCycle", resource);
        forbid (principal, action == Action::"buildAgenda", resource);
        """)
        #expect(set.policies.suffix(2).map(\.id) == ["policy0", "policy1"])
    }

    @Test func anInvalidOperatorFileFailsTheLoadWithItsPosition() {
        do {
            _ = try PolicySet.load(operator: "permit (principal, action == Action::\"readEntry\", resource)\nwhen { resource.title == \"x\" };")
            Issue.record("expected a validation error")
        } catch {
            #expect(error.code == .validation)
            #expect(error.location == SourceLocation(line: 2, column: 17))
            #expect(error.message.contains("`Entry` has no attribute `title`"))
        }
    }
}
