import Foundation
import HTTPTypes
import Hummingbird
import TacitAPI
import TacitCrypto
import TacitVault

extension Routes {
    static func addSessionRoutes(to v1: RouterGroup<TacitRequestContext>, state: DaemonState) {
        // Unlock. The passphrase goes from the body bytes into locked memory, never into a String.
        v1.post("sessions") { request, context in
            var request = request
            var body = try await request.body(limit: 16 * 1024)
            let fields = try SecretFields(consuming: &body, allowed: ["name", "passphrase"])
            let name = try fields.text("name")
            let passphrase = try fields.secret("passphrase")
            guard (1...64).contains(name.count) else { throw APIError.badRequest("a name is 1 to 64 characters") }
            if let wait = state.unlockWait(for: name) {
                // The same answer for a known and an unknown name.
                throw APIError(.tooManyRequests, "backoff", "too many failed attempts: wait \(Int(wait.rounded(.up))) s",
                               retryAfter: Int(wait.rounded(.up)))
            }
            guard let uid = await state.peers.uid(of: context.channel) ?? state.testingUID else {
                throw APIError.unauthorized
            }
            let session: MemberSession
            do {
                session = try await state.vault.unlock(name: name, passphrase: passphrase)
            } catch let error as VaultError where error.code == .invalidCredentials {
                await recordCredentialFailure(state, name: name, action: "unlock")
                throw ErrorMiddleware.map(error)
            } catch let error as VaultError where error.code == .busy {
                throw APIError(.serviceUnavailable, "busy", "too many unlocks at once: try again in a moment", retryAfter: 1)
            }
            state.recordUnlockSuccess(for: name)
            let token = try state.openSession(session, uid: uid)
            // The unlock's audit record commits with the capture token, in one commit: no token
            // is answered without its record; when they cannot be written, the session ends again.
            let capture: String
            do {
                capture = try await state.vault.issueCaptureToken(for: session.principal.id, recording: AuditDraft(
                    actor: session.principal.id, action: "unlock", resource: "session", decision: "allow", policies: [],
                    policyHash: state.policyHash, time: state.now))
            } catch {
                state.closeSession(token: token)
                throw error
            }
            let report = session.report
            var notices = report.problems.map { "integrity: \($0)" }
            func count(_ n: Int, _ one: String, _ many: String) -> String { n == 1 ? "1 \(one)" : "\(n) \(many)" }
            let practice = report.jotsOpened - report.jotsOpenedAsNotes
            if practice > 0 {
                notices.append(practice == 1 ? "1 jotted note became a practice entry" : "\(practice) jotted notes became practice entries")
            }
            if report.jotsOpenedAsNotes > 0 {
                notices.append("\(count(report.jotsOpenedAsNotes, "jotted note", "jotted notes")) became "
                               + "\(report.jotsOpenedAsNotes == 1 ? "an entry" : "entries") of kind note (no cycle of yours was open when jotted)")
            }
            if report.entriesRekeyed > 0 {
                notices.append("\(count(report.entriesRekeyed, "entry", "entries")) re-encrypted after a revocation or removal")
            }
            notices += try await resealNotices(report.resealed, state: state)
            if report.membersSealedIn > 0 {
                notices.append("\(count(report.membersSealedIn, "new member", "new members")) of your group can now read its cycle topics")
            }
            let response = SessionResponse(
                token: token, captureToken: capture, principal: info(session.principal),
                agreementKey: Data(session.principal.agreementKey).base64EncodedString(),
                manifestCounter: report.manifestCounter,
                expiresAt: state.now.addingTimeInterval(TimeInterval(state.configuration.sessionAbsoluteSeconds)),
                idleSeconds: state.configuration.sessionIdleSeconds, notices: notices)
            return try Response.json(response, status: .created)
        }

        // Lock: this session, or (logout --all) every session and the capture token.
        v1.delete("sessions/current") { _, context in
            let identity = try context.requireIdentity()
            state.closeSession(token: identity.token)
            try await audit(state, identity, "logout", "session")
            return Response.noContent
        }
        v1.delete("sessions") { _, context in
            let identity = try context.requireIdentity()
            state.closeSessions(of: identity.principal.id)
            try await state.vault.revokeCaptureTokens(of: identity.principal.id, recording: AuditDraft(
                actor: identity.principal.id, action: "logoutAll", resource: "session", decision: "allow", policies: [],
                policyHash: state.policyHash, time: state.now))
            return Response.noContent
        }

        v1.get("whoami") { _, context in
            let identity = try context.requireIdentity()
            let groups = try await state.vault.groups(of: identity.principal.id)
            var summaries: [GroupSummary] = []
            for group in groups { summaries.append(try await summary(group, state: state)) }
            return try Response.json(WhoAmIResponse(
                principal: info(identity.principal), groups: summaries, fingerprint: identity.principal.fingerprint,
                expiresAt: state.session(expiresAt: identity.token) ?? state.now,
                manifestCounter: try identity.session.verifiedManifestCounter()))
        }

        // Enrollment with a one-time code: sets the passphrase, returns the recovery key once.
        v1.post("enroll") { request, _ in
            var request = request
            var body = try await request.body(limit: 16 * 1024)
            let fields = try SecretFields(consuming: &body, allowed: ["code", "name", "passphrase"])
            let code = try fields.text("code").uppercased().filter { !$0.isWhitespace }
            let name = try fields.text("name")
            guard (1...64).contains(name.count), !name.contains(where: \.isNewline) else {
                throw APIError.badRequest("a name is 1 to 64 characters on one line")
            }
            // The enrollment's audit record commits with it: the recovery key, shown only in this
            // answer, is never lost to a record that could not be written afterwards.
            let enrollment = try await state.vault.enroll(code: code, name: name, passphrase: fields.secret("passphrase"),
                                                          recording: principalAuditDraft(state, "enroll"))
            // The bootstrap code is kept in Keys/ only until it is used.
            if let stored = try? String(contentsOf: state.layout.bootstrapCode, encoding: .utf8),
               stored.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().filter({ !$0.isWhitespace }) == code {
                try? FileManager.default.removeItem(at: state.layout.bootstrapCode)
            }
            let joined = try await state.vault.groups(of: enrollment.principal.id)
            let led = joined.filter { $0.facilitator == enrollment.principal.id }
            return try Response.json(EnrollResponse(principal: info(enrollment.principal),
                                                    recoveryKey: enrollment.recoveryKey.displayed,
                                                    fingerprint: enrollment.principal.fingerprint,
                                                    facilitates: led.isEmpty ? nil : led.map(\.name),
                                                    groups: joined.isEmpty ? nil : joined.map(\.name)), status: .created)
        }

        v1.post("passphrase") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            var body = try await request.body(limit: 16 * 1024)
            let fields = try SecretFields(consuming: &body, allowed: ["current", "new", "rotate"])
            let rotate = fields.booleans["rotate"] ?? false
            let name = identity.principal.name
            if let wait = state.unlockWait(for: name) {
                throw APIError(.tooManyRequests, "backoff", "too many failed attempts: wait \(Int(wait.rounded(.up))) s",
                               retryAfter: Int(wait.rounded(.up)))
            }
            // The change's audit record commits with it.
            let recoveryKey: RecoveryKey?
            do {
                recoveryKey = try await state.vault.changePassphrase(
                    name: name, current: fields.secret("current"), new: fields.secret("new"), rotate: rotate,
                    recording: AuditDraft(actor: identity.principal.id, action: rotate ? "rotate" : "passphrase",
                                          resource: identity.principal.id.description, decision: "allow", policies: [],
                                          policyHash: state.policyHash, time: state.now))
            } catch let error as VaultError where error.code == .invalidCredentials {
                await recordCredentialFailure(state, name: name, action: rotate ? "rotate" : "passphrase")
                throw ErrorMiddleware.map(error)
            }
            // Every session holds keys derived from the old root key after a rotation: end them all.
            // A changed passphrase ends the others (whoever else held it is logged out) and keeps this one.
            state.closeSessions(of: identity.principal.id, except: rotate ? nil : identity.token)
            // A rotation drew a new recovery key and the old one no longer opens anything: this
            // answer is the one place it is shown.
            if let recoveryKey { return try Response.json(RotationResponse(recoveryKey: recoveryKey.displayed)) }
            // The change revoked every capture token; this device's jots go on with a new one.
            let capture = try await state.vault.issueCaptureToken(for: identity.principal.id)
            return try Response.json(PassphraseChangeResponse(captureToken: capture))
        }

