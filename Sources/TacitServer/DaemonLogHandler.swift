import Foundation
import Glibc
import Logging

/// The daemon's log lines, one per event, on standard error (or wherever `write` sends them):
/// `2026-03-01T09:00:00Z info tacit: key=value … message`.
///
/// swift-log's `StreamLogHandler` renders its metadata into text whenever metadata is set, and
/// Hummingbird sets a request id on every request's logger: every request paid for a rendering
/// that nobody read below the log level (2 % of the daemon's CPU serving shared reads at eight
/// connections). This handler renders only the lines it writes.
public struct DaemonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: where finished lines go (each ends in a newline); standard error by default.
    public init(label: String, logLevel: Logger.Level, write: @escaping @Sendable (String) -> Void = DaemonLogHandler.standardError) {
        self.label = label
        self.logLevel = logLevel
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = "\(Date.now.formatted(.iso8601)) \(event.level) \(label):"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += " \(event.message)\n"
        write(line)
    }

    /// Writes a line to standard error in one `write` (lines from several threads do not interleave).
    public static let standardError: @Sendable (String) -> Void = { line in writeLine(line, to: STDERR_FILENO) }

    /// Writes `line` to `descriptor` with write(2), going on after a short write or a signal. Output
    /// that has gone away (a closed pipe, a full disk) loses the line and the daemon goes on:
    /// Foundation's `FileHandle.write` stops the process on any failure.
    public static func writeLine(_ line: String, to descriptor: Int32) {
        var rest = Array(line.utf8)[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            rest = rest.dropFirst(written)
        }
    }
}
