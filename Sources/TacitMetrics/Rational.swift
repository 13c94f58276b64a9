/// A non-negative rational number `numerator/denominator` in lowest terms: how Tacit writes every ε
/// and every privacy budget, so that no privacy arithmetic ever rounds.
///
/// Written form: `"1/24"`, or `"1"` for a whole number. Numerator and denominator are at most
/// `Rational.maximumPart` when written; sums stay exact and throw rather than overflow.
///
/// This file is part of the noise sampler's closure and uses integers only.
public struct Rational: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The largest numerator or denominator accepted in written form (a million).
    public static let maximumPart = 1_000_000

    /// Zero: what a withheld release costs.
    public static let zero = Rational(uncheckedNumerator: 0, denominator: 1)
    /// One.
    public static let one = Rational(uncheckedNumerator: 1, denominator: 1)

    /// The numerator, in lowest terms.
    public let numerator: Int
    /// The denominator, in lowest terms; always positive.
    public let denominator: Int

    /// Creates `numerator/denominator`, reduced to lowest terms.
    ///
    /// - Throws: `MetricsError.malformedValue` for a negative numerator or a denominator that is
    ///   not positive.
    public init(_ numerator: Int, _ denominator: Int) throws {
        guard numerator >= 0, denominator > 0 else {
            throw MetricsError(.malformedValue, "a rational needs a numerator ≥ 0 and a denominator > 0, got \(numerator)/\(denominator)")
        }
        let divisor = Rational.gcd(numerator, denominator)
        self.init(uncheckedNumerator: numerator / divisor, denominator: denominator / divisor)
    }

    /// Parses the written form `"n/d"` or `"n"`: decimal digits only, both parts at most
    /// `maximumPart`, the value greater than zero.
    ///
    /// - Throws: `MetricsError.malformedValue` for anything else: zero, a sign, a decimal point,
    ///   spaces, a zero denominator.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              let numerator = Rational.part(parts[0]),
              let denominator = parts.count == 2 ? Rational.part(parts[1]) : 1,
              numerator > 0, denominator > 0 else {
            throw MetricsError.malformed("a rational", text, expected: "a positive fraction such as 1/24")
        }
        try self.init(numerator, denominator)
    }

    init(uncheckedNumerator numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `"n/d"`, or `"n"` when the denominator is 1.
    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// `true` for zero.
    public var isZero: Bool { numerator == 0 }

    /// The exact sum.
    ///
    /// - Throws: `MetricsError.malformedValue` if the result does not fit in 64-bit parts.
    public func adding(_ other: Rational) throws -> Rational {
        let divisor = Rational.gcd(denominator, other.denominator)
        let left = try Rational.multiply(numerator, other.denominator / divisor)
        let right = try Rational.multiply(other.numerator, denominator / divisor)
        let (sum, overflow) = left.addingReportingOverflow(right)
        guard !overflow else { throw Rational.overflowError }
        return try Rational(sum, try Rational.multiply(denominator, other.denominator / divisor))
    }

    /// The exact difference, never below zero.
    ///
    /// - Throws: `MetricsError.malformedValue` if `other` is larger or the parts overflow.
    public func subtracting(_ other: Rational) throws -> Rational {
        guard other <= self else {
            throw MetricsError(.malformedValue, "cannot take \(other) from \(self)")
        }
        let divisor = Rational.gcd(denominator, other.denominator)
        let left = try Rational.multiply(numerator, other.denominator / divisor)
        let right = try Rational.multiply(other.numerator, denominator / divisor)
        return try Rational(left - right, try Rational.multiply(denominator, other.denominator / divisor))
    }

    /// Orders by value, comparing cross products at full width so nothing overflows.
    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }

    /// The exact sum of `values`.
    ///
    /// - Throws: `MetricsError.malformedValue` on overflow.
    public static func sum(_ values: some Sequence<Rational>) throws -> Rational {
        try values.reduce(Rational.zero) { try $0.adding($1) }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return Swift.max(a, 1)
    }

    private static func multiply(_ a: Int, _ b: Int) throws -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw overflowError }
        return product
    }

    private static let overflowError = MetricsError(.malformedValue, "these ε values are too fine-grained to add up exactly; use smaller denominators")

    private static func part(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 7, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let value = Int(text), value <= maximumPart else { return nil }
        return value
    }
}

extension Rational: Codable {
    /// Decodes the written form, `"n/d"`.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for anything `init(parsing:)` refuses, or zero
    ///   other than `"0"` itself.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text == "0" { self = .zero; return }
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    /// Encodes the written form, `"n/d"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
