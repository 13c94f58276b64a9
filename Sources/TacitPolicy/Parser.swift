/// Parses policy text in Tacit's Cedar subset into policies; every error carries `line:column`.
///
/// Nesting is bounded (`maximumDepth`), so no input can exhaust the stack.
struct Parser {
    /// The deepest expression tree accepted: nested brackets and operator chains (`a && b && …`,
    /// `x.a.b.…`) both count, because evaluating and validating recurse once per level.
    static let maximumDepth = 100

    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Parses every policy of `text`; policies without `@id` get `policyN` (N counts from 0 in file order).
    static func policies(in text: String) throws(PolicyError) -> [Policy] {
        var parser = Parser(tokens: try Lexer.tokens(of: text))
        var policies: [Policy] = []
        while parser.current.kind != .end {
            var policy = try parser.policy()
            policy.id = policy.annotations["id"] ?? "policy\(policies.count)"
            policies.append(policy)
        }
        return policies
    }

    /// Parses exactly one entity reference, `Type::"id"`.
    static func entityReference(in text: String) throws(PolicyError) -> EntityUID {
        var parser = Parser(tokens: try Lexer.tokens(of: text))
        let uid = try parser.entityReference()
        guard parser.current.kind == .end else {
            throw PolicyError(.syntax, "unexpected \(parser.current.text) after the entity reference", at: parser.current.location)
        }
        return uid
    }

    // MARK: - Tokens

    private var current: Token { tokens[position] }

    private func peek(_ offset: Int) -> Token {
        tokens[min(position + offset, tokens.count - 1)]
    }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func isSymbol(_ symbol: String) -> Bool {
        current.kind == .symbol(symbol)
    }

    private func isKeyword(_ word: String) -> Bool {
        current.kind == .identifier(word)
    }

    private mutating func expect(_ symbol: String, _ context: String) throws(PolicyError) {
        guard isSymbol(symbol) else {
            throw PolicyError(.syntax, "expected `\(symbol)` \(context), found \(current.text)", at: current.location)
        }
        _ = advance()
    }

    private mutating func expectKeyword(_ word: String, _ context: String) throws(PolicyError) {
        guard isKeyword(word) else {
            throw PolicyError(.syntax, "expected `\(word)` \(context), found \(current.text)", at: current.location)
        }
        _ = advance()
    }

    private mutating func identifier(_ context: String) throws(PolicyError) -> String {
        guard case .identifier(let name) = current.kind else {
            throw PolicyError(.syntax, "expected a name \(context), found \(current.text)", at: current.location)
        }
        _ = advance()
        return name
    }

    private mutating func string(_ context: String) throws(PolicyError) -> String {
        guard case .string(let raw) = current.kind else {
            throw PolicyError(.syntax, "expected a string \(context), found \(current.text)", at: current.location)
        }
        let location = advance().location
        return try Lexer.string(raw, at: location)
    }