        v1.post("recover") { request, _ in
            var request = request
            var body = try await request.body(limit: 16 * 1024)
            let fields = try SecretFields(consuming: &body, allowed: ["name", "recoveryKey", "passphrase"])
            let name = try fields.text("name")
            if let wait = state.unlockWait(for: name) {
                throw APIError(.tooManyRequests, "backoff", "too many failed attempts: wait \(Int(wait.rounded(.up))) s",
                               retryAfter: Int(wait.rounded(.up)))
            }
            let key = try RecoveryKey(parsing: fields.text("recoveryKey"))
            // The recovery's audit record commits with it.
            do {
                try await state.vault.recover(name: name, recoveryKey: key, newPassphrase: fields.secret("passphrase"),
                                              recording: principalAuditDraft(state, "recover"))
            } catch let error as VaultError where error.code == .invalidCredentials {
                await recordCredentialFailure(state, name: name, action: "recover")
                throw ErrorMiddleware.map(error)
            }
            if let principal = try await state.vault.principal(named: name) {
                state.closeSessions(of: principal.id)
            }
            return Response.noContent
        }
    }

    /// A wrong passphrase or recovery key for `name`: counted for the backoff, and recorded — under
    /// the name's principal when it exists, so its owner (and the operator) see attempts on the
    /// account. The answer is the same either way.
    static func recordCredentialFailure(_ state: DaemonState, name: String, action: String) async {
        state.recordUnlockFailure(for: name)
        let target = try? await state.vault.principal(named: name)
        state.audit.record(AuditDraft(actor: target?.id, action: action, resource: "session", decision: "deny",
                                      policies: ["invalid-credentials"], policyHash: state.policyHash, time: state.now))
    }

    static func info(_ principal: Principal) -> PrincipalInfo {
        PrincipalInfo(id: principal.id.uuid, name: principal.name, role: PolicyGate.role(principal.role), disabled: principal.isDisabled)
    }

    static func summary(_ group: Group, state: DaemonState) async throws -> GroupSummary {
        let members = try await state.vault.members(of: group.id)
        let facilitator = group.facilitator.flatMap { id in members.first { $0.id == id }?.name }
        return GroupSummary(id: group.id.uuid, name: group.name, memberCount: members.count, facilitator: facilitator)
    }
}

