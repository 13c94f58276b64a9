import Hummingbird
import TacitCrypto

/// Which methods each of the router's paths answers, so that a request with the wrong method on a
/// path that exists is told 405 and the methods it may use (`Allow`), not 404 "no such route".
///
/// Filled once, after the routes are added (the error middleware that asks is added before them).
final class AllowedMethods: Sendable {
    private let routes = Locked<[(path: RouterPath, method: String)]>([])

    /// Keeps the router's routes; called once the last route is added.
    func fill(_ described: [Router<TacitRequestContext>.RouteDescription]) {
        routes.withLock { $0 = described.map { ($0.path, $0.method.rawValue) } }
    }

    /// The methods served at `path` (no query), in the order HTTP lists them; empty when no route
    /// has this path.
    func methods(at path: String) -> [String] {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        let found = routes.withLock { routes in
            Set(routes.filter { route in
                route.path.count == components.count && zip(route.path, components).allSatisfy { $0 ~= $1 }
            }.map(\.method))
        }
        let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        return found.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
    }
}
