import Foundation
import Glibc
import TacitTestSupport

/// A small blocking HTTP/1.1 client over a Unix socket, one connection kept alive. Blocking on
/// purpose: each simulated client runs on a thread of its own, so a daemon killed mid-request shows
/// up as an I/O error on exactly the request that was in flight.
final class SocketClient {
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct IOError: Error, CustomStringConvertible {
        let description: String
    }

    let path: String
    let timeout: Int
    private var descriptor: Int32 = -1

    init(socket path: String, timeout: Int = 30) {
        self.path = path
        self.timeout = timeout
    }

    deinit { disconnect() }

    func disconnect() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    /// Sends one request and reads its whole response. Throws `IOError` when the connection fails;
    /// the connection is then dropped, and the next request opens a new one.
    func request(_ method: String, _ target: String, token: String? = nil, body: Data? = nil,
                 headers extra: [String: String] = [:]) throws -> Response {
        do {
            if descriptor < 0 { descriptor = try Self.connect(path, timeout: timeout) }
            var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            for (name, value) in extra { head += "\(name): \(value)\r\n" }
            if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
            try send(Array((head + "\r\n").utf8) + Array(body ?? Data()))
            let response = try receive(method: method)
            if response.headers["connection"]?.lowercased() == "close" { disconnect() }
            return response
        } catch {
            disconnect()
            throw error
        }
    }

    static func connect(_ path: String, timeout: Int) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(description: "socket() failed") }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnixSocketAddress(path) { Glibc.connect(descriptor, $0, $1) }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw IOError(description: "connect failed (errno \(code))")
        }
        return descriptor
    }

    private func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw IOError(description: "send failed (errno \(errno))") }
            sent += n
        }
    }

    private var pending: [UInt8] = []

    private func fill() throws {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = recv(descriptor, &buffer, buffer.count, 0)
        guard n > 0 else { throw IOError(description: n == 0 ? "connection closed" : "recv failed (errno \(errno))") }
        pending += buffer[0..<n]
    }

    private func take(_ count: Int) throws -> [UInt8] {
        while pending.count < count { try fill() }
        defer { pending.removeFirst(count) }
        return Array(pending[0..<count])
    }

    private func line() throws -> String {
        while true {
            if let end = Self.find([13, 10], in: pending) {
                let text = String(decoding: pending[0..<end], as: UTF8.self)
                pending.removeFirst(end + 2)
                return text
            }
            try fill()
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && haystack[i + 1] == needle[1] {
            return i
        }
        return nil
    }

    private func receive(method: String) throws -> Response {
        pending.removeAll()
        let statusLine = try line()
        guard statusLine.hasPrefix("HTTP/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw IOError(description: "bad status line")
        }
        var headers: [String: String] = [:]
        while true {
            let header = try line()
            if header.isEmpty { break }
            guard let colon = header.firstIndex(of: ":") else { continue }
            headers[header[..<colon].lowercased()] = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if method == "HEAD" || status == 204 || status == 304 {
            // no body
        } else if let length = headers["content-length"].flatMap(Int.init) {
            body = try take(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let size = Int(try line().split(separator: ";").first.map(String.init) ?? "", radix: 16) ?? 0
                if size == 0 {
                    while try !line().isEmpty {}
                    break
                }
                body += try take(size)
                _ = try take(2)
            }
        } else {
            // Until the peer closes.
            body = pending
            pending.removeAll()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = recv(descriptor, &buffer, buffer.count, 0)
                if n <= 0 { break }
                body += buffer[0..<n]
            }
            disconnect()
        }
        return Response(status: status, headers: headers, body: Data(body))
    }
}

/// JSON in and out, dates as ISO 8601 like the daemon.
enum JSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func encode(_ value: some Encodable) -> Data {
        // Only our own request types are encoded; they cannot fail.
        try! encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: SocketClient.Response) throws -> T {
        try decoder.decode(T.self, from: response.body)
    }
}
