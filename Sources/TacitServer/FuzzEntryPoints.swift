import Foundation
import NIOCore
import TacitAPI

/// Entry points for the libFuzzer targets in `Fuzz/` (not used by the daemon itself): each runs one
/// of the daemon's request decoders on untrusted bytes exactly as a request handler would.
public enum FuzzEntryPoints {
    /// Runs `bytes` through the strict JSON decoding of every request body type and through the
    /// secret-field reader of unlock and enrollment. Every outcome must be a value or a client
    /// error (`APIError` 400, a `DecodingError` the error middleware answers with 400, or
    /// `SecretFields.Malformed`); anything else traps, a fuzzer finding.
    ///
    /// - Returns: how many decoders accepted the bytes.
    @discardableResult
    public static func decodeRequestBody(_ bytes: [UInt8]) -> Int {
        let data = Data(bytes)
        var accepted = 0
        func strictly<T: Codable>(_: T.Type) {
            do {
                _ = try StrictJSON.decode(T.self, from: data)
                accepted += 1
            } catch let error as APIError {
                precondition(error.status == .badRequest, "a request body gave \(error.status), not 400")
            } catch is DecodingError {
                // From the second, untyped parse; ErrorMiddleware answers it with a 400 too.
            } catch {
                preconditionFailure("a request body gave an error that is no client error: \(Swift.type(of: error))")
            }
        }
        strictly(EntryInput.self)
        strictly(ShareRequest.self)
        strictly(CycleCreateRequest.self)
        strictly(GroupCreateRequest.self)
        strictly(NameRequest.self)
        strictly(InvitationRequest.self)
        strictly(ConfirmKeyRequest.self)
        strictly(JotRequest.self)
        strictly(MetricsExportRequest.self)
        var buffer = ByteBuffer(bytes: bytes)
        if let fields = try? SecretFields(consuming: &buffer, allowed: ["name", "passphrase", "code", "current", "new", "rotate"]) {
            accepted += 1
            _ = try? fields.text("name")
        }
        precondition(buffer.readableBytesView.allSatisfy { $0 == 0 }, "the secret-field reader left the body readable")
        return accepted
    }
}
