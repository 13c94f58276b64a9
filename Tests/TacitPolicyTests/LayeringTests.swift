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
