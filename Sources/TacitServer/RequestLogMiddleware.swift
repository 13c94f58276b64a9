import Foundation
import Hummingbird
import Logging

/// Logs each request with its request id: method, path without the query string (a search query
/// is content), status and duration. Never bodies, tokens or query values.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = TacitRequestContext

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let path = request.uri.path
        do {
            let response = try await next(request, context)
            context.logger.info("request", metadata: [
                "method": "\(request.method)", "path": "\(path)", "status": "\(response.status.code)",
                "ms": "\(Self.milliseconds(ContinuousClock.now - start))",
            ])
            return response
        } catch let error as APIError {
            context.logger.info("request", metadata: [
                "method": "\(request.method)", "path": "\(path)", "status": "\(error.status.code)",
                "error": "\(error.detail.code)",
            ])
            throw error
        }
    }

    /// Whole milliseconds of `duration` (its seconds too, not only the fraction).
    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
