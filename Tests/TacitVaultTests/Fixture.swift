import Foundation
import TacitCrypto
@testable import TacitVault

/// A settable clock for tests.
final class TestClock: Sendable {
    let date: Locked<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_767_225_600)) { date = Locked(start) } // 2026-01-01
    var clock: VaultClock { VaultClock { [self] in date.withLock { $0 } } }
    func advance(days: Double) { date.withLock { $0 += days * 86_400 } }
    func set(_ d: Date) { date.withLock { $0 = d } }
}

/// A temporary home with a short path (sockets and SQLite like short paths) and a vault in it.
final class Fixture: @unchecked Sendable {
    let root: URL
    let clock = TestClock()
    var vault: Vault!

    var data: URL { root.appendingPathComponent("Data") }
    var keys: URL { root.appendingPathComponent("Keys") }
    var configuration: VaultConfiguration { .testing(clock: clock.clock) }

    init() async throws {
        var template = Array("/tmp/tv-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw VaultError(.storage, "mkdtemp failed") }
        root = URL(fileURLWithPath: String(cString: made))
        vault = try await Vault.open(directory: data, keysDirectory: keys, configuration: configuration)
    }

    func reopen(acceptRestore: Bool = false) async throws {
        try vault?.close()
        vault = nil
        vault = try await Vault.open(directory: data, keysDirectory: keys, configuration: configuration,
                                     acceptRestore: acceptRestore)
    }

    deinit {
        try? vault?.close()
        try? FileManager.default.removeItem(at: root)
    }

    static func passphrase(_ name: String) -> SecretBytes { SecretBytes(utf8: "a long passphrase for \(name)!") }

    @discardableResult
    func enroll(_ name: String, role: PrincipalRole = .member, group: GroupID? = nil) async throws -> Enrollment {
        let code = try await vault.createEnrollmentCode(name: name, role: role, group: group)
        return try await vault.enroll(code: code.code, name: name, passphrase: Self.passphrase(name))
    }

    func unlock(_ name: String) async throws -> MemberSession {
        try await vault.unlock(name: name, passphrase: Self.passphrase(name))
    }

    /// A group of `names` (the first is the facilitator) with a cycle whose session 1 was yesterday.
    func group(_ names: [String]) async throws -> (Group, Cycle, [String: MemberSession]) {
        let group = try await vault.createGroup(name: "g-\(UUID().uuidString.prefix(6).lowercased())")
        var sessions: [String: MemberSession] = [:]
        for name in names {
            let enrollment = try await enroll(name, group: group.id)
            _ = enrollment
        }
        let facilitator = try await vault.principal(named: names[0])!
        try await vault.appointFacilitator(facilitator.id, of: group.id)
        for name in names { sessions[name] = try await unlock(name) }
        let now = clock.clock.now()
        // Planned ahead, as cycles are, three days ago: its session 1 was two days ago.
        clock.set(now.addingTimeInterval(-86_400 * 3))
        defer { clock.set(now) }
        let cycle = try await sessions[names[0]]!.createCycle(in: group.id, session1: now.addingTimeInterval(-86_400 * 2),
                                                              session2: now.addingTimeInterval(86_400 * 30),
                                                              plan: CyclePlan(topics: ["feedback"]))
        return (group, cycle, sessions)
    }

    func id(_ name: String) async throws -> PrincipalID { try await vault.principal(named: name)!.id }

    /// Runs SQL directly on the database file, as an attacker with the disk would.
    func sql(_ statements: String, _ arguments: [any Sendable] = []) throws {
        try vault.storage.pool.write { db in
            try db.execute(sql: statements, arguments: StatementArgumentsBox.make(arguments))
        }
    }

    /// Every file of the database and of Keys/, as raw bytes.
    func rawFiles() throws -> [(String, Data)] {
        var files: [(String, Data)] = []
        for dir in [data, keys] {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                let path = dir.appendingPathComponent(name).path
                if let contents = FileManager.default.contents(atPath: path) { files.append((path, contents)) }
            }
        }
        return files
    }
}

import GRDB

enum StatementArgumentsBox {
    static func make(_ values: [any Sendable]) -> StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case let v as Data: v
            case let v as [UInt8]: Data(v)
            case let v as UUID: v
            case let v as Int: v
            case let v as Int64: v
            case let v as String: v
            default: nil
            }
        })
    }
}

extension Data {
    func occurrences(of needle: Data) -> Int {
        guard !needle.isEmpty, count >= needle.count else { return 0 }
        var n = 0
        var start = startIndex
        while let range = self.range(of: needle, in: start..<endIndex) {
            n += 1
            start = range.lowerBound + 1
        }
        return n
    }
}

func expectVaultError(_ code: VaultError.Code, _ body: () async throws -> Void,
                      sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        try await body()
        Issue.record("expected \(code.rawValue), got success", sourceLocation: sourceLocation)
    } catch let error as VaultError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected VaultError \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

import Testing
