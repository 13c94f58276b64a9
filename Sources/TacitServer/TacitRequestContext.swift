import Foundation
import Hummingbird
import Logging
import NIOCore
import TacitVault

/// The per-request context: the connection (for the peer's uid), a request id in the logger, and —
/// once `AuthenticationMiddleware` has run — who is asking.
struct TacitRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    let channel: any Channel
    /// The caller, when the request carried a live session token from the uid that opened it.
    var identity: Identity?
    /// The request carried a session token that had expired (the 401 then says so).
    var refusedSessionExpired = false

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        identity = nil
    }

    /// The authenticated caller, or 401.
    func requireIdentity() throws -> Identity {
        guard let identity else {
            if refusedSessionExpired {
                throw APIError(.unauthorized, "session-expired", "the session expired: log in again with `tacit login`")
            }
            throw APIError.unauthorized
        }
        return identity
    }

    /// The name in path parameter `parameter` as the client meant it, percent-decoded (the router
    /// leaves `%20` as it came; names given out before `Names` may hold a space), or "" when absent.
    func name(_ parameter: String) -> String {
        guard let raw = parameters.get(parameter) else { return "" }
        return raw.removingPercentEncoding ?? raw
    }
}

/// Who is asking: an unlocked session.
struct Identity: Sendable {
    /// The session's token as presented (to log out).
    let token: String
    /// The unlocked vault session, holding the principal's keys.
    let session: MemberSession
    /// The caller's uid.
    let uid: UInt32

    var principal: Principal { session.principal }
}
