/// A parsed condition expression, with where it starts in the policy text.
struct Expression: Sendable {
    indirect enum Kind: Sendable {
        case literal(Value)
        case variable(Variable)
        case set([Expression])
        case record([(String, Expression)])
        case attribute(Expression, String)
        case has(Expression, String)
        case like(Expression, Pattern)
        case isType(Expression, String, Expression?)
        case not(Expression)
        case negate(Expression)
        case binary(BinaryOperator, Expression, Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
        case ifThenElse(Expression, Expression, Expression)
        case method(Method, Expression, Expression)
    }

    enum Variable: String, Sendable, Hashable, CaseIterable {
        case principal, action, resource, context
    }

    enum BinaryOperator: String, Sendable, Hashable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case `in` = "in"
        case add = "+", subtract = "-", multiply = "*"
    }

    enum Method: String, Sendable, Hashable {
        case contains, containsAll, containsAny
    }

    var kind: Kind
    var location: SourceLocation

    init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// Where the whole expression starts (its leftmost operand), for messages about its value.
    var start: SourceLocation {
        switch kind {
        case .attribute(let base, _), .has(let base, _), .like(let base, _), .isType(let base, _, _),
             .binary(_, let base, _), .and(let base, _), .or(let base, _), .method(_, let base, _):
            return min(location, base.start)
        default:
            return location
        }
    }
}

/// A `like` pattern: literal runs and `*` wildcards.
struct Pattern: Sendable, Hashable {
    enum Element: Sendable, Hashable {
        case literal(Unicode.Scalar)
        case wildcard
    }

    var elements: [Element]

    /// Whether `text` matches the whole pattern (`*` matches any run of characters, even none).
    func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var p = 0, t = 0
        var starP = -1, starT = 0
        while t < scalars.count {
            if p < elements.count, case .literal(let c) = elements[p], c == scalars[t] {
                p += 1; t += 1
            } else if p < elements.count, case .wildcard = elements[p] {
                starP = p; starT = t; p += 1
            } else if starP >= 0 {
                p = starP + 1; starT += 1; t = starT
            } else {
                return false
            }
        }
        while p < elements.count, case .wildcard = elements[p] { p += 1 }
        return p == elements.count
    }
}