    private mutating func enter(_ location: SourceLocation) throws(PolicyError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw PolicyError(.syntax, "expression nested too deeply (more than \(Self.maximumDepth) levels)", at: location)
        }
    }

    // MARK: - Policies

    private mutating func policy() throws(PolicyError) -> Policy {
        let start = current.location
        var annotations: [String: String] = [:]
        while current.kind == .annotationMark {
            let at = advance().location
            let name = try identifier("after `@`")
            var value = ""
            if isSymbol("(") {
                _ = advance()
                value = try string("as the annotation's value")
                try expect(")", "after the annotation's value")
            }
            guard annotations[name] == nil else {
                throw PolicyError(.syntax, "annotation `@\(name)` appears twice on one policy", at: at)
            }
            annotations[name] = value
        }
        let effectLocation = current.location
        let effect: Policy.Effect
        switch current.kind {
        case .identifier("permit"): effect = .permit
        case .identifier("forbid"): effect = .forbid
        default:
            throw PolicyError(.syntax, "expected `permit` or `forbid`, found \(current.text)", at: effectLocation)
        }
        _ = advance()
        try expect("(", "after `\(effect.rawValue)`")
        let principal = try scope(variable: "principal")
        try expect(",", "after the principal constraint")
        let action = try actionScope()
        try expect(",", "after the action constraint")
        let resource = try scope(variable: "resource")
        try expect(")", "after the resource constraint")
        var conditions: [Condition] = []
        while isKeyword("when") || isKeyword("unless") {
            let isWhen = isKeyword("when")
            _ = advance()
            try expect("{", "to open the condition")
            let body = try expression()
            try expect("}", "to close the condition")
            conditions.append(Condition(isWhen: isWhen, body: body))
        }
        guard isSymbol(";") else {
            let hint = conditions.isEmpty && !isKeyword("when") ? "`when`, `unless` or `;`" : "`;`"
            throw PolicyError(.syntax, "expected \(hint) to end the policy, found \(current.text)", at: current.location)
        }
        _ = advance()
        return Policy(id: "", effect: effect, location: start, annotations: annotations,
                      principal: principal, action: action, resource: resource, conditions: conditions)
    }

    private mutating func scope(variable: String) throws(PolicyError) -> ScopeConstraint {
        try expectKeyword(variable, "in the policy scope")
        if isSymbol("==") {
            _ = advance()
            let location = current.location
            return .equal(try entityReference(), location)
        }
        if isKeyword("in") {
            _ = advance()
            if isSymbol("[") {
                throw PolicyError(.syntax, "`\(variable) in [...]` is not allowed; only `action` takes a list", at: current.location)
            }
            let location = current.location
            return .in(try entityReference(), location)
        }
        if isKeyword("is") {
            _ = advance()
            let location = current.location
            let type = try path("after `is`").joined(separator: "::")
            if isKeyword("in") {
                _ = advance()
                return .isIn(type, try entityReference(), location)
            }
            return .is(type, location)
        }
        return .any
    }

    private mutating func actionScope() throws(PolicyError) -> ActionConstraint {
        try expectKeyword("action", "in the policy scope")
        if isSymbol("==") {
            _ = advance()
            let location = current.location
            return .equal(try entityReference(), location)
        }
        if isKeyword("in") {
            _ = advance()
            let location = current.location
            if isSymbol("[") {
                _ = advance()
                var uids: [EntityUID] = []
                while !isSymbol("]") {
                    uids.append(try entityReference())
                    guard isSymbol(",") else { break }
                    _ = advance()
                }
                try expect("]", "to close the list of actions")
                return .in(uids, location)
            }
            return .in([try entityReference()], location)
        }
        if isKeyword("is") {
            throw PolicyError(.syntax, "`action is` is not supported; name the actions with `==` or `in`", at: current.location)
        }
        return .any
    }

    /// `Name::Name::"id"`.
    private mutating func entityReference() throws(PolicyError) -> EntityUID {
        let location = current.location
        guard case .identifier = current.kind else {
            throw PolicyError(.syntax, "expected an entity such as `Member::\"alice\"`, found \(current.text)", at: location)
        }
        var names = [try identifier("")]
        while true {
            try expect("::", "in an entity reference")
            if case .string = current.kind {
                return EntityUID(names.joined(separator: "::"), try string(""))
            }
            names.append(try identifier("or a quoted id after `::`"))
        }
    }

    private mutating func path(_ context: String) throws(PolicyError) -> [String] {
        var names = [try identifier(context)]
        while isSymbol("::"), case .identifier = peek(1).kind {
            _ = advance()
            names.append(try identifier(context))
        }
        return names
    }

    // MARK: - Expressions

    private static let reserved: Set<String> = ["true", "false", "if", "then", "else", "in", "like", "has", "is"]

    mutating func expression() throws(PolicyError) -> Expression {
        let location = current.location
        try enter(location)
        defer { depth -= 1 }
        if isKeyword("if") {
            _ = advance()
            let condition = try expression()
            try expectKeyword("then", "after the `if` condition")
            let then = try expression()
            try expectKeyword("else", "after the `then` branch")
            let otherwise = try expression()
            return Expression(.ifThenElse(condition, then, otherwise), at: location)
        }
        return try or()
    }

    private mutating func or() throws(PolicyError) -> Expression {
        var left = try and()
        var entered = 0
        defer { depth -= entered }
        while isSymbol("||") {
            let location = advance().location
            try enter(location)
            entered += 1
            let right = try and()
            left = Expression(.or(left, right), at: location)
        }
        return left
    }

    private mutating func and() throws(PolicyError) -> Expression {
        var left = try relation()
        var entered = 0
        defer { depth -= entered }
        while isSymbol("&&") {
            let location = advance().location
            try enter(location)
            entered += 1
            let right = try relation()
            left = Expression(.and(left, right), at: location)
        }
        return left
    }

    private static let relations: [String: Expression.BinaryOperator] = [
        "==": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
    ]

    private mutating func relation() throws(PolicyError) -> Expression {
        let left = try additive()
        let location = current.location
        if case .symbol(let s) = current.kind, let op = Self.relations[s] {
            _ = advance()
            return Expression(.binary(op, left, try additive()), at: location)
        }
        if isKeyword("in") {
            _ = advance()
            return Expression(.binary(.in, left, try additive()), at: location)
        }
        if isKeyword("has") {
            _ = advance()
            let name: String
            if case .string = current.kind {
                name = try string("")
            } else {
                name = try identifier("or string after `has`")
            }
            return Expression(.has(left, name), at: location)
        }
        if isKeyword("like") {
            _ = advance()
            guard case .string(let raw) = current.kind else {
                throw PolicyError(.syntax, "expected a quoted pattern after `like`, found \(current.text)", at: current.location)
            }
            let patternLocation = advance().location
            let pattern = Pattern(elements: try Lexer.unescape(raw, allowStar: true, at: patternLocation))
            return Expression(.like(left, pattern), at: location)
        }
        if isKeyword("is") {
            _ = advance()
            let type = try path("after `is`").joined(separator: "::")
            var container: Expression?
            if isKeyword("in") {
                _ = advance()
                container = try additive()
            }
            return Expression(.isType(left, type, container), at: location)
        }
        return left
    }

    private mutating func additive() throws(PolicyError) -> Expression {
        var left = try multiplicative()
        var entered = 0
        defer { depth -= entered }
        while isSymbol("+") || isSymbol("-") {
            let token = advance()
            try enter(token.location)
            entered += 1
            let op: Expression.BinaryOperator = token.kind == .symbol("+") ? .add : .subtract
            left = Expression(.binary(op, left, try multiplicative()), at: token.location)
        }
        return left
    }

    private mutating func multiplicative() throws(PolicyError) -> Expression {
        var left = try unary()
        var entered = 0
        defer { depth -= entered }
        while isSymbol("*") {
            let location = advance().location
            try enter(location)
            entered += 1
            left = Expression(.binary(.multiply, left, try unary()), at: location)
        }
        return left
    }

    private mutating func unary() throws(PolicyError) -> Expression {
        let location = current.location
        if isSymbol("!") {
            _ = advance()
            try enter(location)
            defer { depth -= 1 }
            return Expression(.not(try unary()), at: location)
        }
        if isSymbol("-") {
            _ = advance()
            if case .integer(let n) = current.kind, peek(1).kind != .symbol("."), peek(1).kind != .symbol("[") {
                _ = advance()
                // Cedar reads `-9223372036854775808` as one literal, so the minimum Long is writable.
                let value = n == UInt64(Int64.max) + 1 ? Int64.min : -Int64(n)
                return Expression(.literal(.long(value)), at: location)
            }
            try enter(location)
            defer { depth -= 1 }
            return Expression(.negate(try unary()), at: location)
        }
        return try member()
    }

    private mutating func member() throws(PolicyError) -> Expression {
        var base = try primary()
        var entered = 0
        defer { depth -= entered }
        while true {
            if isSymbol(".") || isSymbol("[") {
                try enter(current.location)
                entered += 1
            }
            if isSymbol(".") {
                let location = advance().location
                let nameLocation = current.location
                let name = try identifier("after `.`")
                if isSymbol("(") {
                    _ = advance()
                    guard let method = Expression.Method(rawValue: name) else {
                        throw PolicyError(.syntax, "unknown method `\(name)`; supported: contains, containsAll, containsAny", at: nameLocation)
                    }
                    guard !isSymbol(")") else {
                        throw PolicyError(.syntax, "`\(name)` takes one argument", at: current.location)
                    }
                    let argument = try expression()
                    if isSymbol(",") {
                        throw PolicyError(.syntax, "`\(name)` takes one argument", at: current.location)
                    }
                    try expect(")", "to close the call of `\(name)`")
                    base = Expression(.method(method, base, argument), at: location)
                } else {
                    base = Expression(.attribute(base, name), at: nameLocation)
                }
            } else if isSymbol("[") {
                _ = advance()
                let location = current.location
                let name = try string("inside `[...]` (attribute access takes a quoted name)")
                try expect("]", "after the attribute name")
                base = Expression(.attribute(base, name), at: location)
            } else {
                return base
            }
        }
    }

    private mutating func primary() throws(PolicyError) -> Expression {
        let token = current
        let location = token.location
        switch token.kind {
        case .integer(let n):
            _ = advance()
            guard n <= UInt64(Int64.max) else {
                throw PolicyError(.syntax, "integer literal is too large for a Long", at: location)
            }
            return Expression(.literal(.long(Int64(n))), at: location)
        case .string:
            return Expression(.literal(.string(try string(""))), at: location)
        case .identifier("true"):
            _ = advance()
            return Expression(.literal(.bool(true)), at: location)
        case .identifier("false"):
            _ = advance()
            return Expression(.literal(.bool(false)), at: location)
        case .identifier(let name):
            if let variable = Expression.Variable(rawValue: name), peek(1).kind != .symbol("::") {
                _ = advance()
                return Expression(.variable(variable), at: location)
            }
            if peek(1).kind == .symbol("::") {
                return Expression(.literal(.entity(try entityReference())), at: location)
            }
            if peek(1).kind == .symbol("(") {
                throw PolicyError(.syntax, "function `\(name)` is not supported in Tacit's Cedar subset", at: location)
            }
            if name == "if" || Self.reserved.contains(name) {
                throw PolicyError(.syntax, "unexpected `\(name)`", at: location)
            }
            throw PolicyError(.syntax, "unknown name `\(name)`; expected principal, action, resource, context, a literal or `Type::\"id\"`", at: location)
        case .symbol("("):
            _ = advance()
            let inner = try expression()
            try expect(")", "to close `(`")
            return inner
        case .symbol("["):
            _ = advance()
            var elements: [Expression] = []
            while !isSymbol("]") {
                elements.append(try expression())
                guard isSymbol(",") else { break }
                _ = advance()
            }
            try expect("]", "to close the set")
            return Expression(.set(elements), at: location)
        case .symbol("{"):
            _ = advance()
            var fields: [(String, Expression)] = []
            var seen = Set<String>()
            while !isSymbol("}") {
                let keyLocation = current.location
                let key: String
                if case .string = current.kind {
                    key = try string("")
                } else {
                    key = try identifier("or string as a record key")
                }
                guard seen.insert(key).inserted else {
                    throw PolicyError(.syntax, "duplicate key `\(key)` in a record", at: keyLocation)
                }
                try expect(":", "after the record key")
                fields.append((key, try expression()))
                guard isSymbol(",") else { break }
                _ = advance()
            }
            try expect("}", "to close the record")
            return Expression(.record(fields), at: location)
        default:
            throw PolicyError(.syntax, "expected an expression, found \(token.text)", at: location)
        }
    }
}
