import Foundation
import Logging
import Synchronization
import TacitCrypto
import Testing
@testable import TacitServer

/// The daemon's log handler writes what reaches its level, with every piece of metadata, and
/// renders nothing for lines below it (Hummingbird sets a request id on every request's logger).
@Suite struct DaemonLogHandlerTests {
    /// Counts how often it is turned into text.
    final class Rendered: CustomStringConvertible, Sendable {
        let count = Atomic(0)
        var description: String {
            count.add(1, ordering: .relaxed)
            return "r-1"
        }
    }

    @Test func linesAtTheLevelCarryTheirMetadataOthersAreNeverRendered() {
        let lines = Locked<[String]>([])
        var logger = Logger(label: "tacit") { DaemonLogHandler(label: $0, logLevel: .info, write: { line in lines.withLock { $0.append(line) } }) }
        let rendered = Rendered()
        logger[metadataKey: "request"] = .stringConvertible(rendered)
        logger.debug("below the level", metadata: ["path": "/v1/health"])
        #expect(rendered.count.load(ordering: .relaxed) == 0)
        #expect(lines.withLock { $0.isEmpty })

        logger.info("request", metadata: ["status": "200", "path": "/v1/feed"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try! #require(written.first)
        #expect(line.hasSuffix(" info tacit: path=/v1/feed request=r-1 status=200 request\n"))
        #expect(rendered.count.load(ordering: .relaxed) == 1)
        // The time comes first, in ISO 8601.
        let time = String(line.prefix { $0 != " " })
        #expect((try? Date.ISO8601FormatStyle().parse(time)) != nil, "\(time)")
    }
}
