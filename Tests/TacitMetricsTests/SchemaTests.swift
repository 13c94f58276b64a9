import Foundation
import Testing
import TacitCrypto
@testable import TacitMetrics

@Suite struct SchemaTests {
    static func release() async throws -> MetricsExport {
        try await Fixture.exporter().export(period: Fixture.period) { Fixture.input(sizes: [5, 6, 7, 4]) }
    }

    static func edited(_ json: [UInt8], _ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var object = try JSONSerialization.jsonObject(with: Data(json)) as! [String: Any]
        edit(&object)
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    @Test func theJSONRoundTripsByteForByte() async throws {
        let export = try await Self.release()
        let decoded = try MetricsRelease(jsonBytes: export.json.bytes)
        #expect(decoded == export.release)
        #expect(decoded.jsonBytes() == export.json.bytes)
        #expect(decoded.csvBytes() == export.csv.bytes)
        #expect(decoded.htmlBytes() == export.html.bytes)
    }

    @Test func theJSONHasExactlyTheSchemasKeys() async throws {
        let export = try await Self.release()
        let object = try JSONSerialization.jsonObject(with: Data(export.json.bytes)) as! [String: Any]
        #expect(Set(object.keys) == ["schema", "period", "madeOn", "status", "withheldBecause", "cohort", "groups", "cells", "privacy"])
        #expect(object["schema"] as? String == "tacit-metrics/1")
        for cell in object["cells"] as! [[String: Any]] {
            #expect(Set(cell.keys) == ["metric", "value", "epsilon", "sensitivity"])
            #expect(cell["value"] is Int)
        }
        let privacy = object["privacy"] as! [String: Any]
        #expect(Set(privacy.keys) == ["mechanism", "epsilonSpent", "budget", "budgetLeft", "minimumGroupMembers",
                                       "minimumCohortGroups", "minimumCohortMembers"])
    }

    @Test func decodingRefusesAnythingOutsideTheClosedSchema() async throws {
        let json = try await Self.release().json.bytes
        let edits: [(String, (inout [String: Any]) -> Void)] = [
            ("unknown top-level key", { $0["note"] = "free text" }),
            ("unknown cell key", { var cells = $0["cells"] as! [[String: Any]]; cells[4]["member"] = "x"; $0["cells"] = cells }),
            ("unknown privacy key", { var p = $0["privacy"] as! [String: Any]; p["raw"] = 1; $0["privacy"] = p }),
            ("missing key", { $0.removeValue(forKey: "groups") }),
            ("another schema", { $0["schema"] = "tacit-metrics/2" }),
            ("unknown metric", { var cells = $0["cells"] as! [[String: Any]]; cells[4]["metric"] = "member-rows"; $0["cells"] = cells }),
            ("negative value", { var cells = $0["cells"] as! [[String: Any]]; cells[5]["value"] = -1; $0["cells"] = cells }),
            ("cells reordered", { var cells = $0["cells"] as! [[String: Any]]; cells.swapAt(4, 5); $0["cells"] = cells }),
            ("a cell dropped", { var cells = $0["cells"] as! [[String: Any]]; cells.removeLast(); $0["cells"] = cells }),
            ("ε spent altered", { var p = $0["privacy"] as! [String: Any]; p["epsilonSpent"] = "1/4"; $0["privacy"] = p }),
            ("a decimal ε", { var cells = $0["cells"] as! [[String: Any]]; cells[4]["epsilon"] = 0.5; $0["cells"] = cells }),
            ("a fractional value", { var cells = $0["cells"] as! [[String: Any]]; cells[4]["value"] = 2.5; $0["cells"] = cells }),
            ("a group id instead of a pseudonym", { $0["groups"] = [UUID().uuidString] }),
            ("a bad month", { $0["period"] = "2026-13" }),
        ]
        for (what, edit) in edits {
            let bytes = try Self.edited(json, edit)
            #expect(throws: MetricsError.self, "\(what) was accepted") { try MetricsRelease(jsonBytes: bytes) }
        }
    }

    @Test func theCSVColumnsAreTheFixedSet() async throws {
        let export = try await Self.release()
        let lines = export.csv.bytes.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first.map(String.init) == MetricsRelease.csvColumns.joined(separator: ","))
        #expect(MetricsRelease.csvColumns == ["schema", "period", "made_on", "status", "cohort", "metric", "value",
                                              "epsilon_numerator", "epsilon_denominator", "sensitivity"])
        #expect(lines.last == "")
        let rows = lines.dropFirst().dropLast().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == MetricID.allCases.count)
        for row in rows {
            #expect(row.count == MetricsRelease.csvColumns.count)
            #expect(row[0] == "tacit-metrics/1" && row[1] == "2026-03" && row[2] == "2026-04-02" && row[3] == "released")
            #expect(MetricID(rawValue: row[5]) != nil)
            for integer in row[6...9] { #expect(Int(integer) != nil && !integer.hasPrefix("-")) }
            // Nothing a spreadsheet would take for a formula.
            #expect(row.allSatisfy { !["=", "+", "-", "@"].contains($0.first.map(String.init) ?? "") })
        }
    }

    @Test func renderingIsDeterministic() async throws {
        let release = try await Self.release().release
        #expect(release.jsonBytes() == release.jsonBytes())
        #expect(release.csvBytes() == release.csvBytes())
        #expect(release.htmlBytes() == release.htmlBytes())
    }

    /// The metadata types have no field that could hold a title, body, tag or topic: only ids,
    /// dates, kinds, ISO weeks and the time zone. A canary placed in content has nowhere to go.
    @Test func theInputCannotCarryContent() throws {
        func fields(_ value: Any) -> [String: String] {
            Dictionary(uniqueKeysWithValues: Mirror(reflecting: value).children.map { ($0.label ?? "?", "\(type(of: $0.value))") })
        }
        let group = Fixture.group(size: 5)
        let input = Fixture.input(groups: [group])
        #expect(fields(input) == ["groups": "Array<GroupFacts>", "entries": "Array<EntryFacts>",
                                  "shares": "Array<ShareFacts>", "timeZone": "TimeZone"])
        #expect(fields(group) == ["id": "UUID", "memberIDs": "Array<UUID>", "cycles": "Array<CycleFacts>"])
        #expect(fields(group.cycles[0]) == ["id": "UUID", "session1": "Date", "session2": "Date"])
        #expect(fields(input.entries[0]) == ["author": "UUID", "group": "UUID", "cycle": "Optional<UUID>",
                                             "kind": "EntryKind", "isoWeek": "ISOWeek"])
        #expect(fields(input.shares[0]) == ["author": "UUID", "group": "UUID", "isoWeek": "ISOWeek"])
        #expect(fields(input.entries[0].isoWeek) == ["year": "Int", "week": "Int"])
    }

    @Test func noIdAppearsInAnyFileSignatureOrLog() async throws {
        let logs = CapturedLogs()
        let input = Fixture.input(sizes: [5, 6, 7, 4])
        let export = try await Fixture.exporter(logger: logs.logger).export(period: Fixture.period) { input }
        var ids = input.groups.flatMap { [$0.id] + $0.memberIDs + $0.cycles.map(\.id) }
        ids += input.entries.map(\.author)
        let outputs = ExportFormat.allCases.flatMap { [export.file($0).bytes, export.file($0).signature] } + [Array(logs.text.utf8)]
        #expect(!logs.text.isEmpty)
        for output in outputs {
            let text = output.text.lowercased()
            let hex = output.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
            for id in Set(ids) {
                #expect(!text.contains(id.uuidString.lowercased()))
                #expect(!text.contains(id.uuidString.lowercased().replacingOccurrences(of: "-", with: "")))
                let raw = withUnsafeBytes(of: id.uuid) { Array($0) }
                #expect(!hex.contains(raw.map { String($0, radix: 16).leftPadded(to: 2) }.joined()))
            }
        }
    }

    @Test func pseudonymsCannotBeLinkedAcrossExports() async throws {
        let input = Fixture.input(sizes: [5, 6, 7])
        let clock = TestClock("2026-04-01")
        let exporter = Fixture.exporter(clock: clock)
        let first = try await exporter.export(period: Fixture.period) { input }
        clock.set("2026-04-02")
        let second = try await exporter.export(period: Fixture.period) { input }
        #expect(first.release.groups.count == 3)
        #expect(Set(first.release.groups).isDisjoint(with: second.release.groups))
        #expect(first.release.cohort != second.release.cohort)
        #expect(first.release.groups.allSatisfy { MetricsRelease.isPseudonym($0, prefix: "g-") })
    }

    @Test func onlyTheClosedSetCanBeAskedFor() {
        // No cell, format or setting names a raw count, a per-member row or content: a compliance
        // request for them cannot be expressed to this module (the daemon's policy also denies it).
        for asked in ["member-rows", "entries", "raw-counts", "titles", "members-wrote-by-group"] {
            #expect(MetricID(rawValue: asked) == nil)
        }
        #expect(ExportFormat.allCases.map(\.rawValue) == ["json", "csv", "html"])
        #expect(MetricID.noisy.count == 12)
    }
}
