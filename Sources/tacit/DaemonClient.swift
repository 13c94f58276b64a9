import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TacitAPI

/// The daemon's API over its Unix socket: HTTP/1.1 + JSON through async-http-client with an
/// `http+unix` URL.
///
/// Every error answer becomes a `DaemonFailure`; a socket nobody answers on becomes a `CLIError`
/// that says to start the daemon.
struct DaemonClient: Sendable {
    /// How a request proves who sends it.
    enum Credential: Sendable {
        /// Public routes (health, enroll, unlock).
        case none
        /// A session token: `Authorization: Bearer T`.
        case bearer(String)
        /// The capture token that lets `tacit jot` seal a note: `Authorization: Capture T`.
        case capture(String)
    }

    /// The socket's path.
    let socketPath: String

    /// Seconds of silence from the daemon after which a request is given up;
    /// `TACIT_CLIENT_TIMEOUT` sets it (tests shorten it).
    static let readTimeout = ProcessInfo.processInfo.environment["TACIT_CLIENT_TIMEOUT"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 120

    /// The clients every command uses. A local socket that refuses a connection, or is missing,
    /// will not take one a moment later, so that fails the request at once: `HTTPClient.shared`
    /// retries for up to 90 s, and `tacit login` with the daemon stopped sat silent that long. A
    /// daemon that takes connections and answers nothing (stopped with SIGSTOP: the kernel still
    /// accepts) is given up on after `readTimeout` of silence — except by backups and restores,
    /// whose daemon copies or checks the whole database before it answers.
    private static let http = makeHTTPClient(read: .seconds(Int64(readTimeout)))
    private static let patientHTTP = makeHTTPClient(read: nil)

    private static func makeHTTPClient(read: TimeAmount?) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: read))
        configuration.connectionPool.retryConnectionEstablishment = false
        // Let go of an idle connection before the daemon does (`connectionIdleSeconds`, at least 5 s
        // outside tests), so a request is not sent down a connection the daemon is closing.
        configuration.connectionPool.idleTimeout = .seconds(4)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Dates as the daemon writes them: ISO 8601.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = DateText.parseISO(text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
        }
        return decoder
    }()

    /// Dates as the daemon reads them: ISO 8601.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Sends a request and decodes a JSON answer.
    ///
    /// - Throws: `DaemonFailure` for an error answer, `CLIError` when no daemon answers or the
    ///   answer is not what the API promises.
    func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                                 body: (any Encodable)? = nil, headers: [(String, String)] = [], credential: Credential = .none,
                                 as type: Answer.Type = Answer.self) async throws -> Answer {
        try await callReadingHeaders(method, path, query: query, body: body, headers: headers, credential: credential, as: type).answer
    }

    /// `call`, also returning the answer's headers (`GET /v1/audit` names damaged records in one).
    func callReadingHeaders<Answer: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [],
                                               body: (any Encodable)? = nil, headers: [(String, String)] = [],
                                               credential: Credential = .none,
                                               as type: Answer.Type = Answer.self) async throws -> (answer: Answer, headers: HTTPHeaders) {
        let (data, answerHeaders) = try await exchange(method, path, query: query, body: body, headers: headers, credential: credential)
        do {
            return (try Self.decoder.decode(Answer.self, from: data), answerHeaders)
        } catch {
            throw CLIError("the daemon's answer to \(method) \(path) was not understood — is it the same Tacit version (\(Tacit.version))?")
        }
    }

    /// Sends a request and returns the answer's bytes (empty for 204).
    ///
    /// - Throws: `DaemonFailure` for an error answer, `CLIError` when no daemon answers.
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: (any Encodable)? = nil,
              headers: [(String, String)] = [], credential: Credential = .none) async throws -> Data {
        try await exchange(method, path, query: query, body: body, headers: headers, credential: credential).data
    }

    private func exchange(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: (any Encodable)?,
                          headers: [(String, String)], credential: Credential) async throws -> (data: Data, headers: HTTPHeaders) {
        var request = try makeRequest(method, path, query: query, credential: credential)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            let data = try Self.encoder.encode(body)
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let response = try await execute(request)
        let bytes = try await response.body.collect(upTo: 256 << 20)
        let data = Data(bytes.readableBytesView)
        try Self.check(status: Int(response.status.code), body: data)
        return (data, response.headers)
    }

    /// Sends a request and hands the answer's body to `consume` chunk by chunk (backups).
    ///
    /// - Throws: `DaemonFailure`, `CLIError`, or what `consume` throws.
    func download(_ path: String, credential: Credential, consume: (ByteBuffer) throws -> Void) async throws {
        let request = try makeRequest(.GET, path, query: [], credential: credential)
        let response = try await execute(request, patient: true)
        guard response.status.code < 300 else {
            let bytes = try await response.body.collect(upTo: 1 << 20)
            try Self.check(status: Int(response.status.code), body: Data(bytes.readableBytesView))
            return
        }
        for try await chunk in response.body { try consume(chunk) }
    }

    /// Streams `chunks` as the body of a POST (restores) and returns the answer's bytes.
    ///
    /// - Throws: `DaemonFailure`, `CLIError`.
    func upload(_ path: String, length: Int64, chunks: FileChunks,
                credential: Credential) async throws -> Data {
        var request = try makeRequest(.POST, path, query: [], credential: credential)
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .stream(chunks, length: .known(length))
        let response = try await execute(request, patient: true)
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let data = Data(bytes.readableBytesView)
        try Self.check(status: Int(response.status.code), body: data)
        return data
    }

    private func makeRequest(_ method: HTTPMethod, _ path: String, query: [(String, String)],
                             credential: Credential) throws -> HTTPClientRequest {
        var uri = path
        if !query.isEmpty {
            var allowed = CharacterSet.urlQueryAllowed
            allowed.remove(charactersIn: "&=+;#?/")
            uri += "?" + query.map { name, value in
                "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
            }.joined(separator: "&")
        }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: uri) else {
            throw CLIError("the socket path \(socketPath) cannot be used")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        switch credential {
        case .none: break
        case .bearer(let token): request.headers.add(name: "Authorization", value: "Bearer \(token)")
        case .capture(let token): request.headers.add(name: "Authorization", value: "Capture \(token)")
        }
        return request
    }

    private func execute(_ request: HTTPClientRequest, patient: Bool = false) async throws -> HTTPClientResponse {
        do {
            return try await (patient ? Self.patientHTTP : Self.http).execute(request, timeout: .seconds(patient ? 86_400 : 3600))
        } catch {
            throw unreachable(error)
        }
    }

    /// What is wrong with `path` as a socket before anything is sent: nothing there ("no daemon"),
    /// a folder or a file (all had been "no daemon"), or a path too long for a socket's address.
    static func socketProblem(_ path: String) -> CLIError? {
        if path.utf8.count > 107 {
            return CLIError("\(path) is longer than a socket's path may be (107 bytes): give a shorter --socket "
                            + "or TACIT_SOCKET (a daemon cannot listen there either)")
        }
        var status = stat()
        guard stat(path, &status) == 0 else { return CLIError("no daemon on \(path) — start it with `tacit serve`") }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else {
            let what = (status.st_mode & S_IFMT) == S_IFDIR ? "a folder" : "a file"
            return CLIError("\(path) is \(what), not the daemon's socket — give the socket's path "
                            + "(--socket or TACIT_SOCKET; the default is tacit.sock in the daemon's home)")
        }
        return nil
    }

    /// "No daemon" for a missing socket or one nobody answers on; otherwise the transport's problem.
    private func unreachable(_ error: any Error) -> CLIError {
        if let problem = Self.socketProblem(socketPath) { return problem }
        let text = "\(error)"
        if text.contains("connectTimeout") || text.contains("onnection refused") || text.contains("ECONNREFUSED")
            || text.contains("connect(") {
            return CLIError("no daemon on \(socketPath) — start it with `tacit serve` (nothing answers on the socket)")
        }
        if text.contains("readTimeout") {
            return CLIError("the daemon on \(socketPath) took the request but did not answer for \(Self.readTimeout) s — is it stopped or stuck?")
        }
        if text.contains("ermission denied") || text.contains("EACCES") {
            return CLIError("no permission to use the socket \(socketPath) — ask the operator to add you to its group")
        }
        return CLIError("lost the connection to the daemon on \(socketPath): \(text)")
    }

    /// An error body with a message and perhaps nothing else: the HTTP server's own refusals
    /// (`{"error": {"message": …}}`) have no code.
    private struct MessageBody: Decodable {
        struct Detail: Decodable { var message: String }
        var error: Detail
    }

    /// Turns an error status into a `DaemonFailure`.
    static func check(status: Int, body: Data) throws {
        guard status >= 300 else { return }
        if let error = try? JSONDecoder().decode(APIErrorBody.self, from: body) {
            throw DaemonFailure(status: status, code: error.error.code, message: error.error.message,
                                policies: error.error.policies ?? [], retryAfter: error.error.retryAfter)
        }
        if let error = try? JSONDecoder().decode(MessageBody.self, from: body), !error.error.message.isEmpty {
            throw DaemonFailure(status: status, code: "http-\(status)", message: error.error.message, policies: [], retryAfter: nil)
        }
        throw DaemonFailure(status: status, code: "http-\(status)", message: "the daemon answered HTTP \(status)",
                            policies: [], retryAfter: nil)
    }
}
