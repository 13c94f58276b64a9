/// Exact sampling of the discrete Laplace distribution with integers only.
///
/// Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
/// algorithms 1 and 2: a Bernoulli(exp(−γ)) for rational γ built from Bernoulli(p) for rational p
/// (a uniform integer compared with a numerator), a geometric from those, and the discrete Laplace
/// from the geometric by rejection. Every probability is a ratio of integers, so no rounding can
/// shape the output: floating-point Laplace leaks the true value through its low bits
/// (Mironov 2012). This file, `Rational.swift` and `RandomSource.swift` contain no floating point;
/// a test reads them and fails if one does.
///
/// With scale `t`, `P(X = x) = (1 − e^(−1/t)) / (1 + e^(−1/t)) · e^(−|x|/t)` for every integer `x`.
/// Adding it to a count whose sensitivity is `Δ` with `t = Δ/ε` makes the count ε-differentially
/// private.
struct DiscreteLaplace: Sendable {
    /// The scale `t` as the integer ratio `scaleNumerator / scaleDenominator`.
    let scaleNumerator: UInt64
    let scaleDenominator: UInt64

    /// The largest part of a scale: keeps every product below `UInt64.max` with room to spare.
    static let maximumPart: UInt64 = 1 << 31

    /// The mechanism for a count of sensitivity `sensitivity` released with privacy loss `epsilon`:
    /// scale `sensitivity / epsilon`.
    ///
    /// - Throws: `MetricsError.malformedValue` for a zero ε or sensitivity, or parts too large.
    init(sensitivity: Int, epsilon: Rational) throws {
        guard sensitivity > 0, !epsilon.isZero else {
            throw MetricsError(.malformedValue, "noise needs a positive sensitivity and ε")
        }
        // t = Δ / (p/q) = Δ·q / p.
        let (numerator, overflow) = UInt64(sensitivity).multipliedReportingOverflow(by: UInt64(epsilon.denominator))
        guard !overflow, numerator <= DiscreteLaplace.maximumPart,
              UInt64(epsilon.numerator) <= DiscreteLaplace.maximumPart else {
            throw MetricsError(.malformedValue, "the noise scale \(sensitivity)/\(epsilon) is too fine-grained")
        }
        scaleNumerator = numerator
        scaleDenominator = UInt64(epsilon.numerator)
    }

    /// One draw: an integer to add to the true count.
    ///
    /// - Throws: whatever `random` throws.
    func sample(using random: any RandomSource) throws -> Int {
        // Algorithm 2 in the paper's names, whose scale is t/s.
        let t = scaleNumerator
        let s = scaleDenominator
        while true {
            let u = try random.uniform(below: t)
            // Accept U with probability exp(−U/t).
            guard try DiscreteLaplace.bernoulliExpMinus(numerator: u, denominator: t, using: random) else { continue }
            // V ~ Geometric(1 − e^(−1)): count successes of Bernoulli(exp(−1)).
            var v: UInt64 = 0
            while try DiscreteLaplace.bernoulliExpMinus(numerator: 1, denominator: 1, using: random) {
                v += 1
                // Keeps U + t·V in range; reaching it takes about 2^32 successes in a row.
                guard v < (UInt64.max - u) / t else { break }
            }
            let x = u + t * v
            let y = x / s
            let negative = try random.uniform(below: 2) == 1
            // Reject −0 so that zero is not counted twice.
            if negative && y == 0 { continue }
            let magnitude = Int(clamping: y)
            return negative ? -magnitude : magnitude
        }
    }

    /// Bernoulli(numerator/denominator) for `0 ≤ numerator ≤ denominator`: one uniform integer.
    static func bernoulli(numerator: UInt64, denominator: UInt64, using random: any RandomSource) throws -> Bool {
        try random.uniform(below: denominator) < numerator
    }

    /// Bernoulli(exp(−γ)) for rational `γ = numerator/denominator ≥ 0` (algorithm 1).
    ///
    /// For γ ≤ 1: draw `A_k ~ Bernoulli(γ/k)` for k = 1, 2, … until the first failure at K;
    /// output 1 when K is odd (the alternating series of e^(−γ)). For γ > 1: exp(−γ) is
    /// exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)), one Bernoulli for each factor.
    static func bernoulliExpMinus(numerator: UInt64, denominator: UInt64, using random: any RandomSource) throws -> Bool {
        precondition(denominator > 0, "a rational with a zero denominator")
        if numerator <= denominator {
            var k: UInt64 = 1
            while true {
                let (scaled, overflow) = denominator.multipliedReportingOverflow(by: k)
                // Unreachable in practice (it needs k ≈ 2^32 consecutive successes); stop safely.
                guard !overflow else { return k % 2 == 1 }
                guard try bernoulli(numerator: numerator, denominator: scaled, using: random) else {
                    return k % 2 == 1
                }
                k += 1
            }
        }
        let whole = numerator / denominator
        for _ in 0..<whole {
            guard try bernoulliExpMinus(numerator: 1, denominator: 1, using: random) else { return false }
        }
        return try bernoulliExpMinus(numerator: numerator % denominator, denominator: denominator, using: random)
    }
}
