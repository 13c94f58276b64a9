import Foundation
import TacitTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for the daemon on a Unix socket that answers every request with the canned answer
/// of the first route its request line starts with (`GET /v1/groups `), else 404: how a test
/// shows the CLI an answer the real daemon cannot be made to give (two groups whose ids share a
/// prefix, an error body of another shape).
final class CannedDaemon: Sendable {
    /// One answer: an HTTP status and a JSON body.
    struct Answer: Sendable {
        var status: Int
        var body: String
    }

    private let listener: UnixListener
    var path: String { listener.path }

    /// Listens on `path`; `answers` pairs the start of a request line with its answer.
    init(at path: String, answers: [(String, Answer)]) throws {
        listener = try UnixListener(at: path, what: "canned daemon") { client in Self.serve(client, answers: answers) }
    }

    /// Stops listening.
    func stop() { listener.stop() }

    /// Answers requests on one connection until the client closes it (bodies are read and ignored).
    private static func serve(_ client: Int32, answers: [(String, Answer)]) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            while let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                let length = head.split(separator: "\r\n").compactMap { line -> Int? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                    return Int(parts[1].trimmingCharacters(in: .whitespaces))
                }.first ?? 0
                guard pending.count >= end.upperBound + length else { break }
                pending.removeFirst(end.upperBound + length)
                let answer = answers.first { head.hasPrefix($0.0) }?.1
                    ?? Answer(status: 404, body: #"{"error": {"code": "not-found", "message": "no such route"}}"#)
                let response = "HTTP/1.1 \(answer.status) Canned\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(answer.body.utf8.count)\r\n\r\n\(answer.body)"
                guard UnixListener.sendAll(client, Array(response.utf8)[...]) else { return }
            }
            let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            pending += buffer[..<count]
        }
    }
}
