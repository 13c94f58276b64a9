import Testing
@testable import TacitPolicy

/// Validation against `Schema.tacit`: every mistake is reported at its place, in words.
@Suite struct ValidatorTests {
    static func problems(_ text: String) -> [PolicyError] {
        PolicySet.problems(in: text, schema: .tacit, layeredOn: nil)
    }

    @Test(arguments: [
        ("permit(principal, action == Action::\"readEntry\", resource) when { resource.title == \"x\" };", 1, 76, "`Entry` has no attribute `title`"),
        ("permit(principal, action == Action::\"read\", resource);", 1, 29, "unknown action `read`"),
        ("permit(principal is User, action, resource);", 1, 21, "unknown entity type `User`"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { resource.author == resource.group };", 1, 83, "compares Member with Group"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { context.now < \"x\" };", 1, 81, "needs a Long, not String"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { if resource.deleted then 1 else \"a\" };", 1, 67, "branches of `if` have different types"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { context.now };", 1, 67, "must be a Bool"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { context.clientTime > 0 };", 1, 75, "no attribute `clientTime`"),
        ("permit(principal, action == Action::\"readEntry\", resource is Share);", 1, 1, "can never apply"),
        ("permit(principal, action == Action::\"exportMetrics\", resource) when { resource.groups like \"1*\" };", 1, 71, "`like` needs a String"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { resource.group.facilitators.contains(1) };", 1, 104, "can never be found"),
        ("permit(principal, action, resource) when { principal in 1 };", 1, 57, "needs an entity or a set of entities"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { Ghost::\"g\" == principal };", 1, 67, "unknown entity type `Ghost`"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { [1, \"a\"] == [] };", 1, 71, "must have one type"),
        ("permit(principal, action == Member::\"alice\", resource);", 1, 29, "is not an action"),
        ("permit(principal, action == Action::\"readEntry\", resource) when { context has clientTime };", 1, 75, "`has` is always false"),
        ("forbid(principal, action == Action::\"buildAgenda\", resource) when { resource.phase == \"session2\" };", 1, 87,
         "`Cycle`'s `phase` is never \"session2\"; it is one of \"planning\", \"session-1\", \"practice\", \"reflection\", \"session-2\", \"closed\", \"none\""),
        ("permit(principal, action == Action::\"readEntry\", resource) when { \"admin\" != principal.role };", 1, 67,
         "`Member`'s `role` is never \"admin\"; it is one of \"member\", \"compliance\", \"operator\""),
    ])
    func reportsProblems(_ text: String, _ line: Int, _ column: Int, _ fragment: String) {
        let problems = Self.problems(text)
        #expect(problems.first?.location == SourceLocation(line: line, column: column), "\(problems)")
        #expect(problems.first?.message.contains(fragment) == true, "\(problems)")
        #expect(problems.allSatisfy { $0.code == .validation }, "\(problems)")
    }

    @Test func scopeNarrowingAndShortCircuitTypeCheck() {
        // `resource is Share && resource.revoked`: for Entry resources the right side never runs.
        #expect(Self.problems("""
        forbid(principal, action in [Action::"readEntry", Action::"revokeShare"], resource)
        when { resource is Share && resource.revoked };
        """).isEmpty)
        // Without the guard, `revoked` is unknown for Entry.
        #expect(!Self.problems("""
        forbid(principal, action in [Action::"readEntry", Action::"revokeShare"], resource)
        when { resource.revoked };
        """).isEmpty)
    }

    @Test func reportsEveryProblemNotJustTheFirst() {
        let problems = Self.problems("""
        permit(principal, action == Action::"readEntry", resource) when { resource.nope };
        permit(principal, action == Action::"nope", resource);
        """)
        #expect(problems.map(\.location?.line) == [1, 2])
        #expect(problems.map(\.policyID) == ["policy0", "policy1"])
    }

    /// Every listed value compares without complaint, through any path to the attribute.
    @Test func listedValuesAreAccepted() {
        for phase in Schema.phases {
            #expect(Self.problems("""
            forbid(principal, action == Action::"writeEntry", resource) when { resource.cycle.phase == "\(phase)" };
            """).isEmpty, "\(phase)")
        }
        #expect(Self.problems("""
        permit(principal, action == Action::"readEntry", resource) when { resource.author["role"] != "operator" };
        """).isEmpty)
    }

    @Test func theBasePolicyValidates() {
        #expect(Self.problems(PolicySet.baseText).isEmpty)
    }

    @Test func entitiesAndRequestsAreCheckedAgainstTheSchema() {
        let bad = Entity(EntityUID("Member", "x"), attributes: ["role": .long(1), "disabled": .bool(false)])
        #expect(throws: PolicyError.self) { try Schema.tacit.validate(bad) }
        let noClock = Request(principal: EntityUID("Member", "x"), action: .action("readEntry"), resource: EntityUID("Entry", "e"))
        #expect(throws: PolicyError.self) { try Schema.tacit.validate(noClock) }
    }
}
