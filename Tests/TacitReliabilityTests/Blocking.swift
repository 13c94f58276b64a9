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

/// How many records of `action` the audit chain of a database file (read as SQLite itself opens it
/// after a crash) holds for each resource id. A record names its resource as the id's lowercase text.
func auditedResources(_ database: URL, action: String) throws -> [String: Int] {
    let queue = try DatabaseQueue(path: database.path)
    defer { try? queue.close() }
    let records = try queue.read { try Data.fetchAll($0, sql: "SELECT record FROM audit_record") }
    // Fields are length-prefixed: the action's length byte, then its text, then the resource's.
    let marker = Data([UInt8(action.utf8.count)] + Array(action.utf8))
    var counts: [String: Int] = [:]
    for record in records {
        guard let found = record.range(of: marker) else { continue }
        let resource = record[found.upperBound...].dropFirst(2).prefix(36)
        counts[String(decoding: resource, as: UTF8.self), default: 0] += 1
    }
    return counts
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
