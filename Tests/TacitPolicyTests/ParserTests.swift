import Testing
@testable import TacitPolicy

/// Syntax errors carry `line:column` and say what was expected.
@Suite struct ParserTests {
    static func syntaxError(_ text: String) -> PolicyError? {
        do {
            _ = try Parser.policies(in: text)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("permit(principal, action, resource)", 1, 36, "expected `when`, `unless` or `;`"),
        ("permit(principal, action, resource)\nwhen { 1 + };", 2, 12, "expected an expression"),
        ("// comment\n  forbid(principal, action, resource) when { x };", 2, 46, "unknown name `x`"),
        ("permit(principal, action, resource) when { \"abc };", 1, 44, "unterminated string"),
        ("permit(principal, action, resource) when { 99999999999999999999 };", 1, 44, "too large"),
        ("permit(principal, action, resource) when { 9223372036854775808 };", 1, 44, "too large"),
        ("permit(principal in [Group::\"g\"], action, resource);", 1, 21, "only `action` takes a list"),
        ("allow(principal, action, resource);", 1, 1, "expected `permit` or `forbid`"),
        ("permit(principal, action, resource) when { a = 1 };", 1, 46, "equality is written `==`"),
        ("permit(principal, action, resource) when { true & false };", 1, 49, "did you mean `&&`"),
        ("permit(principal, action, resource) when { [1].size() };", 1, 48, "unknown method `size`"),
        ("permit(principal, action, resource) when { ip(\"1.2.3.4\") };", 1, 44, "not supported"),
        ("permit(principal, action, resource) when { {a: 1, a: 2} };", 1, 51, "duplicate key `a`"),
        ("permit(principal, action, resource) when { \"\\q\" };", 1, 44, "unknown escape"),
        ("permit(principal, action, resource) when { \"a\\*\" == \"a\" };", 1, 44, "only allowed in a `like` pattern"),
        ("@id(\"x\") @id(\"y\") permit(principal, action, resource);", 1, 10, "appears twice"),
        ("permit(principal == Member, action, resource);", 1, 27, "expected `::`"),
        ("permit(principal, action, resource) when { 1 < 2 < 3 };", 1, 50, "expected `}`"),
        ("permit(principal, action, resource) when { # };", 1, 44, "unexpected character `#`"),
        ("permit(principal == ?principal, action, resource);", 1, 21, "templates (`?principal`, `?resource`) are not supported"),
        ("permit(principal, action, resource in ?resource);", 1, 39, "templates (`?principal`, `?resource`) are not supported"),
    ])
    func errorsCarryTheirPosition(_ text: String, _ line: Int, _ column: Int, _ fragment: String) {
        let error = Self.syntaxError(text)
        #expect(error?.code == .syntax)
        #expect(error?.location == SourceLocation(line: line, column: column), "\(text): \(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(text): \(String(describing: error))")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        let error = Self.syntaxError("permit(principal, action, resource) when { \(deep) };")
        #expect(error?.message.contains("nested too deeply") == true)
        let nots = String(repeating: "!", count: 10_000) + "true"
        #expect(Self.syntaxError("permit(principal, action, resource) when { \(nots) };") != nil)
        let negations = String(repeating: "-", count: 10_000) + "1"
        #expect(Self.syntaxError("permit(principal, action, resource) when { \(negations) == 1 };") != nil)
    }

    /// Operator chains build trees as deep as they are long; evaluation recursion must stay bounded.
    @Test(arguments: [" && true", " || false", " + 1", " * 1", ".a", "[\"a\"]", ".contains(1)"])
    func longChainsAreBounded(_ link: String) {
        let chain = "true" + String(repeating: link, count: 50_000)
        let error = Self.syntaxError("permit(principal, action, resource) when { \(chain) };")
        #expect(error?.message.contains("nested too deeply") == true)
        let fine = "true" + String(repeating: link, count: 40)
        #expect(Self.syntaxError("permit(principal, action, resource) when { \(fine) };") == nil)
    }

    @Test func idsFollowAnnotationsOrFileOrder() throws {
        let policies = try Parser.policies(in: """
        permit(principal, action, resource);
        @id("named") @advice("no value needed") @flag
        forbid(principal, action, resource);
        permit(principal, action, resource);
        """)
        #expect(policies.map(\.id) == ["policy0", "named", "policy2"])
        #expect(policies[1].annotations["flag"] == "")
        #expect(policies[1].location == SourceLocation(line: 2, column: 1))
    }

    @Test func stringsDecodeEscapes() throws {
        let set = try PolicySet(parsing: #"permit(principal, action, resource) when { "a\n\t\"\\\u{e9}" == context.s };"#, schema: nil)
        let request = Request(principal: EntityUID("M", "a"), action: .action("x"), resource: EntityUID("R", "r"),
                              context: ["s": .string("a\n\t\"\\é")])
        #expect(Authorizer(policies: set).isAuthorized(request, entities: Entities()).isAllowed)
    }
}
