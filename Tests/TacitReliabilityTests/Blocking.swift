import Foundation
import GRDB

/// Runs blocking work (sockets, sleeps, child processes) on a thread of its own, so the suite never
/// holds one of Swift's few cooperative threads while the rest of `swift test` runs beside it.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Starts `count` threads running `body(index)` and waits for all of them.
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
    group.wait()
}

/// `PRAGMA integrity_check` on a database file, as SQLite itself would open it after a crash.
func integrityCheck(_ database: URL) throws -> [String] {
    let queue = try DatabaseQueue(path: database.path)
    defer { try? queue.close() }
    return try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
}

/// How many records of each action the audit chain holds for each resource id, read from the
/// database file as SQLite itself opens it after a crash. Records are only ever appended, so each
/// `update` reads just those after the last one it saw: the crash soak calls it after every kill.
struct AuditTally {
    private(set) var counts: [String: [String: Int]] = [:]
    private var lastSequence: Int64 = 0

    mutating func update(_ database: URL) throws {
        let queue = try DatabaseQueue(path: database.path)
        defer { try? queue.close() }
        let rows = try queue.read {
            try Row.fetchAll($0, sql: "SELECT sequence, record FROM audit_record WHERE sequence > ? ORDER BY sequence",
                             arguments: [lastSequence])
        }
        for row in rows {
            lastSequence = row["sequence"]
            let record: Data = row["record"]
            // Length-prefixed fields (two bytes, then the bytes): domain label, sequence, time, actor, action, resource, …
            var fields: [Data] = []
            var index = record.startIndex
            while index + 2 <= record.endIndex, fields.count < 6 {
                let length = Int(record[index]) << 8 | Int(record[index + 1])
                guard index + 2 + length <= record.endIndex else { break }
                fields.append(record[(index + 2)..<(index + 2 + length)])
                index += 2 + length
            }
            guard fields.count == 6 else { continue }
            let action = String(decoding: fields[4], as: UTF8.self), resource = String(decoding: fields[5], as: UTF8.self)
            counts[action, default: [:]][resource, default: 0] += 1
        }
    }

    /// Records of `action` naming `id` (lowercase text, as the daemon writes resource ids).
    func count(_ action: String, _ id: UUID) -> Int { counts[action]?[id.uuidString.lowercased()] ?? 0 }
}

/// Percentile of sorted values (nearest rank).
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// A flag the client threads poll.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    func set() { lock.lock(); stopped = true; lock.unlock() }
}

/// Wall-clock seconds per named phase of a repeated round: the mean over all rounds and over the
/// latest 100, in the order the phases first ran.
struct PhaseClock {
    private var order: [String] = []
    private var totals: [String: Double] = [:]
    private var recent: [[String: Double]] = []
    private var current: [String: Double] = [:]
    private var running: (name: String, since: Date)?
    private(set) var rounds = 0

    /// Ends the running phase, if any, and starts `name`.
    mutating func begin(_ name: String) {
        stop()
        if !order.contains(name) { order.append(name) }
        running = (name, Date())
    }

    /// Ends the running phase and the round.
    mutating func endRound() {
        stop()
        for (name, seconds) in current { totals[name, default: 0] += seconds }
        recent.append(current)
        if recent.count > 100 { recent.removeFirst() }
        current = [:]
        rounds += 1
    }

    /// "phase mean (latest 100: mean)" for each phase.
    var summary: String {
        guard rounds > 0 else { return "no round ended" }
        return order.map { name in
            let all = (totals[name] ?? 0) / Double(rounds)
            let latest = recent.reduce(0) { $0 + ($1[name] ?? 0) } / Double(recent.count)
            return "\(name) " + String(format: "%.3f (latest %d: %.3f)", all, recent.count, latest)
        }.joined(separator: ", ")
    }

    private mutating func stop() {
        guard let running else { return }
        current[running.name, default: 0] += Date().timeIntervalSince(running.since)
        self.running = nil
    }
}
