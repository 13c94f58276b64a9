import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import TacitVault

/// Turns every error a handler throws into a JSON 4xx (or, for a fault of the daemon itself, a JSON
/// 500 that says nothing more): no stack, no content, no bound values.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = TacitRequestContext
    /// The router's paths and their methods, for telling a wrong method from a missing route.
    let allowed: AllowedMethods
    /// The body limit, in bytes, which a 413 states: text kept by the CLI after one is shortened
    /// to fit it.
    var bodyLimit = 1 << 20

    var tooLarge: APIError { Self.tooLarge(bodyLimit) }

    /// The 413 for a body over `limit` bytes, the limit stated ("of 1048576 bytes (1 MiB)"),
    /// whether it was found from Content-Length or while the body was read.
    static func tooLarge(_ limit: Int) -> APIError {
        let round = limit % (1 << 20) == 0 ? " (\(limit >> 20) MiB)" : limit % 1024 == 0 ? " (\(limit >> 10) KiB)" : ""
        return APIError(.contentTooLarge, "too-large", "the request body is over the daemon's limit of \(limit) bytes\(round)")
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as VaultError {
            throw Self.map(error)
        } catch let error as HTTPError {
            switch error.status {
            case .contentTooLarge:
                throw tooLarge
            case .notFound:
                // The router answers 404 for a path it has under another method too.
                let methods = allowed.methods(at: request.uri.path)
                if !methods.isEmpty, !methods.contains(request.method.rawValue) {
                    throw APIError.methodNotAllowed(request.method.rawValue, allowed: methods)
                }
                throw APIError.notFound("route")
            case .methodNotAllowed:
                throw APIError(.methodNotAllowed, "method-not-allowed", "that method is not allowed here")
            default:
                throw APIError(error.status, "bad-request", error.status.reasonPhrase)
            }
        } catch let error as SecretFields.Malformed {
            throw APIError.badRequest(error.message)
        } catch is DecodingError {
            throw APIError.badRequest("the JSON body does not have the expected fields and types")
        } catch is NIOTooManyBytesError {
            // A body with no Content-Length (chunked) is only found too large while it is read.
            throw tooLarge
        } catch is HTTPParserError {
            // A request cut short or malformed while its body was read: the client's, not the daemon's.
            throw APIError.badRequest("the request could not be read: it is malformed or was cut short")
        } catch {
            context.logger.error("unexpected error", metadata: ["type": "\(type(of: error))"])
            throw APIError(.internalServerError, "internal", "the daemon could not complete the request")
        }
    }

    /// Maps vault errors to the status a client should see. Their messages carry no content.
    static func map(_ error: VaultError) -> APIError {
        switch error.code {
        case .invalidCredentials: APIError(.unauthorized, "invalid-credentials", "wrong name or passphrase")
        case .weakPassphrase: APIError(.unprocessableContent, "weak-passphrase", error.message)
        case .enrollmentCodeInvalid, .enrollmentCodeExpired, .enrollmentCodeUsed:
            APIError(.unauthorized, error.code.rawValue, error.message)
        case .nameUnavailable: APIError(.conflict, "name-unavailable", error.message)
        case .principalDisabled: APIError(.forbidden, "principal-disabled", error.message)
        case .notFound: APIError(.notFound, "not-found", error.message)
        case .locked: APIError(.unauthorized, "session-expired", "the session ended: log in again with `tacit login`")
        case .authenticationFailed: APIError(.conflict, "tampered", error.message)
        case .integrityViolation: APIError(.conflict, "integrity", error.message)
        case .peerKeyUnconfirmed: APIError(.conflict, "key-changed", error.message)
        case .notPermitted: APIError(.forbidden, "not-permitted", error.message)
        case .invalidInput: APIError(.badRequest, "invalid-input", error.message)
        case .versionConflict: APIError(.preconditionFailed, "version-conflict", error.message)
        case .alreadyShared: APIError(.conflict, "already-shared", error.message)
        default: APIError(.serviceUnavailable, error.code.rawValue, error.message)
        }
    }
}
