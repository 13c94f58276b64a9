import Foundation
import Glibc
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TacitAPI
@testable import TacitServer

/// A daemon in a short temporary home with a test configuration (fast scrypt) and a clock file the
/// test moves. Removed when the test ends.
final class TestDaemon: @unchecked Sendable {
    let home: URL
    let clockFile: URL
    let daemon: Daemon
    let logs: LogCapture

    static let passphrase = "a long practice passphrase"

    init(configuration extra: String = "", policy: String? = nil, start: String = "2026-03-01T09:00:00Z",
         scryptLog2N: Int = 10, auditWindow: Duration = .milliseconds(10)) async throws {
        home = URL(fileURLWithPath: "/tmp/tt-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        clockFile = home.appendingPathComponent("clock")
        try start.write(to: clockFile, atomically: true, encoding: .utf8)
        let config = #"{"testing": true, "scryptLog2N": \#(scryptLog2N)\#(extra)}"#
        try config.write(to: home.appendingPathComponent("tacit.json"), atomically: true, encoding: .utf8)
        var policyFile: URL?
        if let policy {
            policyFile = home.appendingPathComponent("extra.cedar")
            try policy.write(to: policyFile!, atomically: true, encoding: .utf8)
        }
        logs = LogCapture()
        var logger = Logger(label: "test") { [logs] _ in logs.handler() }
        logger.logLevel = .trace
        daemon = try await Daemon.prepare(.init(layout: HomeLayout(home: home), policyFile: policyFile, clockFile: clockFile),
                                          logger: logger, testingUID: getuid(), auditWindow: auditWindow)
    }

    deinit { try? FileManager.default.removeItem(at: home) }

    func setTime(_ iso: String) throws {
        try iso.write(to: clockFile, atomically: true, encoding: .utf8)
    }

    var application: some ApplicationProtocol {
        Application(router: daemon.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    logger: daemon.state.logger)
    }
}

/// Collects every log line (message and metadata) so tests can grep them.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        lines.append(line)
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }

    func handler() -> some LogHandler { CaptureHandler(capture: self) }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(merged)")
        }
    }
}

/// A thin JSON client over HummingbirdTesting's client.
struct API {
    let client: any TestClientProtocol
    var token: String?

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ path: String, json: (any Encodable)? = nil, raw: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token, headers[.authorization] == nil { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try Self.encoder.encode(json))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = "application/json"
        }
        return try await client.execute(uri: path, method: method, headers: headers, body: body)
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try Self.decoder.decode(T.self, from: Data(buffer: response.body))
    }

    /// Enrolls `name` with `code` and logs in; returns a client holding the session.
    func enroll(_ name: String, code: String) async throws -> (API, EnrollResponse) {
        let enrolled = try await call(.post, "/v1/enroll",
                                      json: EnrollRequest(code: code, name: name, passphrase: TestDaemon.passphrase))
        guard enrolled.status == .created else {
            throw Failure("enroll \(name): \(enrolled.status) \(String(buffer: enrolled.body))")
        }
        let result = try decode(EnrollResponse.self, enrolled)
        return (try await login(name), result)
    }

    func login(_ name: String, passphrase: String = TestDaemon.passphrase) async throws -> API {
        let response = try await call(.post, "/v1/sessions", json: UnlockRequest(name: name, passphrase: passphrase))
        guard response.status == .created else {
            throw Failure("login \(name): \(response.status) \(String(buffer: response.body))")
        }
        let session = try decode(SessionResponse.self, response)
        return API(client: client, token: session.token)
    }

    func errorCode(_ response: TestResponse) -> String? {
        (try? decode(APIErrorBody.self, response))?.error.code
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
