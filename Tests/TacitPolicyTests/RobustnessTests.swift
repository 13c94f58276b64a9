import Testing
import TacitTestSupport
@testable import TacitPolicy

/// Thousands of random and mutated inputs: the parser, validator and evaluator never crash or
/// hang; they either accept or report an error with a position.
@Suite struct RobustnessTests {
    static let fragments = [
        "permit", "forbid", "(", ")", "principal", "action", "resource", "context", ",", ";", "when", "unless",
        "{", "}", "[", "]", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!", "-", "+", "*", "in", "is", "has",
        "like", "if", "then", "else", "true", "false", "1", "9223372036854775807", "\"s\"", "\"*\\*\"", ".",
        "Member::\"a\"", "Action::\"readEntry\"", "Entry", "contains", "containsAll", "containsAny", "@id(\"x\")",
        ":", "::", "author", "\n", " ", "//c\n", "\"\\u{41}\"", "@", "\"",
    ]

    func exercise(_ text: String) {
        let problems = PolicySet.problems(in: text, schema: .tacit, layeredOn: PolicySet.base.policies)
        for problem in problems { #expect(problem.location != nil, "\(text): \(problem)") }
        if let set = try? PolicySet(parsing: text, schema: nil) {
            for scenario in PolicyScenarios.all.prefix(5) {
                _ = Authorizer(policies: set).isAuthorized(scenario.request, entities: PolicyScenarios.entities)
            }
        }
    }

    @Test func randomTokenSoup() {
        var rng = SplitMix(state: 42)
        for _ in 0..<3000 {
            let count = Int.random(in: 1...40, using: &rng)
            exercise((0..<count).map { _ in Self.fragments.randomElement(using: &rng)! }.joined(separator: " "))
        }
    }

    @Test func mutatedBasePolicy() {
        var rng = SplitMix(state: 7)
        let base = Array(PolicySet.baseText.unicodeScalars)
        let alphabet = Array("(){}[];,.:!&|=<>\"\\*@-+ \nabcxyzAZ019_".unicodeScalars)
        for _ in 0..<300 {
            var text = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<text.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: text.remove(at: at)
                case 1: text.insert(alphabet.randomElement(using: &rng)!, at: at)
                default: text[at] = alphabet.randomElement(using: &rng)!
                }
            }
            exercise(String(String.UnicodeScalarView(text)))
        }
    }

    @Test func mutatedSmallPolicies() {
        var rng = SplitMix(state: 99)
        let seeds = [
            #"permit(principal, action == Action::"readEntry", resource) when { resource.author == principal && !resource.deleted };"#,
            #"forbid(principal is Member in Group::"g", action in [Action::"readShared"], resource) unless { context.share.audience.containsAny([principal]) || (if context.now > 3 then "a\*b" like "a*" else false) };"#,
            #"@id("p") permit(principal, action, resource) when { {a: [1, -2], "b": context["now"] + 1}.a.contains(-2) };"#,
        ]
        let alphabet = Array("(){}[];,.:!&|=<>\"\\*@-+ \n\u{0}\u{FEFF}é".unicodeScalars)
        for _ in 0..<4000 {
            var text = Array(seeds.randomElement(using: &rng)!.unicodeScalars)
            for _ in 0..<Int.random(in: 1...3, using: &rng) where !text.isEmpty {
                let at = Int.random(in: 0..<text.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: text.remove(at: at)
                case 1: text.insert(alphabet.randomElement(using: &rng)!, at: at)
                case 2: text[at] = alphabet.randomElement(using: &rng)!
                default:
                    let end = min(text.count, at + Int.random(in: 1...20, using: &rng))
                    text.insert(contentsOf: text[at..<end], at: at)
                }
            }
            exercise(String(String.UnicodeScalarView(text)))
        }
    }

    @Test func randomBytes() {
        var rng = SplitMix(state: 1234)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            exercise(String(decoding: bytes, as: UTF8.self))
        }
    }
}
