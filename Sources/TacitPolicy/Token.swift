/// One lexical token of policy text.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        /// A string literal's raw text between the quotes (escapes decoded by the parser, which
        /// knows whether it is a `like` pattern).
        case string(String)
        case integer(UInt64)
        case symbol(String)
        case annotationMark
        case end
    }

    var kind: Kind
    var location: SourceLocation

    var text: String {
        switch kind {
        case .identifier(let s): return "`\(s)`"
        case .string(let s): return "string \"\(s)\""
        case .integer(let n): return "number \(n)"
        case .symbol(let s): return "`\(s)`"
        case .annotationMark: return "`@`"
        case .end: return "end of input"
        }
    }
}
