import Foundation
import Hummingbird
import Testing
@testable import TacitServer

/// `docs/openapi.yaml` and the router list exactly the same operations.
@Suite struct OpenAPIDocumentTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let test = try await TestDaemon()
        let routed = Set(test.daemon.router().routes.map { route in
            let path = "\(route.path)".split(separator: "/").map { segment -> String in
                segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
            }.joined(separator: "/")
            return "\(route.method.rawValue) /\(path)"
        })
        // The document is JSON-shaped YAML (see Scripts/gen-openapi.py), after one comment line.
        let text = OpenAPIDocument.text.split(separator: "\n", maxSplits: 1)[1]
        let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        var documented = Set<String>()
        for (path, item) in document["paths"] as! [String: [String: Any]] {
            for method in item.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        #expect(routed.subtracting(documented).isEmpty, "routes missing from docs/openapi.yaml")
        #expect(documented.subtracting(routed).isEmpty, "documented operations the daemon does not serve")
        #expect(routed.count >= 40)
    }

    @Test func theServedDocumentIsTheRepositoryFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")
        #expect(try String(contentsOf: file, encoding: .utf8) == OpenAPIDocument.text)
    }
}
