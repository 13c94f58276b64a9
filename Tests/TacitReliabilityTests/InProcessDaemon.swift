import Foundation
import Logging
import TacitServer

/// The daemon in this process on its real Unix socket, with a clock file the test moves
/// (a test configuration). Its log lines go to `HOME/logs/daemon.log` for the plaintext sweep.
final class InProcessDaemon: @unchecked Sendable {
    let home: TemporaryHome
    let clockFile: URL
    let daemon: Daemon
    private var task: Task<Void, any Error>?

    init(scryptLog2N: Int, start: String = "2026-03-01T09:00:00Z") async throws {
        home = try TemporaryHome(prefix: "tb")
        try home.writeConfiguration(scryptLog2N: scryptLog2N)
        clockFile = home.url.appendingPathComponent("clock")
        try start.write(to: clockFile, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: home.logs, withIntermediateDirectories: true)
        let sink = FileLogSink(home.logs.appendingPathComponent("daemon.log"))
        var logger = Logger(label: "reliability") { _ in FileLogHandler(sink: sink) }
        logger.logLevel = .debug
        daemon = try await Daemon.prepare(.init(layout: HomeLayout(home: home.url), clockFile: clockFile), logger: logger)
    }

    var now: Date {
        let text = (try? String(contentsOf: clockFile, encoding: .utf8)) ?? ""
        return ISO8601DateFormatter().date(from: text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? Date()
    }

    func advance(seconds: Double) throws {
        let next = now.addingTimeInterval(seconds)
        try ISO8601DateFormatter().string(from: next).write(to: clockFile, atomically: true, encoding: .utf8)
    }

    func start() async {
        let ready = AsyncStream<Void>.makeStream()
        task = Task { [daemon] in try await daemon.run(signals: [], onReady: { ready.continuation.yield() }) }
        for await _ in ready.stream { break }
    }

    func stop() async throws {
        await daemon.stop()
        try await task?.value
        task = nil
    }
}

/// Appends log lines to a file, one per event, with their metadata (as an operator's log would).
final class FileLogSink: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle?

    init(_ url: URL) {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = FileHandle(forWritingAtPath: url.path)
    }

    func write(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        handle?.write(Data((line + "\n").utf8))
    }

    deinit { try? handle?.close() }
}

struct FileLogHandler: LogHandler {
    let sink: FileLogSink
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.write("\(event.level) \(event.message) \(merged)")
    }
}
