import Foundation
import HTTPTypes
import Hummingbird
import TacitAPI

/// A client error with a JSON body: the only way the daemon reports failure to a client.
///
/// Every message is written for a person and carries no content, passphrase, token or key. A
/// resource the caller may not learn about answers 404, not 403, so existence does not leak.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let detail: APIErrorBody.Detail
    /// The methods a path answers, for a 405's `Allow` header.
    var allow: [String]?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, policies: [String]? = nil,
         retryAfter: Int? = nil) {
        self.status = status
        self.detail = .init(code: code, message: message, policies: policies, retryAfter: retryAfter)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter = detail.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let allow { headers[.allow] = allow.joined(separator: ", ") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: jsonText()))
    }

    /// The body, `{"error":{…}}`, as `JSONEncoder` with sorted keys writes `APIErrorBody` (the same
    /// error is the same bytes, so answers cannot be told apart by layout). Written directly: the
    /// encoder's generic walk was 8.9% of the daemon's CPU answering 404s at eight connections (2.1%
    /// written directly), and refusals should stay cheap.
    func jsonText() -> ByteBuffer {
        var json = JSONText(capacity: 64 + detail.code.utf8.count + detail.message.utf8.count
                            + (detail.policies ?? []).reduce(0) { $0 + $1.utf8.count + 3 })
        json.raw("{\"error\":{\"code\":")
        json.string(detail.code)
        json.raw(",\"message\":")
        json.string(detail.message)
        if let policies = detail.policies {
            json.raw(",\"policies\":[")
            for (index, policy) in policies.enumerated() {
                if index > 0 { json.raw(",") }
                json.string(policy)
            }
            json.raw("]")
        }
        if let retryAfter = detail.retryAfter {
            json.raw(",\"retryAfter\":")
            json.int(retryAfter)
        }
        json.raw("}}")
        return json.buffer
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad-request", message) }
    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not-found", "no such \(what)") }
    static let unauthorized = APIError(.unauthorized, "unauthorized",
                                       "no valid session: log in with `tacit login`")
    /// `failed`: those of `policies` that denied because they could not be evaluated on this
    /// request (a forbid fails closed), said so rather than as if their condition held.
    static func denied(_ policies: [String], failed: Set<String> = []) -> APIError {
        let failing = policies.filter(failed.contains)
        let note = failing.isEmpty ? ""
            : " (\(failing.joined(separator: ", ")) could not be evaluated on this request, and a rule that cannot be evaluated denies)"
        return APIError(.forbidden, "denied", "denied by policy \(policies.joined(separator: ", "))\(note)", policies: policies)
    }
    /// A path that exists, asked with a method it does not answer.
    static func methodNotAllowed(_ method: String, allowed: [String]) -> APIError {
        var error = APIError(.methodNotAllowed, "method-not-allowed",
                             "\(method) is not served here; this path answers \(allowed.joined(separator: ", "))")
        error.allow = allowed
        return error
    }
    static func conflict(_ message: String) -> APIError { APIError(.conflict, "conflict", message) }
}
