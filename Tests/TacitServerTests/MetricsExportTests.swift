import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TacitAPI
import TacitMetrics
@testable import TacitServer

@Suite struct MetricsExportTests {
    struct ExportAnswer: Decodable {
        let format: String
        let file: String
        let signature: String
        let charged: Bool
        let `repeat`: Bool
        let withheldBecause: [String]
    }

    /// Three groups of five with a cycle in March 2026, each member writing and some sharing;
    /// every title, body and tag carries `marker`.
    static func organisation(_ test: TestDaemon, _ client: any TestClientProtocol, groups: Int, marker: String) async throws -> API {
        let anonymous = API(client: client)
        let (olivia, _) = try await anonymous.enroll("olivia", code: test.daemon.bootstrapCode!)
        for g in 0..<groups {
            _ = try await olivia.call(.post, "/v1/groups", json: GroupCreateRequest(name: "g\(g)"))
            for m in 0..<5 {
                let role = m == 0 ? "facilitator" : "member"
                let code = try olivia.decode(InvitationResponse.self, try await olivia.call(
                    .post, "/v1/invitations", json: InvitationRequest(name: "m\(g)-\(m)", role: role, group: "g\(g)"))).code
                _ = try await anonymous.enroll("m\(g)-\(m)", code: code)
            }
            let facilitator = try await anonymous.login("m\(g)-0")
            let created = try await facilitator.call(.post, "/v1/cycles", json: CycleCreateRequest(
                group: "g\(g)", session1: date("2026-03-02T09:00:00Z"), session2: date("2026-03-30T09:00:00Z"), topics: [marker]))
            #expect(created.status == .created)
        }
        try test.setTime("2026-03-10T10:00:00Z")
        for g in 0..<groups {
            for m in 0..<5 {
                let member = try await anonymous.login("m\(g)-\(m)")
                let entry = try member.decode(EntryResponse.self, try await member.call(.post, "/v1/entries", json: EntryInput(
                    title: marker, body: "\(marker) body", tags: [marker], topic: marker)))
                if m % 2 == 0 {
                    _ = try await member.call(.post, "/v1/shares", json: ShareRequest(entry: entry.id, group: true, with: [], until: nil))
                }
            }
        }
        let code = try olivia.decode(InvitationResponse.self, try await anonymous.login("olivia").call(
            .post, "/v1/invitations", json: InvitationRequest(name: "carl", role: "compliance", group: nil))).code
        return try await anonymous.enroll("carl", code: code).0
    }

    @Test func complianceExportsASignedReportWithoutContent() async throws {
        let test = try await TestDaemon()
        let marker = "CANARY\(UUID().uuidString.prefix(8))"
        try await test.application.test(.router) { client in
            let carl = try await Self.organisation(test, client, groups: 3, marker: marker)
            var bodies: [String: [UInt8]] = [:]
            for format in ["json", "csv", "html"] {
                let response = try await carl.call(.post, "/v1/metrics/exports", raw: #"{"period": "2026-03", "format": "\#(format)"}"#)
                #expect(response.status == .created, "\(format): \(String(buffer: response.body))")
                let answer = try carl.decode(ExportAnswer.self, response)
                let bytes = [UInt8](Data(base64Encoded: answer.file)!)
                bodies[format] = bytes
                // The detached signature verifies against instance.pub; a changed byte does not.
                let publicKey = [UInt8](try Data(contentsOf: test.home.appendingPathComponent("Keys/instance.pub")))
                try ExportSignature.verify(fileBytes: bytes, signatureFileBytes: Array(answer.signature.utf8),
                                           publicKeyFileBytes: publicKey)
                var tampered = bytes
                tampered[tampered.count / 2] ^= 1
                #expect(throws: MetricsError.self) {
                    try ExportSignature.verify(fileBytes: tampered, signatureFileBytes: Array(answer.signature.utf8),
                                               publicKeyFileBytes: publicKey)
                }
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(!text.contains(marker), "\(format) holds content")
                #expect(!text.contains("m0-1"), "\(format) holds a member's name")
                // The first export of the day is charged; the same day's others return the same release.
                #expect(answer.charged == (format == "json"))
            }
            let again = try carl.decode(ExportAnswer.self, try await carl.call(.post, "/v1/metrics/exports", raw: #"{"period": "2026-03"}"#))
            #expect([UInt8](Data(base64Encoded: again.file)!) == bodies["json"])
            #expect(again.repeat)
            let release = try MetricsRelease(jsonBytes: bodies["json"]!)
            #expect(release.status == .released)
        }
        #expect(!test.logs.text.contains(marker))
    }

    /// A release withheld because the rosters barely changed says so in the answer, whatever the
    /// format, so the CLI can tell the user; it is not charged.
    @Test func aWithheldReleaseSaysWhyInTheAnswer() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let carl = try await Self.organisation(test, client, groups: 3, marker: "x")
            let first = try carl.decode(ExportAnswer.self, try await carl.call(.post, "/v1/metrics/exports", raw: #"{"period": "2026-03"}"#))
            #expect(first.withheldBecause == [] && first.charged)
            // One member more in g0: the two releases side by side would describe just them.
            let anonymous = API(client: client)
            let olivia = try await anonymous.login("olivia")
            let code = try olivia.decode(InvitationResponse.self, try await olivia.call(
                .post, "/v1/invitations", json: InvitationRequest(name: "newcomer", role: "member", group: "g0"))).code
            _ = try await anonymous.enroll("newcomer", code: code)
            try test.setTime("2026-03-11T10:00:00Z")
            let carlAgain = try await anonymous.login("carl")
            let second = try carlAgain.decode(ExportAnswer.self, try await carlAgain.call(
                .post, "/v1/metrics/exports", raw: #"{"period": "2026-03", "format": "html"}"#))
            #expect(second.withheldBecause == ["population-changed"])
            #expect(!second.charged && !second.repeat)
        }
    }

    @Test func membersAndSmallCohortsAreDenied() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let carl = try await Self.organisation(test, client, groups: 2, marker: "x")
            let small = try await carl.call(.post, "/v1/metrics/exports", raw: #"{"period": "2026-03"}"#)
            #expect(small.status == .forbidden)
            #expect(try carl.decode(APIErrorBody.self, small).error.policies == ["export-below-thresholds"])
            let member = try await API(client: client).login("m0-1")
            let asMember = try await member.call(.post, "/v1/metrics/exports", raw: #"{"period": "2026-03"}"#)
            #expect(asMember.status == .forbidden)
            #expect(try member.decode(APIErrorBody.self, asMember).error.policies?.contains("export-by-non-compliance") == true)
            #expect(try await carl.call(.post, "/v1/metrics/exports", raw: #"{"period": "March"}"#).status == .badRequest)
            // A month that has not begun is said to be one, not a cohort too small.
            let future = try await carl.call(.post, "/v1/metrics/exports", raw: #"{"period": "2030-01"}"#)
            #expect(future.status == .badRequest)
            #expect(try carl.decode(APIErrorBody.self, future).error.message.contains("2030-01 has not begun yet"))
        }
    }
}
