import Foundation
import NIOHTTP1
import TacitAPI

/// A logged-in member's way to the daemon: the cached session token, renewed by asking for the
/// passphrase again when the daemon says the session ended.
final class Authenticated {
    /// The daemon.
    let client: DaemonClient
    /// Where tokens are kept.
    let store: SessionStore
    private var session: SessionStore.Session?
    private let passphraseFile: String?

    /// A client for the socket of `connection`, using its cached session.
    init(_ connection: Connection, passphraseFile: String? = nil) {
        self.client = connection.client
        self.store = SessionStore(socketPath: connection.socketPath)
        self.session = store.session()
        self.passphraseFile = passphraseFile
    }

    /// The logged-in name, when known.
    var name: String? { session.flatMap { $0.name.isEmpty ? nil : $0.name } ?? store.state().lastName }

    /// A token known to work now (checked with `GET /v1/whoami`, renewed if the session ended), for
    /// work that runs outside this object (parallel imports and exports).
    func token() async throws -> String {
        try await retrying { token in
            _ = try await self.client.send(.GET, "/v1/whoami", credential: .bearer(token))
            return token
        }
    }

    /// Sends an authenticated request and decodes the answer; logs in again once if the session ended.
    ///
    /// - Throws: `DaemonFailure` or `CLIError`.
    func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                                 body: (any Encodable)? = nil, headers: [(String, String)] = [],
                                 as type: Answer.Type = Answer.self) async throws -> Answer {
        let answer = try await retrying { token in
            try await self.client.call(method, path, query: query, body: body, headers: headers, credential: .bearer(token), as: type)
        }
        if method != .GET { await rememberManifest() }
        return answer
    }

    /// A `GET` like `call`'s, also returning the answer's headers.
    ///
    /// - Throws: `DaemonFailure` or `CLIError`.
    func getReadingHeaders<Answer: Decodable>(_ path: String, as type: Answer.Type = Answer.self) async throws
        -> (answer: Answer, headers: HTTPHeaders) {
        try await retrying { token in
            try await self.client.callReadingHeaders(.GET, path, credential: .bearer(token), as: type)
        }
    }

    /// Sends an authenticated request whose answer has no body of interest.
    ///
    /// - Throws: `DaemonFailure` or `CLIError`.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: (any Encodable)? = nil) async throws {
        try await retrying { token in
            _ = try await self.client.send(method, path, query: query, body: body, credential: .bearer(token))
        }
        if method != .GET { await rememberManifest() }
    }

    /// After a write: the manifest counter as now committed, remembered for this computer, so a
    /// restore that drops writes made since the last login is noticed at the next one (the login
    /// alone only saw the counter as it was then). Only ever raised: a lower counter is the
    /// login's to report. Best effort: no answer (a session just ended, an older daemon) changes
    /// nothing.
    private func rememberManifest() async {
        guard let token = session?.token,
              let me: WhoAmIResponse = try? await client.call(.GET, "/v1/whoami", credential: .bearer(token)),
              let counter = me.manifestCounter else { return }
        var state = store.state()
        guard var member = state.members[me.principal.name], counter > member.manifestCounter else { return }
        member.manifestCounter = counter
        state.members[me.principal.name] = member
        try? store.save(state)
    }

    /// Runs `work` with a token; when the daemon answers that the session ended, logs in again
    /// (passphrase from the file, the environment or the terminal) and runs it once more.
    func retrying<Value>(_ work: (String) async throws -> Value) async throws -> Value {
        guard let current = session else {
            try await renew(after: nil)
            return try await work(session!.token)
        }
        do {
            return try await work(current.token)
        } catch let failure as DaemonFailure where failure.needsLogin {
            try await renew(after: failure)
            return try await work(session!.token)
        }
    }

    /// Logs in again as the last name, or explains how to.
    private func renew(after failure: DaemonFailure?) async throws {
        let expired = failure?.code == "session-expired"
        guard ProcessInfo.processInfo.environment["TACIT_SESSION"]?.isEmpty ?? true,
              let name, Secrets.available(file: passphraseFile, variable: "TACIT_PASSPHRASE") else {
            if failure != nil { store.forgetSession() }
            if failure == nil, let problem = DaemonClient.socketProblem(client.socketPath) { throw problem }
            // Name the person this computer last logged in as, when it knows.
            let login = "`tacit login --name \(name ?? "NAME")`"
            if expired { throw CLIError("your session expired — log in again with \(login)") }
            // A token this computer held and the daemon no longer knows: ended, not never begun.
            if failure != nil {
                throw CLIError("your session ended (it timed out, or a logout or passphrase change elsewhere, the daemon "
                               + "restarting, or the operator) — log in again with \(login)")
            }
            throw CLIError("not logged in — run \(login) first")
        }
        let prompt = expired || failure != nil ? "Session ended. Passphrase for \(name): " : "Passphrase for \(name): "
        let passphrase = try Secrets.read("passphrase", file: passphraseFile, prompt: prompt)
        let response = try await Tacit.Login.unlock(client: client, store: store, name: name, passphrase: passphrase,
                                              acceptRollback: false)
        for notice in response.notices { Terminal.warn("note: \(notice)") }
        session = store.session()
    }
}
