import Foundation
import Testing
@testable import TacitMetrics

@Suite struct RationalTests {
    @Test func parsesFractionsAndWholeNumbers() throws {
        #expect(try Rational(parsing: "1/10") == Rational(1, 10))
        #expect(try Rational(parsing: "2/4").description == "1/2")
        #expect(try Rational(parsing: "3").description == "3")
        #expect(try Rational(parsing: "1000000/1000000") == .one)
    }

    @Test(arguments: ["0", "0/5", "-1/2", "1/0", "1/-2", "0.5", ".5", "1e3", "abc", "", "/", "1/", "/2",
                      "1/2/3", " 1/2", "1/2 ", "+1/2", "1000001/2", "1/1000001", "１/2"])
    func refusesMalformedOrNonPositive(text: String) {
        #expect(throws: MetricsError.self) { try Rational(parsing: text) }
    }

    @Test func arithmeticIsExact() throws {
        let twelfths = try Rational.sum(Array(repeating: try Rational(1, 24), count: 12))
        #expect(twelfths == Rational.half)
        #expect(try Rational(1, 3).adding(try Rational(1, 6)) == Rational.half)
        #expect(try Rational.one.subtracting(try Rational(1, 3)) == (try Rational(2, 3)))
        #expect(throws: MetricsError.self) { try Rational(1, 3).subtracting(.one) }
        #expect(try Rational(1, 10) < (try Rational(1, 9)))
        #expect(!(try Rational(999_999, 1_000_000) < (try Rational(999_998, 999_999))))
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsAreTheDesignsThresholdsAndAHalfPerRelease() {
        let standard = MetricsConfiguration.standard
        #expect(standard.minimumGroupMembers == 5)
        #expect(standard.minimumCohortGroups == 3)
        #expect(standard.minimumCohortMembers == 15)
        #expect(standard.monthlyBudget == .one)
        #expect(standard.releaseEpsilon == Rational.half)
        #expect(Set(standard.epsilon.keys) == Set(MetricID.noisy))
    }

    @Test func thresholdsMayBeRaised() throws {
        let json = #"{"minimumGroupSize": 6, "minimumCohortGroups": 4, "minimumCohortMembers": 30}"#
        let raised = try MetricsConfiguration(json: Data(json.utf8))
        #expect(raised.minimumGroupMembers == 6 && raised.minimumCohortGroups == 4 && raised.minimumCohortMembers == 30)
    }

    @Test(arguments: [
        (#"{"minimumGroupSize": 4}"#, "metrics.minimumGroupSize"),
        (#"{"minimumCohortGroups": 2}"#, "metrics.minimumCohortGroups"),
        (#"{"minimumCohortMembers": 14}"#, "metrics.minimumCohortMembers"),
        (#"{"minimumCohortMembers": 15.5}"#, "metrics.minimumCohortMembers"),
        (#"{"minimumCohortMembers": true}"#, "metrics.minimumCohortMembers"),
        (#"{"minimumGroupSize": 5.0}"#, "metrics.minimumGroupSize"),
        (#"{"minimumGroupMembers": 6}"#, "metrics.minimumGroupMembers"),
        (#"{"epsilon": {"members-by-kind": "0"}}"#, "metrics.epsilon.members-by-kind"),
        (#"{"epsilon": {"members-by-band": "1/4", "members-band-0": "1/24"}}"#, "metrics.epsilon.members-by-band"),
        (#"{"epsilon": {"members-wrote": "0"}}"#, "metrics.epsilon.members-wrote"),
        (#"{"epsilon": {"members-wrote": "-1/2"}}"#, "metrics.epsilon.members-wrote"),
        (#"{"epsilon": {"members-wrote": "1/0"}}"#, "metrics.epsilon.members-wrote"),
        (#"{"epsilon": {"members-wrote": 0.5}}"#, "metrics.epsilon.members-wrote"),
        (#"{"epsilon": {"members-wrote": "half"}}"#, "metrics.epsilon.members-wrote"),
        (#"{"epsilon": {"members-wrote": "11"}}"#, "metrics.epsilon.members-wrote"),
        (#"{"epsilon": {"member-rows": "1/2"}}"#, "metrics.epsilon.member-rows"),
        (#"{"epsilon": {"members": "1/2"}}"#, "metrics.epsilon.members"),
        (#"{"epsilon": ["1/2"]}"#, "metrics.epsilon"),
        (#"{"monthlyBudget": "0"}"#, "metrics.monthlyBudget"),
        (#"{"monthlyBudget": "1/4"}"#, "metrics.monthlyBudget"),
        (#"{"monthlyBudget": 1}"#, "metrics.monthlyBudget"),
    ])
    func refusedNamingTheKey(json: String, key: String) {
        do {
            _ = try MetricsConfiguration(json: Data(json.utf8))
            Issue.record("accepted \(json)")
        } catch let error as MetricsError {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("`\(key)`"), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func epsilonPerCellAndBudgetFromTheFile() throws {
        let json = #"{"monthlyBudget": "2", "epsilon": {"members-wrote": "1/10", "cycles-completed": "1/5"}}"#
        let config = try MetricsConfiguration(json: Data(json.utf8), keyPath: "")
        #expect(config.epsilon[.membersWrote] == (try Rational(1, 10)))
        #expect(config.epsilon[.cyclesCompleted] == (try Rational(1, 5)))
        #expect(config.epsilon[.membersShared] == MetricsConfiguration.defaultEpsilon)
        #expect(config.monthlyBudget == (try Rational(2, 1)))
        // 10 × 1/24 + 1/10 + 1/5 = 5/12 + 3/10 = 43/60
        #expect(config.releaseEpsilon == (try Rational(43, 60)))
    }

    @Test func familiesSplitTheirEpsilonOverTheirCells() throws {
        // The daemon's configuration file names families; these are its defaults, which sum to 1.
        let json = #"""
        {"epsilon": {"members-wrote": "1/8", "members-shared": "1/8", "members-by-kind": "1/4",
                     "members-by-band": "1/4", "cycles-completed": "1/4"}}
        """#
        let config = try MetricsConfiguration(json: Data(json.utf8))
        #expect(config.epsilon[.membersWroteNote] == (try Rational(1, 20)))
        #expect(config.epsilon[.membersBand6Plus] == (try Rational(1, 16)))
        #expect(config.releaseEpsilon == .one)
    }
}