extension Routes {
    /// What re-sealing an author's shares left out, said to the author (at login after a re-key,
    /// or with an edit): who no longer reads their shares and why, and which entries' shares ended.
    /// The author's listing had only lost them, without a word.
    static func resealNotices(_ outcome: MemberSession.ResealOutcome, state: DaemonState) async throws -> [String] {
        var notices: [String] = []
        func names(_ ids: Set<PrincipalID>) async throws -> String {
            try await sortedNames(of: ids, state: state).joined(separator: ", ")
        }
        if !outcome.readersRemoved.isEmpty {
            let who = try await names(outcome.readersRemoved)
            notices.append("\(who) no longer \(outcome.readersRemoved.count == 1 ? "reads" : "read") your shares: removed from the group")
        }
        if !outcome.readersWithChangedKeys.isEmpty {
            let who = try await names(outcome.readersWithChangedKeys)
            notices.append("\(who): \(outcome.readersWithChangedKeys.count == 1 ? "key does" : "keys do") not match the one your "
                           + "journal pinned (changed, or the pin was tampered with), so your re-encrypted shares are not sealed to "
                           + "them — compare fingerprints in person (`tacit whois NAME`), confirm the new one "
                           + "(`tacit whois NAME --confirm FINGERPRINT`), then unshare and share again")
        }
        if !outcome.entriesWithEndedShares.isEmpty {
            let ids = Set(outcome.entriesWithEndedShares).map { String($0.uuid.uuidString.lowercased().prefix(8)) }.sorted()
            let shares = outcome.entriesWithEndedShares.count
            notices.append("\(shares == 1 ? "1 share" : "\(shares) shares") ended with no reader left "
                           + "(of \(ids.count == 1 ? "entry" : "entries") \(ids.joined(separator: ", ")))")
        }
        return notices
    }
}

extension Routes {
    /// The names of `ids`, sorted, as listings and notices show them.
    static func sortedNames(of ids: some Sequence<PrincipalID>, state: DaemonState) async throws -> [String] {
        var names: [String] = []
        for id in ids { names.append(try await state.vault.principal(id)?.name ?? "a former member") }
        return names.sorted()
    }
}
