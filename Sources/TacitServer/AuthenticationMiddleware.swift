import Foundation
import HTTPTypes
import Hummingbird

/// Resolves `Authorization: Bearer TOKEN` to a live session bound to the connecting uid. A request
/// without a bearer token passes through unauthenticated (public routes, and `POST /v1/jots` with its
/// `Capture` token, decide for themselves); a bad,
/// expired or foreign token is refused with the same 401, so nothing about other sessions leaks.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = TacitRequestContext
    let daemon: DaemonState

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        // Only a bearer token names a session; another scheme (`Capture` for jots) is its route's to check.
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return try await next(request, context)
        }
        guard header.count < 200 else { throw APIError.unauthorized }
        let token = String(header.dropFirst("Bearer ".count))
        guard let uid = await daemon.peers.uid(of: context.channel) ?? daemon.testingUID else {
            throw APIError.unauthorized
        }
        switch daemon.authenticate(token: token, uid: uid) {
        case .success(let session):
            var context = context
            context.identity = Identity(token: token, session: session.handle, uid: uid)
            context.logger[metadataKey: "principal"] = .stringConvertible(session.principal)
            return try await next(request, context)
        case .failure(let refusal):
            // A stale token does not block public routes (logging in again, health): the request
            // goes on unauthenticated, and a route that needs a session answers the same 401.
            context.logger.notice("session refused", metadata: ["reason": "\(refusal)"])
            var context = context
            context.refusedSessionExpired = refusal == .expired
            return try await next(request, context)
        }
    }
}
