/// Splits policy text into tokens, tracking `line:column`; `//` comments are skipped.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Every token of the text, ending with `.end`.
    static func tokens(of text: String) throws(PolicyError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var here: SourceLocation { SourceLocation(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func skipSpaceAndComments() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{FEFF}" {
                advance()
            } else if c == "/", peek(1) == "/" {
                while let d = peek(), d != "\n" { advance() }
            } else {
                return
            }
        }
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool {
        c >= "0" && c <= "9"
    }

    private mutating func next() throws(PolicyError) -> Token {
        skipSpaceAndComments()
        let start = here
        guard let c = peek() else { return Token(kind: .end, location: start) }
        if Self.isIdentifierStart(c) {
            var name = String.UnicodeScalarView()
            while let d = peek(), Self.isIdentifierStart(d) || Self.isDigit(d) {
                name.append(d)
                advance()
            }
            return Token(kind: .identifier(String(name)), location: start)
        }
        if Self.isDigit(c) {
            var value: UInt64 = 0
            while let d = peek(), Self.isDigit(d) {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(UInt64(d.value - 48))
                if o1 || o2 || sum > UInt64(Int64.max) + 1 {
                    throw PolicyError(.syntax, "integer literal is too large for a Long", at: start)
                }
                value = sum
                advance()
            }
            if let d = peek(), Self.isIdentifierStart(d) {
                throw PolicyError(.syntax, "unexpected `\(d)` after a number", at: here)
            }
            return Token(kind: .integer(value), location: start)
        }
        if c == "\"" {
            advance()
            var raw = String.UnicodeScalarView()
            while true {
                guard let d = peek() else {
                    throw PolicyError(.syntax, "unterminated string literal", at: start)
                }
                if d == "\"" { advance(); break }
                if d == "\\" {
                    raw.append(d)
                    advance()
                    guard let e = peek() else {
                        throw PolicyError(.syntax, "unterminated string literal", at: start)
                    }
                    raw.append(e)
                    advance()
                    continue
                }
                raw.append(d)
                advance()
            }
            let rawText = String(raw)
            _ = try Self.unescape(rawText, allowStar: true, at: start)
            return Token(kind: .string(rawText), location: start)
        }
        if c == "@" {
            advance()
            return Token(kind: .annotationMark, location: start)
        }
        let two: [String] = ["==", "!=", "<=", ">=", "&&", "||", "::"]
        if let d = peek(1) {
            let pair = String(String.UnicodeScalarView([c, d]))
            if two.contains(pair) {
                advance(); advance()
                return Token(kind: .symbol(pair), location: start)
            }
        }
        let single: Set<Unicode.Scalar> = ["(", ")", "[", "]", "{", "}", ",", ";", ".", "<", ">", "!", "+", "-", "*", ":"]
        if single.contains(c) {
            advance()
            return Token(kind: .symbol(String(c)), location: start)
        }
        if c == "=" {
            throw PolicyError(.syntax, "unexpected `=`; equality is written `==`", at: start)
        }
        if c == "?" {
            // Cedar's template slots: say what they are, not just "unexpected character".
            throw PolicyError(.syntax, "templates (`?principal`, `?resource`) are not supported in Tacit's Cedar subset; "
                + "write the entity itself, e.g. `principal == Member::\"alice\"`", at: start)
        }
        if c == "&" || c == "|" {
            throw PolicyError(.syntax, "unexpected `\(c)`; did you mean `\(c)\(c)`?", at: start)
        }
        let shown = c.value < 0x20 || c.value == 0x7f ? "U+\(String(c.value, radix: 16, uppercase: true))" : "`\(c)`"
        throw PolicyError(.syntax, "unexpected character \(shown)", at: start)
    }

    /// Decodes a string literal's escapes; with `allowStar`, `\*` is a literal star and `*` a wildcard.
    static func unescape(_ raw: String, allowStar: Bool, at location: SourceLocation) throws(PolicyError) -> [Pattern.Element] {
        var out: [Pattern.Element] = []
        var it = Array(raw.unicodeScalars)[...]
        while let c = it.popFirst() {
            guard c == "\\" else {
                out.append(c == "*" && allowStar ? .wildcard : .literal(c))
                continue
            }
            guard let e = it.popFirst() else {
                throw PolicyError(.syntax, "a string may not end with a lone `\\`", at: location)
            }
            switch e {
            case "n": out.append(.literal("\n"))
            case "r": out.append(.literal("\r"))
            case "t": out.append(.literal("\t"))
            case "0": out.append(.literal("\0"))
            case "\\": out.append(.literal("\\"))
            case "\"": out.append(.literal("\""))
            case "'": out.append(.literal("'"))
            case "*" where allowStar: out.append(.literal("*"))
            case "u":
                guard it.popFirst() == "{" else {
                    throw PolicyError(.syntax, "a unicode escape is written `\\u{hex}`", at: location)
                }
                var hex = ""
                while let h = it.first, h != "}", hex.count < 7 {
                    hex.unicodeScalars.append(h)
                    it = it.dropFirst()
                }
                guard it.popFirst() == "}", !hex.isEmpty, hex.count <= 6,
                      let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value)
                else {
                    throw PolicyError(.syntax, "invalid unicode escape `\\u{\(hex)}`", at: location)
                }
                out.append(.literal(scalar))
            case "*":
                throw PolicyError(.syntax, "`\\*` is only allowed in a `like` pattern", at: location)
            default:
                throw PolicyError(.syntax, "unknown escape sequence `\\\(e)` in a string", at: location)
            }
        }
        return out
    }
}

extension Lexer {
    /// Decodes a string token's raw text into its value.
    static func string(_ raw: String, at location: SourceLocation) throws(PolicyError) -> String {
        var out = String.UnicodeScalarView()
        for element in try unescape(raw, allowStar: false, at: location) {
            if case .literal(let c) = element { out.append(c) }
        }
        return String(out)
    }
}
