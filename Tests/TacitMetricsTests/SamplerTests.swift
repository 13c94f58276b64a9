import Foundation
import Testing
@testable import TacitMetrics

/// The noise sampler: exact, integer-only, and ε-DP in practice. Expected probabilities are
/// computed here with `Double`; only the sampler itself must be free of floating point.
@Suite struct SamplerTests {
    /// P(X = x) of the discrete Laplace with scale t: (1 − q)/(1 + q) · q^|x|, q = e^(−1/t).
    static func probability(_ x: Int, scale: Double) -> Double {
        let q = exp(-1 / scale)
        return (1 - q) / (1 + q) * pow(q, Double(abs(x)))
    }

    /// The upper α quantile of χ² with `df` degrees of freedom (Wilson–Hilferty), α = 10⁻⁴.
    static func chiSquareCritical(df: Int) -> Double {
        let z = 3.719, k = Double(df)
        return k * pow(1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot(), 3)
    }

    @Test(arguments: [(1, 10), (1, 2), (1, 1)])
    func chiSquareGoodnessOfFit(numerator: Int, denominator: Int) throws {
        let epsilon = try Rational(numerator, denominator)
        let sampler = try DiscreteLaplace(sensitivity: 1, epsilon: epsilon)
        let scale = Double(denominator) / Double(numerator)
        let draws = 100_000
        var counts: [Int: Int] = [:]
        let random = SystemRandomSource()
        for _ in 0..<draws { counts[try sampler.sample(using: random), default: 0] += 1 }

        // Bins −K…K with an expected count of at least 20, and the two tails lumped.
        var k = 0
        while Double(draws) * Self.probability(k + 1, scale: scale) >= 20 { k += 1 }
        var statistic = 0.0
        var expectedInBins = 0.0
        for x in -k...k {
            let expected = Double(draws) * Self.probability(x, scale: scale)
            let observed = Double(counts[x] ?? 0)
            statistic += (observed - expected) * (observed - expected) / expected
            expectedInBins += expected
        }
        let tailExpected = (Double(draws) - expectedInBins) / 2
        for tail in [counts.filter { $0.key < -k }, counts.filter { $0.key > k }] {
            let observed = Double(tail.values.reduce(0, +))
            statistic += (observed - tailExpected) * (observed - tailExpected) / tailExpected
        }
        let df = 2 * k + 2
        let critical = Self.chiSquareCritical(df: df)
        #expect(statistic < critical, "ε = \(epsilon): χ² = \(statistic) with \(df) df ≥ \(critical)")
        // The distribution is symmetric and centred.
        let mean = Double(counts.map { $0.key * $0.value }.reduce(0, +)) / Double(draws)
        let sd = (2 * exp(-1 / scale) / pow(1 - exp(-1 / scale), 2)).squareRoot()
        #expect(abs(mean) < 5 * sd / Double(draws).squareRoot())
    }

    @Test(arguments: [(0, 1), (1, 3), (1, 1), (5, 2), (7, 1), (99, 100)])
    func bernoulliOfExpMinusGammaIsExact(numerator: UInt64, denominator: UInt64) throws {
        let trials = 100_000
        var successes = 0
        for _ in 0..<trials {
            if try DiscreteLaplace.bernoulliExpMinus(numerator: numerator, denominator: denominator, using: SystemRandomSource()) {
                successes += 1
            }
        }
        let p = exp(-Double(numerator) / Double(denominator))
        let sigma = (p * (1 - p) / Double(trials)).squareRoot()
        #expect(abs(Double(successes) / Double(trials) - p) <= 5 * sigma + 1e-9)
    }

    /// Neighbouring datasets: one member writes an entry or not. Each noisy cell moves by at most
    /// its sensitivity, and the clamped, noised outputs stay within e^ε of each other.
    ///
    /// Tolerance: each output value seen at least 2,000 times in both runs of 100,000 draws; the
    /// ratio of frequencies may exceed e^ε by at most 15% (about 4.7 standard errors at 2,000).
    @Test func neighbouringDatasetsStayWithinEToTheEpsilon() throws {
        let groups = [Fixture.group(size: 5), Fixture.group(size: 5), Fixture.group(size: 5)]
        var without = Fixture.input(groups: groups, entriesEach: 0)
        without.entries.removeAll()
        without.shares.removeAll()
        for member in groups[0].memberIDs.prefix(3) + groups[1].memberIDs.prefix(4) {
            let group = groups.first { $0.memberIDs.contains(member) }!
            without.entries.append(EntryFacts(author: member, group: group.id, kind: .practice, isoWeek: Fixture.week("2026-W11")))
        }
        var with = without
        let extra = groups[2].memberIDs[0]
        with.entries.append(EntryFacts(author: extra, group: groups[2].id, kind: .practice, isoWeek: Fixture.week("2026-W11")))
        with.shares.append(ShareFacts(author: extra, group: groups[2].id, isoWeek: Fixture.week("2026-W12")))

        let a = try CohortTally.count(without, period: Fixture.period, configuration: .standard)
        let b = try CohortTally.count(with, period: Fixture.period, configuration: .standard)
        for metric in MetricID.allCases {
            let moved = abs(a.exact[metric]! - b.exact[metric]!)
            #expect(moved <= (metric.isPublic ? 0 : a.sensitivity[metric]!), "\(metric) moved by \(moved)")
        }
        #expect(a.exact[.membersWrote] == 7 && b.exact[.membersWrote] == 8)

        let epsilon = try Rational(1, 2)
        let sampler = try DiscreteLaplace(sensitivity: 1, epsilon: epsilon)
        let range = a.clampRange(.membersWrote)
        func histogram(_ truth: Int) throws -> [Int: Int] {
            var counts: [Int: Int] = [:]
            for _ in 0..<100_000 {
                let value = min(max(truth + (try sampler.sample(using: SystemRandomSource())), range.lowerBound), range.upperBound)
                counts[value, default: 0] += 1
            }
            return counts
        }
        let p = try histogram(a.exact[.membersWrote]!)
        let q = try histogram(b.exact[.membersWrote]!)
        let bound = exp(0.5) * 1.15
        var compared = 0
        for value in range where (p[value] ?? 0) >= 2_000 && (q[value] ?? 0) >= 2_000 {
            let ratio = Double(p[value]!) / Double(q[value]!)
            #expect(ratio <= bound && 1 / ratio <= bound, "output \(value): ratio \(ratio) beyond e^ε")
            compared += 1
        }
        #expect(compared >= 8, "too few outputs to compare")
    }

    @Test func theSamplerSourceHasNoFloatingPoint() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/TacitMetrics")
        // The sampler and everything it computes with.
        for file in ["DiscreteLaplace.swift", "Rational.swift", "RandomSource.swift"] {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains("struct") || text.contains("protocol"), "\(file) was not read")
            for banned in ["Float", "Double", "Decimal", "CGFloat", "import Foundation"] {
                #expect(!text.contains(banned), "\(file) uses \(banned)")
            }
            #expect(text.range(of: #"[0-9]\.[0-9]"#, options: .regularExpression) == nil, "\(file) has a decimal literal")
        }
    }

    @Test func scalesAreValidated() throws {
        #expect(throws: MetricsError.self) { try DiscreteLaplace(sensitivity: 0, epsilon: .one) }
        #expect(throws: MetricsError.self) { try DiscreteLaplace(sensitivity: 1, epsilon: .zero) }
        let sampler = try DiscreteLaplace(sensitivity: 2, epsilon: try Rational(1, 24))
        #expect(sampler.scaleNumerator == 48 && sampler.scaleDenominator == 1)
    }
}
