import Foundation
import Logging
import Testing
import TacitVault
@testable import TacitServer
import TacitMetrics

@Suite struct ConfigurationTests {
    func problem(_ json: String) -> String? {
        do {
            _ = try Configuration.parse(Data(json.utf8))
            return nil
        } catch {
            return (error as? Configuration.Problem)?.key ?? "\(error)"
        }
    }

    @Test func defaultsAndValidValuesLoad() throws {
        #expect(try Configuration.parse(Data("{}".utf8)) == Configuration())
        let custom = try Configuration.parse(Data(#"{"sessionIdleSeconds": 300, "metrics": {"minimumCohortMembers": 20, "monthlyBudget": "2"}}"#.utf8))
        #expect(custom.sessionIdleSeconds == 300)
        #expect(custom.metrics.minimumCohortMembers == 20)
        #expect(custom.metrics.monthlyBudget == (try Rational(2, 1)))
        #expect(try Configuration.parse(Data(#"{"connectionIdleSeconds": 30}"#.utf8)).connectionIdleSeconds == 30)
        #expect(try Configuration.parse(Data(#"{"testing": true, "connectionIdleSeconds": 1}"#.utf8)).connectionIdleSeconds == 1)
    }

    @Test func eachMistakeNamesItsKey() {
        #expect(problem(#"{"colour": 1}"#) == "colour")
        #expect(problem(#"{"sessionIdleSeconds": 5}"#) == "sessionIdleSeconds")
        #expect(problem(#"{"sessionIdleSeconds": "600"}"#) == "sessionIdleSeconds")
        #expect(problem(#"{"connectionIdleSeconds": 1}"#) == "connectionIdleSeconds")
        #expect(problem(#"{"connectionIdleSeconds": 3601}"#) == "connectionIdleSeconds")
        #expect(problem(#"{"testing": 1}"#) == "testing")
        #expect(problem(#"{"metrics": {"minimumGroupSize": 4}}"#) == "metrics.minimumGroupSize")
        #expect(problem(#"{"metrics": {"minimumCohortGroups": 2}}"#) == "metrics.minimumCohortGroups")
        #expect(problem(#"{"metrics": {"minimumCohortMembers": 14}}"#) == "metrics.minimumCohortMembers")
        #expect(problem(#"{"metrics": {"epsilon": {"members-by-kind": "0/1"}}}"#) == "metrics.epsilon.members-by-kind")
        #expect(problem(#"{"metrics": {"epsilon": {"members-by-kind": "-1/2"}}}"#) == "metrics.epsilon.members-by-kind")
        #expect(problem(#"{"metrics": {"epsilon": {"members-by-kind": 0.5}}}"#) == "metrics.epsilon.members-by-kind")
        #expect(problem(#"{"metrics": {"epsilon": {"everything": "1/2"}}}"#) == "metrics.epsilon.everything")
        #expect(problem(#"{"metrics": 3}"#) == "metrics")
        #expect(problem(#"{"metrics": {"monthlyBudget": "one"}}"#) == "metrics.monthlyBudget")
        #expect(problem(#"{"scryptLog2N": 10}"#) == "scryptLog2N")
        #expect(problem(#"{"testing": true, "scryptLog2N": 10}"#) == nil)
        #expect(problem("[1]") == "(file)")
    }

    /// A key given twice would leave one value silently unused: refused, naming the key.
    @Test func aRepeatedKeyIsRefused() {
        #expect(problem(#"{"testing": false, "sessionIdleSeconds": 600, "testing": true}"#) == "testing")
        #expect(problem(#"{"metrics": {"minimumCohortMembers": 20, "minimumCohortMembers": 15}}"#) == "metrics.minimumCohortMembers")
        #expect(problem(#"{"metrics": {"epsilon": {"members-wrote": "1/8", "members-wrote": "1/2"}}}"#) == "metrics.epsilon.members-wrote")
        do {
            _ = try Configuration.parse(Data(#"{"sessionIdleSeconds": 300, "sessionIdleSeconds": 600}"#.utf8))
            Issue.record("a repeated key loaded")
        } catch {
            #expect("\(error)" == "configuration: sessionIdleSeconds: appears more than once; give each key once")
        }
        // The same name in two different objects is two keys.
        #expect(problem(#"{"metrics": {"epsilon": {"members-wrote": "1/8"}}, "testing": true, "scryptLog2N": 10}"#) == nil)
    }

    /// A file that is not a JSON object is named, not called "(file)".
    @Test func aFileThatIsNotAnObjectIsNamed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tacit-\(UUID().uuidString).json")
        try Data("[1]\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: Configuration.Problem(key: file.path, message: "not a JSON object")) {
            try Configuration.load(contentsOf: file)
        }
        #expect("\(Configuration.Problem(key: file.path, message: "not a JSON object"))" == "configuration: \(file.path): not a JSON object")
    }

    /// Strict JSON, as the docs say: a trailing comma is refused (Foundation's decoder took it), and
    /// a syntax error says where it is.
    @Test func aConfigurationIsStrictJSONAndSyntaxErrorsSayWhere() throws {
        #expect(throws: Configuration.Problem(key: "tacit.json", message: "not valid JSON at line 1, column 37")) {
            try Configuration.parse(Data(#"{"testing": true, "scryptLog2N": 10,}"#.utf8), file: "tacit.json")
        }
        #expect(throws: Configuration.Problem(key: "tacit.json", message: "not valid JSON at line 2, column 3")) {
            try Configuration.parse(Data("{\n  testing: true}".utf8), file: "tacit.json")
        }
        #expect(try Configuration.parse(Data(#"{"testing": true, "scryptLog2N": 10}"#.utf8)).testing)
    }

    /// The start-up line calls scrypt fast only when it is.
    @Test func theTestNoticeSaysWhatScryptCosts() async throws {
        let full = try await TestDaemon(scryptLog2N: 17)
        #expect(full.daemon.notices.contains(
            "TEST CONFIGURATION: --clock is allowed (scrypt keeps a production cost here, N=2^17); never use this for real journals"),
            "\(full.daemon.notices)")
        #expect(!full.daemon.notices.contains { $0.contains("fast scrypt") })
        await full.daemon.shutDown()
        let fast = try await TestDaemon(scryptLog2N: 10)
        #expect(fast.daemon.notices.contains(
            "TEST CONFIGURATION: fast scrypt (N=2^10) and --clock are allowed; never use this for real journals"), "\(fast.daemon.notices)")
        await fast.daemon.shutDown()
        #expect(try Configuration.parse(Data("{}".utf8)).testingNotice == nil)
    }

    @Test func anUnknownKeyIsShownTheKnownOnes() {
        for json in [#"{"epsilon": "1/2"}"#, #"{"metrics": {"epsilon": {"members-by-kind": "1/2"}, "budget": "2"}}"#] {
            do {
                _ = try Configuration.parse(Data(json.utf8))
                Issue.record("\(json) loaded")
            } catch {
                #expect("\(error)".contains("unknown key") || "\(error)".contains("not a known setting"), "\(error)")
                #expect("\(error)".contains(json.contains("budget") ? "monthlyBudget" : "metrics"), "\(error)")
            }
        }
    }

    @Test func theMessageSaysWhatIsWrong() {
        do {
            _ = try Configuration.parse(Data(#"{"metrics": {"minimumGroupSize": 3}}"#.utf8))
            Issue.record("a lowered threshold loaded")
        } catch {
            #expect("\(error)" == "configuration: metrics.minimumGroupSize: may be raised from 5, never lowered; got 3")
        }
        // A number in quotes is told apart from a fraction ("must be a whole number" for both had puzzled).
        for (json, said) in [(#"{"sessionIdleSeconds": "600"}"#, "got a string (write the number without quotes)"),
                             (#"{"sessionIdleSeconds": 600.5}"#, "got a fraction")] {
            do {
                _ = try Configuration.parse(Data(json.utf8))
                Issue.record("\(json) loaded")
            } catch {
                #expect("\(error)" == "configuration: sessionIdleSeconds: must be a whole number 60…86400; \(said)", "\(error)")
            }
        }
    }

    /// Every group size the configuration accepts starts a daemon (a maximum of 3 or 4, or a minimum
    /// of 7, had made the recommended range 5...4 and stopped the daemon with a Swift trap), and the
    /// recommended size stays inside the allowed ones.
    @Test func everyAcceptedGroupSizeStarts() throws {
        for minimum in 3...8 {
            for maximum in minimum...8 {
                let json = #"{"groupMinimum": \#(minimum), "groupMaximum": \#(maximum)}"#
                let vault = try Daemon.vaultConfiguration(try Configuration.parse(Data(json.utf8)), clock: .system,
                                                          logger: Logger(label: "test"))
                #expect(vault.groupSize.allowed == minimum...maximum)
                let recommended = vault.groupSize.recommended
                #expect(vault.groupSize.allowed.contains(recommended.lowerBound) && vault.groupSize.allowed.contains(recommended.upperBound))
                let expected = maximum < 5 ? maximum...maximum : minimum > 6 ? minimum...minimum : max(minimum, 5)...min(maximum, 6)
                #expect(recommended == expected, "\(minimum)...\(maximum)")
            }
        }
        let narrow = try Daemon.vaultConfiguration(try Configuration.parse(Data(#"{"groupMaximum": 4}"#.utf8)), clock: .system,
                                                   logger: Logger(label: "test"))
        #expect(narrow.groupSize.recommended == 4...4)
        #expect(GroupSizeRules().recommended == 5...6)
    }
}
