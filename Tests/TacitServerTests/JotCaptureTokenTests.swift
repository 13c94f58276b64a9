import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TacitAPI
@testable import TacitServer

/// `tacit jot` sends `Authorization: Capture TOKEN`. The authentication middleware used to refuse
/// every Authorization header that was not a bearer token, so no jot could ever be written (found by
/// the reliability suite's API fuzzing).
@Suite struct JotCaptureTokenTests {
    @Test func aJotWithTheCaptureTokenOfTheLastLoginIsSealed() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let anonymous = API(client: client)
            let (olivia, _) = try await anonymous.enroll("olivia", code: test.daemon.bootstrapCode!)
            let session = try olivia.decode(SessionResponse.self, try await anonymous.call(
                .post, "/v1/sessions", json: UnlockRequest(name: "olivia", passphrase: TestDaemon.passphrase)))
            let jot = JotRequest(text: "call Sam about the report", agreementKey: session.agreementKey)
            let written = try await anonymous.call(.post, "/v1/jots", json: jot,
                                                   headers: [.authorization: "Capture \(session.captureToken)"])
            #expect(written.status == .created, "\(String(buffer: written.body))")
            let forged = try await anonymous.call(.post, "/v1/jots", json: jot, headers: [.authorization: "Capture not-a-token"])
            #expect(forged.status == .unauthorized)
            // A bearer token is still checked as before.
            let stale = try await anonymous.call(.get, "/v1/whoami", headers: [.authorization: "Bearer not-a-token"])
            #expect(stale.status == .unauthorized)
        }
    }
}
