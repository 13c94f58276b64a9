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

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, policies: [String]? = nil,
         retryAfter: Int? = nil) {
        self.status = status
        self.detail = .init(code: code, message: message, policies: policies, retryAfter: retryAfter)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter = detail.retryAfter { headers[.retryAfter] = String(retryAfter) }
        let encoder = JSONEncoder()
        // Sorted keys: the same error is the same bytes, so answers cannot be told apart by layout.
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(APIErrorBody(detail))) ?? Data(#"{"error":{"code":"error","message":"error"}}"#.utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad-request", message) }
    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not-found", "no such \(what)") }
    static let unauthorized = APIError(.unauthorized, "unauthorized",
                                       "no valid session: log in with `tacit login`")
    static func denied(_ policies: [String]) -> APIError {
        APIError(.forbidden, "denied", "denied by policy \(policies.joined(separator: ", "))", policies: policies)
    }
    static func conflict(_ message: String) -> APIError { APIError(.conflict, "conflict", message) }
}
