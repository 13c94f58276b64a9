import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TacitAPI

/// Every route of the API, in one place; `docs/openapi.yaml` must list exactly these (a test checks).
enum Routes {
    static let version = "0.1.0"

    static func build(_ state: DaemonState) -> Router<TacitRequestContext> {
        let router = Router(context: TacitRequestContext.self)
        router.add(middleware: RequestLogMiddleware())
        let allowed = AllowedMethods()
        router.add(middleware: ErrorMiddleware(allowed: allowed, bodyLimit: state.configuration.bodyLimitBytes))
        router.add(middleware: BodyLimitMiddleware(limit: state.configuration.bodyLimitBytes))
        router.add(middleware: AuthenticationMiddleware(daemon: state))
        let v1 = router.group("v1")
        // The health answer never changes: its body and headers are built once, not at every
        // probe (a ByteBuffer is shared, not copied, by each response).
        let health = (try? JSONEncoder().encode(HealthResponse(status: "ok", version: version))).map { ByteBuffer(bytes: $0) }
        let healthHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        v1.get("health") { _, _ in
            guard let health else { return try Response.json(HealthResponse(status: "ok", version: version)) }
            return Response(status: .ok, headers: healthHeaders, body: .init(byteBuffer: health))
        }
        v1.get("instance-key") { _, _ in
            Response.text(InstanceKeys.publicKeyText(state.instanceKey.publicKey))
        }
        v1.get("openapi") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
        addSessionRoutes(to: v1, state: state)
        addGroupRoutes(to: v1, state: state)
        addEntryRoutes(to: v1, state: state)
        addShareRoutes(to: v1, state: state)
        addCycleRoutes(to: v1, state: state)
        addOperationRoutes(to: v1, state: state)
        addMetricsRoutes(to: v1, state: state)
        allowed.fill(router.routes)
        return router
    }
}

extension Response {
    /// How every JSON response is written (`JSONText` writes the same bytes for entries).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    /// A JSON response.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try encoded(value, status: status)
    }

    /// An entry as a JSON response: the same bytes as the generic form, written by `JSONText`.
    static func json(_ entry: EntryResponse, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let text = entry.jsonText() else { return try encoded(entry, status: status) }
        return Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: text))
    }

    private static func encoded(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// An empty 204.
    static var noContent: Response { Response(status: .noContent) }

    /// A plain-text response.
    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Refuses a body over the configured limit (413) before any handler reads it — except a
/// restore's upload, a whole database streamed to disk under a limit of its own (the JSON limit,
/// 1 MiB by default, had refused every backup larger than that).
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TacitRequestContext
    let limit: Int

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let streamed = request.method == .post && request.uri.path == "/v1/restore"
        if !streamed, let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ErrorMiddleware.tooLarge(limit)
        }
        return try await next(request, context)
    }
}
