import TacitAPI
import ArgumentParser
import Foundation
import TacitPolicy

extension Tacit {
    /// `tacit policy check|eval|scenarios|base`: offline tools for policy authors.
    struct PolicyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Check, try out and read Tacit's confidentiality policies (offline).",
            discussion: """
            Examples:
              tacit policy check site.cedar
              tacit policy scenarios | head -1 | tacit policy eval
              tacit policy base
            """,
            subcommands: [Check.self, Eval.self, Scenarios.self, Base.self, SchemaJSON.self]
        )
    }
}

extension Tacit.PolicyCommand {
    /// `tacit policy check FILE`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate an operator policy file on top of the base policy, as `tacit serve --policy` would.",
            discussion: """
            Prints each problem as FILE:LINE:COLUMN: MESSAGE. Exit status: 0 when the file loads, \
            1 when it has problems or cannot be read.

            Example:
              tacit policy check /etc/tacit/operator.cedar
            """
        )

        @Argument(help: "The operator policy file (Cedar text).")
        var file: String

        func run() async throws {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                FileHandle.standardError.write(Data("\(file): cannot read the file: \(Secrets.unreadable(file))\n".utf8))
                throw ExitCode(1)
            }
            let problems = PolicySet.problems(inOperatorPolicy: text)
            guard problems.isEmpty else {
                for problem in problems {
                    let at = problem.location.map { "\($0.line):\($0.column): " } ?? " "
                    print("\(file):\(at)\(problem.message)")
                }
                let count = problems.count.counted("problem", "problems")
                FileHandle.standardError.write(Data("\(file): \(count)\n".utf8))
                throw ExitCode(1)
            }
            for warning in PolicySet.warnings(inOperatorPolicy: text) {
                let at = warning.location.map { "\($0.line):\($0.column): " } ?? " "
                print("\(file):\(at)warning: \(warning.message)")
            }
            let added = (try? PolicySet.load(operator: text).policies.count).map { $0 - PolicySet.base.policies.count } ?? 0
            print("\(file): ok (\(added) \(added == 1 ? "policy" : "policies") on top of the base policy's \(PolicySet.base.policies.count))")
        }
    }

    /// `tacit policy eval`.
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide requests given as JSON lines on standard input; one JSON line out per line in.",
            discussion: """
            Each input line is a JSON object:
              request   {"principal": P, "action": A, "resource": R, "context": {…}}
                        where P, A, R are "Type::\\"id\\"" or {"type": …, "id": …}
              entities  Cedar's entity JSON: [{"uid": …, "attrs": {…}, "parents": […]}]
              operator  policy text layered on the base policy (optional)
              policies  policy text used instead of the base policy (optional)
              validate  false to skip the schema check (default true)
            Policies without @id are named policy0, policy1, … in file order.
            Each output line is
              {"decision": "allow"|"deny", "determining": [ids],
               "errors": [{"policy": id, "message": …}]}
            or {"error": message} when the line cannot be decided.
            Exit status: 0 when every line was decided, 1 when some line was not.

            Example:
              tacit policy scenarios | tacit policy eval
            """
        )

        func run() async throws {
            var evaluator = LineEvaluator()
            var failures = 0
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            while let line = readLine(strippingNewline: true) {
                if line.allSatisfy(\.isWhitespace) { continue }
                let output: JSONValue
                do {
                    output = try evaluator.decide(line)
                } catch {
                    failures += 1
                    output = .object(["error": .string(error.description)])
                }
                let data = try encoder.encode(output)
                StandardOutput.write(data + Data("\n".utf8))
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    /// `tacit policy scenarios`.
    struct Scenarios: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the base policy's worked examples as `tacit policy eval` input lines, with the expected answers.",
            discussion: "Example:\n  tacit policy scenarios | head -n 1 | tacit policy eval"
        )

        func run() async throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let entities = JSONValue.array(PolicyScenarios.entities.all.sorted { $0.uid.description < $1.uid.description }.map(CedarJSON.json))
            for scenario in PolicyScenarios.all {
                let set = try PolicySet.load(operator: scenario.operatorPolicy)
                let request = scenario.request
                var line: [String: JSONValue] = [
                    "name": .string(scenario.name),
                    "entities": entities,
                    "request": .object([
                        "principal": CedarJSON.json(request.principal), "action": CedarJSON.json(request.action),
                        "resource": CedarJSON.json(request.resource),
                        "context": .object(request.context.mapValues(CedarJSON.json)),
                    ]),
                    "expected": .object([
                        "decision": .string(scenario.expected.rawValue),
                        "determining": .array(scenario.determining.map(JSONValue.string)),
                    ]),
                    "policyList": .array(set.policies.map {
                        .object(["id": .string($0.id), "effect": .string($0.effect.rawValue)])
                    }),
                ]
                if let text = scenario.operatorPolicy { line["operator"] = .string(text) }
                print(String(decoding: try encoder.encode(JSONValue.object(line)), as: UTF8.self))
            }
        }
    }

    /// `tacit policy base`.
    struct Base: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the base policy compiled into this build.",
            discussion: "Example:\n  tacit policy base > base.cedar"
        )

        func run() async throws {
            print(PolicySet.baseText, terminator: PolicySet.baseText.hasSuffix("\n") ? "" : "\n")
        }
    }

    /// `tacit policy schema`.
    struct SchemaJSON: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the schema policies are validated against, in Cedar's JSON schema format.",
            discussion: "Example:\n  tacit policy schema > tacit.cedarschema.json"
        )

        func run() async throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Schema.tacit.cedarJSON), as: UTF8.self))
        }
    }
}
