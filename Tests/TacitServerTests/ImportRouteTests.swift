import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TacitAPI
import TacitVault
@testable import TacitServer

/// `POST /v1/entries/import`: entries written elsewhere keep their dates, their ISO weeks and their
/// text; a refused import writes nothing.
@Suite struct ImportRouteTests {
    /// The organisation of `DaemonFlowTests`, a cycle in north, and the clock in its practice weeks.
    static func organiseInPractice(_ test: TestDaemon, _ client: any TestClientProtocol) async throws -> (DaemonFlowTests.Organisation, CycleInfo) {
        var org = try await DaemonFlowTests.organise(test, client)
        let scheduled = try await org.members["fiona"]!.call(.post, "/v1/cycles", json: CycleCreateRequest(
            group: "north", session1: date("2026-03-02T09:00:00Z"), session2: date("2026-04-06T09:00:00Z"), topics: []))
        #expect(scheduled.status == .created)
        let cycle = try org.olivia.decode(CycleInfo.self, scheduled)
        try test.setTime("2026-03-10T10:00:00Z")
        try await org.loginAgain()
        return (org, cycle)
    }

    static func entries(_ api: API) async throws -> [EntrySummary] {
        try api.decode(EntryList.self, try await api.call(.get, "/v1/entries?limit=5000")).entries
    }

