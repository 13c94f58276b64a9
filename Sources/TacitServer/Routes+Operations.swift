import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TacitAPI
import TacitCrypto
import TacitPolicy
import TacitVault

extension Routes {
    static func addOperationRoutes(to v1: RouterGroup<TacitRequestContext>, state: DaemonState) {
        let limit = state.configuration.bodyLimitBytes

        // A jot needs no unlock, only the capture token from the last login; the daemon seals it
        // only when the public key the client remembers equals the stored one.
        v1.post("jots") { request, context in
            guard let header = request.headers[.authorization], header.hasPrefix("Capture "),
                  let principalID = try await state.vault.principal(forCaptureToken: String(header.dropFirst(8))),
                  let principal = try await state.vault.principal(principalID) else {
                throw APIError(.unauthorized, "unauthorized", "no valid capture token: log in once with `tacit login`")
            }
            var request = request
            let input = try await request.decodeStrictly(JotRequest.self, limit: limit)
            guard !input.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIError.badRequest("a jot needs some text")
            }
            guard let key = Data(base64Encoded: input.agreementKey), key.count == 32 else {
                throw APIError.badRequest("agreementKey must be the base64 of a 32-byte key")
            }
            // The jot's audit record commits with it.
            let id = try await state.vault.jot(input.text, for: principal.id, expectedKey: [UInt8](key),
                                               recording: auditDraft(state, actor: principal.id, "jot"))
            return try Response.json(CreatedResponse(id: id.uuid), status: .created)
        }

        // The database streamed to the operator; the daemon writes to no path a client names.
        v1.get("backup") { _, context in
            let identity = try context.requireIdentity()
            try await PolicyGate(state: state).require(identity.principal, "backup", on: PolicyGate.instance,
                                                       entities: [Entity(PolicyGate.instance)], hideExistence: false,
                                                       what: "instance")
            try await audit(state, identity, "backup", "database")
            let stream = state.vault.backup()
            let body = ResponseBody { writer in
                for try await chunk in stream {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: body)
        }

        // A backup uploaded by the operator is checked and staged beside the database; it replaces
        // the database when the daemon restarts with --accept-restore.
        v1.post("restore") { request, context in
            let identity = try context.requireIdentity()
            try await PolicyGate(state: state).require(identity.principal, "restore", on: PolicyGate.instance,
                                                       entities: [Entity(PolicyGate.instance)], hideExistence: false,
                                                       what: "instance")
            let staged = state.layout.data.appendingPathComponent("restore.sqlite")
            let temporary = state.layout.data.appendingPathComponent(".restore-upload")
            _ = FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
            guard let handle = try? FileHandle(forWritingTo: temporary) else {
                throw APIError(.serviceUnavailable, "storage", "cannot stage the upload")
            }
            var total = 0
            do {
                for try await chunk in request.body {
                    total += chunk.readableBytes
                    guard total <= 64 << 30 else { throw APIError(.contentTooLarge, "too-large", "the backup is too large") }
                    try handle.write(contentsOf: Data(buffer: chunk))
                }
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
            // A sound Tacit database, and this instance's (not another organisation's).
            let origin: Vault.BackupOrigin
            do {
                defer { Daemon.removeSidecars(of: temporary) }
                try Vault.checkBackup(at: temporary)
                origin = Vault.origin(ofBackupAt: temporary, for: state.layout.data.appendingPathComponent(Vault.databaseFileName))
            } catch let error as VaultError {
                try? FileManager.default.removeItem(at: temporary)
                throw APIError.badRequest("the backup is refused: \(error.message)")
            }
            if let refusal = Daemon.refusal(of: origin) {
                try? FileManager.default.removeItem(at: temporary)
                throw APIError.badRequest(refusal)
            }
            // Recorded before it is staged: a backup the record could not be written for is not kept.
            do {
                try await audit(state, identity, "restore", "database")
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
            try? FileManager.default.removeItem(at: staged)
            try FileManager.default.moveItem(at: temporary, to: staged)
            return try Response.json(["status": "staged", "next": "stop the daemon and run `tacit serve --accept-restore`"],
                                     status: .accepted)
        }
    }
}
