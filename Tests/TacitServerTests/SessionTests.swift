import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TacitAPI
@testable import TacitServer
import TacitCrypto
@testable import TacitVault

@Suite struct SessionTests {
    @Test func wrongPassphraseAndUnknownNameLookTheSame() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let anonymous = API(client: client)
            _ = try await anonymous.enroll("olivia", code: test.daemon.bootstrapCode!)
            let wrong = try await anonymous.call(.post, "/v1/sessions", json: UnlockRequest(name: "olivia", passphrase: "not the passphrase"))
            let unknown = try await anonymous.call(.post, "/v1/sessions", json: UnlockRequest(name: "nobody", passphrase: "not the passphrase"))
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == wrong.status)
            #expect(String(buffer: unknown.body) == String(buffer: wrong.body))
        }
    }

    @Test func backoffHoldsForKnownAndUnknownNames() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let anonymous = API(client: client)
            _ = try await anonymous.enroll("olivia", code: test.daemon.bootstrapCode!)
            for name in ["olivia", "nobody"] {
                for _ in 0..<3 {
                    let attempt = try await anonymous.call(.post, "/v1/sessions", json: UnlockRequest(name: name, passphrase: "wrong wrong wrong"))
                    #expect(attempt.status == .unauthorized)
                }
                // The fourth attempt waits — even with the right passphrase.
                let blocked = try await anonymous.call(.post, "/v1/sessions", json: UnlockRequest(name: name, passphrase: TestDaemon.passphrase))
                #expect(blocked.status == .tooManyRequests, "\(name)")
                #expect(blocked.headers[.retryAfter] == "1")
            }
            // Once the wait is over, the right passphrase works and resets the count.
            try test.setTime("2026-03-01T09:00:05Z")
            let olivia = try await anonymous.login("olivia")
            // The failed attempts on olivia's name are recorded under it; nobody's under no one.
            await test.daemon.state.audit.flush()
            let records = try olivia.decode([AuditRecordInfo].self, try await olivia.call(.get, "/v1/audit"))
            let failed = records.filter { $0.action == "unlock" && $0.decision == "deny" }
            #expect(failed.map(\.actor) == ["olivia", "olivia", "olivia", "-", "-", "-"], "\(records.map { "\($0.actor) \($0.action)" })")
            let all = try await test.daemon.vault.auditRecords { $0.action == "unlock" && $0.decision == "deny" }
            #expect(all.filter { $0.draft.actor == nil }.count == 3, "nobody's three, with no actor")
        }
    }

    /// Guessing a recovery key is recorded as a failed unlock is: under the name's owner, who sees
    /// it in their audit (it left no trace, while the backoff already counted it).
    @Test func aWrongRecoveryKeyIsRecordedUnderTheName() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let anonymous = API(client: client)
            let (_, enrolled) = try await anonymous.enroll("olivia", code: test.daemon.bootstrapCode!)
            // Another well-formed key: the real one with its secret's bytes reversed.
            let real = try RecoveryKey(parsing: enrolled.recoveryKey)
            let other = try RecoveryKey(parsing: Base32.grouped(real.secret.unprotectedCopy().reversed()))
            let guessed = try await anonymous.call(.post, "/v1/recover", json: RecoverRequest(
                name: "olivia", recoveryKey: other.displayed, passphrase: "a fresh long passphrase for olivia"))
            #expect(guessed.status == .unauthorized, "\(String(buffer: guessed.body))")
            // A key that is not one (a slip in typing it) is a 400 that repeats nothing of it.
            let slip = try await anonymous.call(.post, "/v1/recover", json: RecoverRequest(
                name: "olivia", recoveryKey: "ABCD-1234-WXYZ", passphrase: "a fresh long passphrase for olivia"))
            #expect(slip.status == .badRequest)
            let said = try anonymous.decode(APIErrorBody.self, slip).error.message
            #expect(said.contains("this is not a recovery key") && !said.contains("ABCD") && !said.contains("12"), "\(said)")
            let olivia = try await anonymous.login("olivia")
            await test.daemon.state.audit.flush()
            let records = try olivia.decode([AuditRecordInfo].self, try await olivia.call(.get, "/v1/audit"))
            #expect(records.filter { $0.action == "recover" && $0.decision == "deny" }.map(\.actor) == ["olivia"],
                    "\(records.map { "\($0.actor) \($0.action) \($0.decision)" })")
        }
    }

    /// A wait is over when either clock has moved on far enough: the daemon's (a test's clock file,
    /// stepped by hand) or a monotonic one (a person at a daemon whose clock file nobody moves).
    @Test func aBackoffWaitEndsByEitherClock() {
        var backoff = UnlockBackoff()
        let then = Date(timeIntervalSince1970: 1_800_000_000)
        let start = ContinuousClock.now
        for _ in 0..<3 { backoff.recordFailure(for: "ali", now: then, instant: start) }
        #expect(backoff.wait(for: "ali", now: then, instant: start) == 1)
        #expect(backoff.wait(for: "Ali", now: then, instant: start) == 1, "names differing in case share a backoff")
        #expect(backoff.wait(for: "bea", now: then, instant: start) == nil)
        let half = backoff.wait(for: "ali", now: then, instant: start + .milliseconds(400))
        #expect(half.map { abs($0 - 0.6) < 0.001 } == true, "\(String(describing: half))")
        #expect(backoff.wait(for: "ali", now: then, instant: start + .milliseconds(1_001)) == nil, "real time passed")
        #expect(backoff.wait(for: "ali", now: then.addingTimeInterval(1), instant: start) == nil, "the daemon's clock moved")
        #expect(backoff.wait(for: "ali", now: then.addingTimeInterval(-3_600), instant: start + .milliseconds(1_001)) == nil,
                "a clock set back lengthens nothing")
    }

    /// A clock file that stops reading as a time keeps the last time it held (the system's clock
    /// would move a test's cycle by months), says so once, and is followed again once it reads.
    @Test func aClockFileThatDoesNotReadKeepsItsLastTime() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let logs = LogCapture()
        let clock = DaemonClock.file(ClockFile(url, logger: Logger(label: "clock") { _ in logs.handler() }))
        try "2026-03-02T09:00:00Z".write(to: url, atomically: true, encoding: .utf8)
        try clock.check()
        #expect(clock.now() == date("2026-03-02T09:00:00Z"))
        for garbage in ["next tuesday", ""] {
            try garbage.write(to: url, atomically: true, encoding: .utf8)
            #expect(clock.now() == date("2026-03-02T09:00:00Z"), "'\(garbage)'")
        }
        #expect(logs.text.components(separatedBy: "does not hold a time").count == 2, "said once: \(logs.text)")
        try "1772442000".write(to: url, atomically: true, encoding: .utf8)
        #expect(clock.now() == Date(timeIntervalSince1970: 1_772_442_000))
    }

    @Test func sessionsExpireWhenIdleAndAtTheirAbsoluteLimit() async throws {
        let test = try await TestDaemon(configuration: #", "sessionIdleSeconds": 600, "sessionAbsoluteSeconds": 3600"#)
        try await test.application.test(.router) { client in
            let (olivia, _) = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            try test.setTime("2026-03-01T09:09:00Z")
            #expect(try await olivia.call(.get, "/v1/whoami").status == .ok)
            try test.setTime("2026-03-01T09:19:30Z")
            let idle = try await olivia.call(.get, "/v1/whoami")
            #expect(idle.status == .unauthorized)
            #expect(olivia.errorCode(idle) == "session-expired")

            // Logged in at 09:19:30: used every 9 minutes it stays alive until 10:19:30, not after.
            let fresh = try await API(client: client).login("olivia")
            let start = date("2026-03-01T09:19:30Z")
            for minutes in stride(from: 9, through: 54, by: 9) {
                try test.setTime(ISO8601DateFormatter().string(from: start.addingTimeInterval(Double(minutes) * 60)))
                #expect(try await fresh.call(.get, "/v1/whoami").status == .ok, "after \(minutes) minutes")
            }
            try test.setTime("2026-03-01T10:20:00Z")
            #expect(try await fresh.call(.get, "/v1/whoami").status == .unauthorized)
        }
    }

    @Test func logoutEndsTheSessionAndForgedTokensAreRefused() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (olivia, _) = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            #expect(try await olivia.call(.delete, "/v1/sessions/current").status == .noContent)
            #expect(try await olivia.call(.get, "/v1/whoami").status == .unauthorized)
            // Logging out is in the audit log, as the README says.
            #expect(try await test.daemon.vault.auditRecords { $0.action == "logout" }.count == 1)
            for forged in ["x", String(repeating: "A", count: 43), "Bearer", "../../etc/passwd", String(repeating: "z", count: 150)] {
                let response = try await API(client: client, token: forged).call(.get, "/v1/whoami")
                #expect(response.status == .unauthorized, "\(forged)")
            }
            let noScheme = try await olivia.call(.get, "/v1/whoami", headers: [.authorization: "Basic abc"])
            #expect(noScheme.status == .unauthorized)
            // A stale token does not stand in the way of public routes: logging in again, health.
            #expect(try await olivia.call(.get, "/v1/health").status == .ok)
            let again = try await olivia.call(.post, "/v1/sessions", json: UnlockRequest(name: "olivia", passphrase: TestDaemon.passphrase))
            #expect(again.status == .created)
        }
    }

    /// Whoever else held the old passphrase is logged out by a change; the session that made it goes on.
    /// A rotation ends every session (their keys derive from the old root key).
    @Test func aChangedPassphraseEndsTheOtherSessions() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            _ = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            let here = try await API(client: client).login("olivia")
            let elsewhere = try await API(client: client).login("olivia")
            let newer = "a newer practice passphrase"
            let changed = try await here.call(.post, "/v1/passphrase",
                                             json: PassphraseChangeRequest(current: TestDaemon.passphrase, new: newer, rotate: false))
            #expect(changed.status == .ok)
            #expect(try here.decode(PassphraseChangeResponse.self, changed).captureToken.count == 43, "a fresh capture token for this device")
            #expect(try await here.call(.get, "/v1/whoami").status == .ok)
            #expect(try await elsewhere.call(.get, "/v1/whoami").status == .unauthorized)

            let other = try await API(client: client).login("olivia", passphrase: newer)
            let rotated = try await here.call(.post, "/v1/passphrase",
                                             json: PassphraseChangeRequest(current: newer, new: TestDaemon.passphrase, rotate: true))
            #expect(rotated.status == .ok)
            #expect(try await here.call(.get, "/v1/whoami").status == .unauthorized)
            #expect(try await other.call(.get, "/v1/whoami").status == .unauthorized)
        }
    }

    @Test func aTokenFromAnotherUIDIsUseless() throws {
        var table = SessionTable<Int>(idle: 900, absolute: 43_200)
        let now = Date()
        let token = try table.open(principal: UUID(), uid: 1000, handle: 1, now: now)
        guard case .failure(.foreignUID) = table.authenticate(token, uid: 1001, now: now) else {
            Issue.record("another uid's request must be refused")
            return
        }
        guard case .success = table.authenticate(token, uid: 1000, now: now) else {
            Issue.record("the owner's uid must be accepted")
            return
        }
    }

    /// A session found expired is dropped and its handle handed back once, for its keys to be wiped
    /// at once; a live one hands back nothing.
    @Test func anExpiredSessionHandsBackItsHandleOnce() throws {
        var table = SessionTable<Int>(idle: 900, absolute: 43_200)
        let now = Date()
        let token = try table.open(principal: UUID(), uid: 1000, handle: 7, now: now)
        var handedBack: [Int] = []
        guard case .success = table.authenticate(token, uid: 1000, now: now.addingTimeInterval(899), expired: { handedBack.append($0) }) else {
            Issue.record("a session used within its idle time is live")
            return
        }
        #expect(handedBack.isEmpty)
        guard case .failure(.expired) = table.authenticate(token, uid: 1000, now: now.addingTimeInterval(899 + 900),
                                                           expired: { handedBack.append($0) }) else {
            Issue.record("a session idle for 15 minutes has expired")
            return
        }
        #expect(handedBack == [7])
        guard case .failure(.unknown) = table.authenticate(token, uid: 1000, now: now.addingTimeInterval(2_000),
                                                           expired: { handedBack.append($0) }) else {
            Issue.record("an expired session is gone")
            return
        }
        #expect(handedBack == [7])
        #expect(table.sessions.isEmpty)
    }

    /// The request log's duration counts whole seconds too, not only the fraction of one.
    @Test func requestDurationsAreLoggedInWholeMilliseconds() {
        #expect(RequestLogMiddleware.milliseconds(.milliseconds(7)) == 7)
        #expect(RequestLogMiddleware.milliseconds(.seconds(2) + .milliseconds(345)) == 2345)
        #expect(RequestLogMiddleware.milliseconds(.microseconds(999)) == 0)
    }

    @Test func logsNeverCarryPassphrasesOrContent() async throws {
        let test = try await TestDaemon()
        let marker = "CANARY-\(UUID().uuidString)"
        try await test.application.test(.router) { client in
            var org = try await DaemonFlowTests.organise(test, client)
            _ = try await org.members["fiona"]!.call(.post, "/v1/cycles", json: CycleCreateRequest(
                group: "north", session1: date("2026-03-02T09:00:00Z"), session2: date("2026-04-06T09:00:00Z"), topics: [marker]))
            try test.setTime("2026-03-05T10:00:00Z")
            try await org.loginAgain()
            let ali = org.members["ali"]!
            let entry = try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(
                title: marker, body: marker, tags: [marker], topic: marker)))
            _ = try await ali.call(.post, "/v1/shares", json: ShareRequest(entry: entry.id, group: true, with: [], until: nil))
            _ = try await ali.call(.put, "/v1/entries/\(entry.id.uuidString)", json: EntryInput(body: marker + " edited"))
            _ = try await API(client: client).call(.post, "/v1/sessions", json: UnlockRequest(name: "ali", passphrase: marker))
            _ = try await ali.call(.get, "/v1/search?q=\(marker)")
        }
        let logs = test.logs.text
        #expect(!logs.isEmpty, "trace logging produced lines")
        #expect(!logs.contains(marker))
        #expect(!logs.contains(TestDaemon.passphrase))
    }
}