    @Test func datesWeeksAndContentSurvive() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, cycle) = try await Self.organiseInPractice(test, client)
            let ali = org.members["ali"]!
            let originals = [
                ImportedEntry(title: "Standup", body: "Let Sam run it.\n\nHe did.", tags: ["work"], topic: "Delegation",
                              created: date("2024-01-02T09:00:00Z"), kind: "practice"),
                // ISO weeks at year ends: 1 January 2023 is in 2022-W52, 31 December 2020 in 2020-W53.
                ImportedEntry(title: "New year", body: "Quiet.", created: date("2023-01-01T12:00:00Z"), kind: "note"),
                ImportedEntry(body: "No title, no tags.", created: date("2020-12-31T23:30:00Z")),
            ]
            let response = try await ali.call(.post, "/v1/entries/import", json: EntryImportRequest(entries: originals))
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect(try ali.decode(EntryImportResponse.self, response) == EntryImportResponse(imported: 3))

            let listed = try await Self.entries(ali)
            #expect(listed.map(\.created) == originals.map(\.created), "newest first, with the original dates")
            let weeks = ["2024-W01", "2022-W52", "2020-W53"]
            for ((summary, original), week) in zip(zip(listed, originals), weeks) {
                let entry = try ali.decode(EntryResponse.self, try await ali.call(.get, "/v1/entries/\(summary.id.uuidString)"))
                #expect(entry.title == original.title)
                #expect(entry.body == original.body, "the body is what was imported, nothing appended")
                #expect(entry.tags == original.tags)
                #expect(entry.topic == original.topic)
                #expect(entry.created == original.created)
                #expect(entry.cycle == cycle.id)
                let metadata = try #require(try await test.daemon.vault.entryMetadata(EntryID(summary.id)))
                #expect(metadata.isoWeek == week)
            }
            // An explicit kind is kept; none follows the cycle's phase, as for a write.
            #expect(listed.map(\.kind) == ["practice", "note", "practice"])

            // One audit record for the import: the count, no content, no per-entry writes.
            try await Task.sleep(for: .milliseconds(50))
            await test.daemon.state.audit.flush()
            let records = try ali.decode([AuditRecordInfo].self, try await ali.call(.get, "/v1/audit"))
            let imports = records.filter { $0.action == "importEntries" }
            #expect(imports.count == 1)
            #expect(imports.first?.resource == "3 entries")
            #expect(imports.first?.decision == "allow")
            #expect(!records.contains { $0.action == "writeEntry" })
        }
    }

    @Test func tooManyOrBadEntriesAreRefusedAndNothingIsWritten() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, _) = try await Self.organiseInPractice(test, client)
            let ali = org.members["ali"]!
            let good = ImportedEntry(title: "fine", body: "fine", created: date("2025-06-01T08:00:00Z"))

            let many = EntryImportRequest(entries: Array(repeating: good, count: EntryImportRequest.maximumEntries + 1))
            let tooMany = try await ali.call(.post, "/v1/entries/import", json: many)
            #expect(tooMany.status == .contentTooLarge)
            #expect(try ali.decode(APIErrorBody.self, tooMany).error.message.contains("at most 1000"))

            func refused(_ request: EntryImportRequest, naming expected: [String]) async throws {
                let response = try await ali.call(.post, "/v1/entries/import", json: request)
                #expect(response.status == .badRequest)
                let message = try ali.decode(APIErrorBody.self, response).error.message
                for text in expected { #expect(message.contains(text), "\(message)") }
            }
            // The daemon's clock says 2026-03-10; a bad entry after good ones still refuses them all.
            try await refused(EntryImportRequest(entries: [good, ImportedEntry(body: "later", created: date("2026-03-11T00:00:00Z"))]),
                              naming: ["entries[1]", "future"])
            try await refused(EntryImportRequest(entries: [good, good, ImportedEntry(body: "old", created: date("1969-12-31T00:00:00Z"))]),
                              naming: ["entries[2]", "1970"])
            try await refused(EntryImportRequest(entries: [good, ImportedEntry(body: "x", created: good.created, kind: "diary")]),
                              naming: ["entries[1]", "kind"])
            try await refused(EntryImportRequest(entries: []), naming: ["at least one"])

            // Unparseable and missing dates, and unknown fields, are refused by the strict decoder.
            for (raw, expected) in [
                (#"{"entries": [{"body": "a", "created": "2025-01-01"}, {"body": "b", "created": "last tuesday"}]}"#, "entries[1].created"),
                (#"{"entries": [{"body": "a"}]}"#, "created"),
                (#"{"entries": [{"body": "a", "created": "2025-01-01", "mood": "fine"}]}"#, "mood"),
            ] {
                let response = try await ali.call(.post, "/v1/entries/import", raw: raw)
                #expect(response.status == .badRequest)
                let message = try ali.decode(APIErrorBody.self, response).error.message
                #expect(message.contains(expected), "\(message)")
            }
            #expect(try await Self.entries(ali).isEmpty)

            // Without a session: 401.
            let anonymous = try await org.anonymous.call(.post, "/v1/entries/import", json: EntryImportRequest(entries: [good]))
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func theImportIsDecidedAsAWriteIs() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (organisation, cycle) = try await Self.organiseInPractice(test, client)
            var org = organisation
            let request = EntryImportRequest(entries: [ImportedEntry(body: "notes", created: date("2025-06-01T08:00:00Z"))],
                                             cycle: cycle.id)
            // Compliance keeps no journal: the policy refuses, and nothing is written.
            let carl = org.members["carl"]!
            let denied = try await carl.call(.post, "/v1/entries/import", json: request)
            #expect(denied.status == .forbidden)
            #expect(carl.errorCode(denied) == "denied")
            // The operator neither.
            let operatorImport = try await org.olivia.call(.post, "/v1/entries/import", json: request)
            #expect(operatorImport.status == .forbidden)
            // Naming no cycle changes nothing for staff, who are in none: the policy refuses, as for a
            // write (a member in no cycle is told 409 no-cycle: DaemonFlowTests).
            let noCycle = try await carl.call(.post, "/v1/entries/import", json: EntryImportRequest(entries: request.entries))
            #expect(noCycle.status == .forbidden)
            #expect(try carl.decode(APIErrorBody.self, noCycle).error.policies?.contains("staff-and-content") == true)

            // A closed cycle takes no imports, as it takes no writes.
            try test.setTime("2026-04-20T08:00:00Z")
            try await org.loginAgain()
            let closed = try await org.members["ali"]!.call(.post, "/v1/entries/import", json: request)
            #expect(closed.status == .forbidden)
            #expect(try org.olivia.decode(APIErrorBody.self, closed).error.policies?.contains("closed-cycle") == true)
            #expect(try await Self.entries(org.members["ali"]!).isEmpty)

            try await Task.sleep(for: .milliseconds(50))
            await test.daemon.state.audit.flush()
            let records = try await test.daemon.vault.auditRecords { $0.action == "writeEntry" && $0.decision == "deny" }
            #expect(records.count == 4)
        }
    }
}
