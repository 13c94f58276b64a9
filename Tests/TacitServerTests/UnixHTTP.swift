import Foundation
import Glibc
import TacitTestSupport

/// A minimal HTTP/1.1 client over a Unix socket, for live tests: one request per connection.
enum UnixHTTP {
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: Data
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `request` on a thread of its own. The daemon under test runs in this process, on Swift's
    /// cooperative pool (as many threads as cores: two here); a blocking read on the test's task
    /// holds one of them, and with a parallel test holding the other the daemon cannot answer
    /// (a ThreadSanitizer run of the whole suite failed that way).
    static func send(socket path: String, _ method: String, _ target: String, token: String? = nil,
                     body: String? = nil, timeout: Int = 10) async throws -> Response {
        try await onOwnThread { try request(socket: path, method, target, token: token, body: body, timeout: timeout) }
    }

    static func request(socket path: String, _ method: String, _ target: String, token: String? = nil,
                        body: String? = nil, timeout: Int = 10) throws -> Response {
        let descriptor = try connect(path)
        defer { close(descriptor) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        let payload = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(payload.count)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + payload
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(description: "send failed (errno \(errno))") }
            sent += n
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(descriptor, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return try parse(received)
    }

    /// `POST target` with a body of `size` bytes sent as chunks (no Content-Length), as a streaming
    /// client sends it; a server that answers before the end and closes is not an error (the rest is
    /// not sent), and its answer is returned.
    static func postChunked(socket path: String, _ target: String, token: String? = nil, size: Int,
                            timeout: Int = 10) async throws -> Response {
        try await onOwnThread {
            let descriptor = try connect(path)
            defer { close(descriptor) }
            var tv = timeval(tv_sec: timeout, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            func put(_ bytes: [UInt8]) -> Bool {
                var sent = 0
                while sent < bytes.count {
                    // An answer already there (the server refused the body early): stop sending.
                    var ready = pollfd(fd: descriptor, events: Int16(POLLIN | POLLOUT), revents: 0)
                    guard poll(&ready, 1, Int32(timeout * 1000)) > 0, ready.revents & Int16(POLLIN) == 0 else { return false }
                    let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    guard n > 0 else { return false }
                    sent += n
                }
                return true
            }
            let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
            var going = put(Array(("POST \(target) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\(authorization)"
                                   + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").utf8))
            let chunk = 65_536
            var left = size
            while going && left > 0 {
                let count = min(chunk, left)
                going = put(Array("\(String(count, radix: 16))\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: count) + Array("\r\n".utf8))
                left -= count
            }
            if going { _ = put(Array("0\r\n\r\n".utf8)) }
            // Read up to the end of the answer (its Content-Length): a server that answered before
            // the body ended need not close at once.
            var received = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                if let answer = try? parse(received), let length = answer.headers["content-length"].flatMap(Int.init),
                   answer.body.count >= length { return answer }
                let n = recv(descriptor, &buffer, buffer.count, 0)
                if n <= 0 { break }
                received.append(contentsOf: buffer[0..<n])
            }
            return try parse(received)
        }
    }

    /// Sends `bytes` as they are on a connection of its own thread, and returns everything
    /// received until the daemon closes it (or `timeout` seconds pass without a byte).
    static func exchange(socket path: String, _ bytes: String, timeout: Int = 10) async throws -> Data {
        try await onOwnThread {
            let descriptor = try connect(path)
            defer { close(descriptor) }
            var tv = timeval(tv_sec: timeout, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let payload = Array(bytes.utf8)
            _ = payload.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var data = Data(), buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(descriptor, &buffer, buffer.count, 0)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            return data
        }
    }

    static func connect(_ path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let result = withUnixSocketAddress(path) { Glibc.connect(descriptor, $0, $1) }
        guard result == 0 else {
            close(descriptor)
            throw Failure(description: "connect \(path) failed (errno \(errno))")
        }
        return descriptor
    }

    static func parse(_ data: Data) throws -> Response {
        // The server closed without a byte: the request was never taken up (e.g. still in the
        // listen queue when the daemon stopped). Status 0 says so; a partial answer is an error.
        if data.isEmpty { return Response(status: 0, headers: [:], body: Data()) }
        guard let split = data.firstRange(of: Data("\r\n\r\n".utf8)) else { throw Failure(description: "no header end") }
        let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/1.1 "),
              let status = Int(statusLine.dropFirst(9).prefix(3)) else { throw Failure(description: "bad status line") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[split.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: Data) -> Data {
        var output = Data()
        var rest = data[...]
        while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)) {
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd.upperBound
            output.append(rest[start..<(start + size)])
            rest = rest[(start + size + 2)...]
        }
        return output
    }
}

/// Runs blocking work (a socket read, a child process) on a new thread and waits for it without
/// holding a thread of Swift's cooperative pool.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
