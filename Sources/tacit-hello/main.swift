// tacit-hello: a bare Hummingbird server on a Unix socket answering GET /v1/health with a small
// JSON body — the framework's own floor, measured beside the daemon in the same benchmark run.
//   tacit-hello SOCKET

import Foundation
import Hummingbird

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: tacit-hello SOCKET\n".utf8))
    exit(2)
}
let path = CommandLine.arguments[1]
unlink(path)
let router = Router()
router.get("v1/health") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok","version":"0.1.0"}"#)))
}
let app = Application(router: router, configuration: .init(address: .unixDomainSocket(path: path)))
try await app.runService()
