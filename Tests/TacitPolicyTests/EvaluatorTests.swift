import Testing
@testable import TacitPolicy

/// Expression semantics, one operator at a time, through unvalidated one-policy sets.
@Suite struct EvaluatorTests {
    static let entities = Entities([
        Entity(EntityUID("Member", "alice"), attributes: ["role": .string("member"), "age": .long(40),
                                                          "tags": .set([.string("a"), .string("b")])],
               parents: [EntityUID("Group", "g")]),
        Entity(EntityUID("Group", "g"), parents: [EntityUID("Org", "o")]),
    ])
    static let request = Request(principal: EntityUID("Member", "alice"), action: .action("read"),
                                 resource: EntityUID("Entry", "e"),
                                 context: ["n": .long(5), "s": .string("hello*world"), "r": .record(["x": .long(1)])])

    /// `.allow` / `.deny` / nil for an evaluation error.
    static func evaluate(_ condition: String) throws -> Bool? {
        let set = try PolicySet(parsing: "permit(principal, action, resource) when { \(condition) };", schema: nil)
        let decision = Authorizer(policies: set).isAuthorized(request, entities: entities)
        return decision.errors.isEmpty ? decision.isAllowed : nil
    }

    @Test(arguments: [
        ("1 + 2 == 3", true), ("-9223372036854775808 < 0", true), ("7 - 10 == -3", true), ("2 * 3 == 6", true),
        ("\"a\" != \"b\"", true), ("[1, 2] == [2, 1, 1]", true), ("{a: 1} == {a: 1}", true), ("1 == \"1\"", false),
        ("principal in Group::\"g\"", true), ("principal in Org::\"o\"", true), ("principal in [Org::\"x\", Org::\"o\"]", true),
        ("Group::\"g\" in principal", false), ("Member::\"nobody\" in Member::\"nobody\"", true),
        ("principal has role", true), ("principal has nope", false), ("Member::\"nobody\" has role", false),
        ("context has n && context.n == 5", true), ("context[\"r\"][\"x\"] == 1", true),
        ("principal.tags.contains(\"a\")", true), ("principal.tags.containsAll([\"a\", \"b\"])", true),
        ("principal.tags.containsAny([\"z\"])", false), ("[] == []", true),
        ("context.s like \"hello*\"", true), ("context.s like \"hello\\**\"", true), ("context.s like \"hello\\\\**\"", false), ("context.s like \"*world\"", true),
        ("\"abc\" like \"a*c*\"", true), ("\"abc\" like \"a*d\"", false), ("\"\" like \"*\"", true),
        ("if principal.age > 30 then true else 1 == \"x\"", true), ("principal is Member", true),
        ("principal is Member in Group::\"g\"", true), ("principal is Group", false), ("action == Action::\"read\"", true),
        ("false && (1 + true)", false), ("true || (1 + true)", true), ("!(1 > 2)", true), ("-(-(5)) == 5", true),
    ])
    func evaluates(_ condition: String, _ expected: Bool) throws {
        #expect(try Self.evaluate(condition) == expected, "\(condition)")
    }

    @Test(arguments: [
        "principal.nope", "Member::\"nobody\".role", "1 + true", "9223372036854775807 + 1", "-(-9223372036854775808) == 0",
        "9223372036854775807 * 2 == 0", "\"a\" < \"b\"", "1 in Group::\"g\"", "principal in [1]", "principal in 1",
        "if 1 then true else false", "!1", "1 && true", "true && 1", "context.nope", "(1).contains(1)",
        "[1].containsAll(1)", "1 like \"*\"", "1 has a", "1 is Member", "context.r.y == 1", "principal",
    ])
    func fails(_ condition: String) throws {
        #expect(try Self.evaluate(condition) == nil, "\(condition) should be an evaluation error")
    }

    @Test func patternMatching() throws {
        func pattern(_ text: String) throws -> Pattern {
            Pattern(elements: try Lexer.unescape(text, allowStar: true, at: SourceLocation(line: 1, column: 1)))
        }
        #expect(try pattern("a\\*b").matches("a*b"))
        #expect(try !pattern("a\\*b").matches("axb"))
        #expect(try pattern("**").matches(""))
        #expect(try pattern("*a*a*a*a*a*b").matches(String(repeating: "a", count: 40) + "b"))
        #expect(try !pattern("*a*a*a*a*a*b").matches(String(repeating: "a", count: 40)))
    }

    @Test func forbidErrorDeniesButPermitErrorIsSkipped() throws {
        let set = try PolicySet(parsing: """
        @id("open") permit(principal, action, resource);
        @id("broken-permit") permit(principal, action, resource) when { principal.nope };
        @id("broken-forbid") forbid(principal, action, resource) when { principal.nope };
        """, schema: nil)
        let decision = Authorizer(policies: set).isAuthorized(Self.request, entities: Self.entities)
        #expect(decision.effect == .deny)
        #expect(decision.determining == ["broken-forbid"])
        #expect(decision.errors.map(\.policyID) == ["broken-permit", "broken-forbid"])
        #expect(decision.errors[0].message.contains("does not have the attribute `nope`"))
        #expect(decision.description.hasPrefix("deny by broken-forbid; errors: broken-permit: "))
    }

    @Test func erroringPermitAloneIsDefaultDeny() throws {
        let set = try PolicySet(parsing: "permit(principal, action, resource) when { 1 + true };", schema: nil)
        let decision = Authorizer(policies: set).isAuthorized(Self.request, entities: Self.entities)
        #expect(decision.effect == .deny)
        #expect(decision.determining.isEmpty)
        #expect(decision.errors.map(\.policyID) == ["policy0"])
    }

    @Test func scopeConstraints() throws {
        let set = try PolicySet(parsing: """
        permit(principal == Member::"alice", action == Action::"read", resource);
        permit(principal in Org::"o", action in [Action::"write", Action::"read"], resource is Entry);
        permit(principal is Member in Group::"g", action, resource == Entry::"other");
        permit(principal, action in Action::"read", resource in Entry::"e");
        """, schema: nil)
        let decision = Authorizer(policies: set).isAuthorized(Self.request, entities: Self.entities)
        #expect(decision.determining == ["policy0", "policy1", "policy3"])
    }

    @Test func actionGroupsInTheEntityStoreAreHonoured() throws {
        let set = try PolicySet(parsing: "permit(principal, action in Action::\"reads\", resource);", schema: nil)
        let withGroup = Entities(Self.entities.all + [Entity(.action("read"), parents: [.action("reads")])])
        #expect(Authorizer(policies: set).isAuthorized(Self.request, entities: withGroup).isAllowed)
        #expect(!Authorizer(policies: set).isAuthorized(Self.request, entities: Self.entities).isAllowed)
    }

    @Test func aRequestOutsideTheSchemaIsDeniedWithAnError() {
        let request = Request(principal: EntityUID("Member", "alice"), action: .action("readEntry"),
                              resource: EntityUID("Share", "s"), context: ["now": .long(0)])
        let decision = Authorizer().isAuthorized(request, entities: Entities())
        #expect(decision.effect == .deny)
        #expect(decision.errors.first?.message.contains("does not apply to a resource of type `Share`") == true)
    }
}
