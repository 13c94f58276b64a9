import Foundation
import Logging
import TacitCrypto

/// Where the daemon's "now" comes from: the system clock, or — under a test configuration only —
/// a file read at each request, so the demo and end-to-end tests can walk a whole cycle.
///
/// Clients never supply the time: every decision uses this clock.
public enum DaemonClock: Sendable {
    /// The system clock.
    case system
    /// The time written in a file: ISO 8601 (`2026-03-02T09:00:00Z`) or Unix seconds.
    case file(ClockFile)
    /// A fixed time (tests).
    case fixed(Date)

    /// The current time.
    public func now() -> Date {
        switch self {
        case .system: Date()
        case .fixed(let date): date
        case .file(let file): file.now()
        }
    }

    /// Fails when a clock file is unreadable or malformed (checked once at start).
    ///
    /// - Throws: `DaemonError.startup` with a message naming the file.
    public func check() throws {
        if case .file(let file) = self {
            guard FileManager.default.fileExists(atPath: file.url.path) else {
                throw DaemonError.startup("the clock file \(file.url.path) does not exist: write a time into it first "
                                          + "(ISO 8601 or Unix seconds)")
            }
            do { _ = try file.readNow() } catch {
                throw DaemonError.startup("the clock file \(file.url.path) must hold an ISO 8601 time or Unix seconds")
            }
        }
    }

    static func read(_ url: URL) throws -> Date {
        let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        if let seconds = Int64(text) { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        struct Malformed: Error {}
        throw Malformed()
    }
}

/// A clock file read at each request. While it cannot be read or parsed (a test halfway through
/// writing it, a typo) the daemon keeps the last time it read, and says so once in its log until the
/// file reads again: falling back to the system clock had moved a test's cycle months at once.
public final class ClockFile: Sendable {
    /// The file.
    public let url: URL
    private let logger: Logger?
    private let state = Locked<(last: Date?, failing: Bool)>((nil, false))

    /// A clock reading `url`; problems are logged to `logger`.
    public init(_ url: URL, logger: Logger? = nil) {
        self.url = url
        self.logger = logger
    }

    /// The file's time, or while it does not read, the last time it did (the system's before any).
    func now() -> Date {
        if let date = try? readNow() { return date }
        let (last, first) = state.withLock { state in
            defer { state.failing = true }
            return (state.last, !state.failing)
        }
        if first {
            logger?.warning("the clock file does not hold a time: keeping the last time it held",
                            metadata: ["file": "\(url.path)"])
        }
        return last ?? Date()
    }

    /// Reads the file, and remembers the time as the last good one.
    func readNow() throws -> Date {
        let date = try DaemonClock.read(url)
        state.withLock { $0 = (date, false) }
        return date
    }
}
