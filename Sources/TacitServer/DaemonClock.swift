import Foundation

/// Where the daemon's "now" comes from: the system clock, or — under a test configuration only —
/// a file read at each request, so the demo and end-to-end tests can walk a whole cycle.
///
/// Clients never supply the time: every decision uses this clock.
public enum DaemonClock: Sendable {
    /// The system clock.
    case system
    /// The time written in a file: ISO 8601 (`2026-03-02T09:00:00Z`) or Unix seconds.
    case file(URL)
    /// A fixed time (tests).
    case fixed(Date)

    /// The current time. A clock file that cannot be read or parsed falls back to the system clock
    /// and the problem is visible in `check()`.
    public func now() -> Date {
        switch self {
        case .system: Date()
        case .fixed(let date): date
        case .file(let url): (try? Self.read(url)) ?? Date()
        }
    }

    /// Fails when a clock file is unreadable or malformed (checked once at start).
    ///
    /// - Throws: `DaemonError.startup` with a message naming the file.
    public func check() throws {
        if case .file(let url) = self {
            do { _ = try Self.read(url) } catch {
                throw DaemonError.startup("the clock file \(url.path) must hold an ISO 8601 time or Unix seconds")
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
