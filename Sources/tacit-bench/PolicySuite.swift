import Foundation
import TacitPolicy
import TacitSpawn

/// The policy suite: the time of one decision with the base policy over the scenario mix
/// (`PolicyScenarios.all`), and, when the differential test's venv is there, cedarpy's time for the
/// same requests as a reference (which includes Python's overhead).
enum PolicySuite {
    static func run() async throws {
        let entities = PolicyScenarios.entities
        var setsByOperator: [String: Authorizer] = [:]
        let mix: [(PolicyScenario, Authorizer)] = try PolicyScenarios.all.map { scenario in
            let key = scenario.operatorPolicy ?? ""
            if let known = setsByOperator[key] { return (scenario, known) }
            let authorizer = Authorizer(policies: try PolicySet.load(operator: scenario.operatorPolicy))
            setsByOperator[key] = authorizer
            return (scenario, authorizer)
        }

        // Warm up, and check every decision is the expected one: a fast wrong answer is no result.
        for (scenario, authorizer) in mix {
            let decision = authorizer.isAuthorized(scenario.request, entities: entities)
            precondition(decision.effect == scenario.expected && decision.determining == scenario.determining,
                         "scenario \"\(scenario.name)\" decided \(decision)")
        }

        let rounds = 2_000
        var samples: [Double] = []
        var byKind: [String: [Double]] = [:]
        samples.reserveCapacity(rounds * mix.count)
        var allowed = 0
        let started = Measure.now()
        for _ in 0..<rounds {
            for (scenario, authorizer) in mix {
                let t0 = Measure.now()
                let decision = authorizer.isAuthorized(scenario.request, entities: entities)
                let elapsed = (Measure.now() - t0) * 1e6
                if decision.isAllowed { allowed += 1 }
                samples.append(elapsed)
                byKind[scenario.expected.rawValue, default: []].append(elapsed)
            }
        }
        let total = Measure.now() - started
        precondition(allowed > 0)

        print("base policy (\(PolicySet.base.policies.count) policies), \(mix.count) scenarios × \(rounds) rounds, µs per decision")
        var rows: [[String]] = []
        for (label, values) in [("all", samples), ("allow", byKind["allow"] ?? []), ("deny", byKind["deny"] ?? [])] {
            rows.append([label, "\(values.count)", Measure.format(Measure.median(values)),
                         Measure.format(Measure.percentile(values, 0.99)), Measure.format(values.max() ?? 0)])
        }
        Measure.table(["decisions", "count", "median", "p99", "max"], rows)
        print("throughput: \(Int(Double(samples.count) / total)) decisions/s on one core (goal: median ≤ 10 µs)")
        shareRead()
        cedarReference()
    }

    /// The decision the daemon takes on every read of a shared entry, in the daemon's shape: the
    /// entities (reader, entry, share with its audience, author, group, two placeholders) built
    /// from ids for each decision, as `PolicyGate` does, beside the same decision on a store built
    /// once — the difference is what building a request's facts costs.
    private static func shareRead() {
        let ids = (0..<8).map { _ in UUID().uuidString.lowercased() }
        let (reader, author, peer, entry, share, group, cycle) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6])
        let now: Int64 = 1_800_000_000
        func member(_ id: String, role: String = "member") -> Entity {
            Entity(EntityUID("Member", id), attributes: ["role": .string(role), "disabled": .bool(false)],
                   parents: [EntityUID("Group", group)])
        }
        func store() -> Entities {
            Entities([
                member(reader),
                Entity(EntityUID("Entry", entry), attributes: [
                    "author": .entity(EntityUID("Member", author)), "group": .entity(EntityUID("Group", group)),
                    "cycle": .entity(EntityUID("Cycle", cycle)), "deleted": .bool(false),
                ]),
                Entity(EntityUID("Share", share), attributes: [
                    "entry": .entity(EntityUID("Entry", entry)), "author": .entity(EntityUID("Member", author)),
                    "audience": .set([reader, peer].map { .entity(EntityUID("Member", $0)) }),
                    "expiresAt": .long(now + 3600), "revoked": .bool(false),
                ]),
                member(author),
                Entity(EntityUID("Group", group), attributes: ["facilitators": .set([.entity(EntityUID("Member", author))])]),
                Entity(EntityUID("Group", "none"), attributes: ["facilitators": .set([])]),
                Entity(EntityUID("Cycle", "none"), attributes: ["group": .entity(EntityUID("Group", "none")), "phase": .string("none")]),
            ])
        }
        func request() -> Request {
            Request(principal: EntityUID("Member", reader), action: .action("readShared"), resource: EntityUID("Entry", entry),
                    context: ["share": .entity(EntityUID("Share", share)), "now": .long(now)])
        }
        let authorizer = Authorizer()
        let prebuilt = store(), prebuiltRequest = request()
        precondition(authorizer.isAuthorized(prebuiltRequest, entities: prebuilt).determining == ["audience-reads-share"])
        let rounds = 100_000
        var allowed = 0
        let once = Measure.time(iterations: rounds) {
            if authorizer.isAuthorized(prebuiltRequest, entities: prebuilt).isAllowed { allowed += 1 }
        }
        let built = Measure.time(iterations: rounds) {
            if authorizer.isAuthorized(request(), entities: store()).isAllowed { allowed += 1 }
        }
        precondition(allowed == 2 * rounds)
        print("a shared read's decision, entities built for each (as the daemon does): \(Measure.format(built / Double(rounds) * 1e6)) µs; "
              + "on a store built once: \(Measure.format(once / Double(rounds) * 1e6)) µs (\(Measure.format(built / once))×)")
    }

    /// Runs the differential script's cedarpy timing on the same scenarios, if the venv exists.
    private static func cedarReference() {
        let python = ".venv/bin/python"
        let script = "Tests/differential/differential.py"
        let tacit = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tacit").path
        let files = FileManager.default
        guard files.isExecutableFile(atPath: python), files.fileExists(atPath: script), files.isExecutableFile(atPath: tacit) else {
            print("cedarpy reference: skipped (run from the repository root with .venv and a built `tacit`)")
            return
        }
        do {
            let output = try ChildProcess.run(python, [script, "--tacit", tacit, "--requests", "0", "--bench"]).outputText
            for line in output.split(separator: "\n") where line.contains("cedarpy on the scenario mix") {
                print(line.trimmingCharacters(in: .whitespaces))
            }
        } catch {
            print("cedarpy reference: could not run \(python): \(error)")
        }
    }
}
