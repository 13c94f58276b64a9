import Foundation
import Testing
import TacitCrypto
import TacitVault

/// Random byte flips in copies of a populated database. Every read is compared with a plaintext
/// record of what was written, kept in the test's memory: each read answers the right content or
/// an error — never wrong plaintext, never a crash (a crash would end this process, and the run).
///
/// `TACIT_FLIPS` sets the number of flipped copies (default 1,000; the soak flips 100,000).
@Suite(.serialized) struct CorruptionTests {
    @Test func flippedBytesGiveTheRightContentOrAnErrorNeverWrongPlaintext() async throws {
        let flips = Knobs.int("TACIT_FLIPS", default: 1000)
        let started = Date()
        let canary = Canary()
        let original = try TemporaryHome(prefix: "tf")
        let record = try await Populated.build(in: original, canary: canary)
        let pristine = try Data(contentsOf: original.database)
        let keyFiles = try Self.files(in: original.keys)

        // The pristine copy reads everything right: the oracle itself is sound.
        let scratch = try TemporaryHome(prefix: "tg", memory: true)
        let control = try await Self.readAll(pristine, keys: keyFiles, into: scratch, record: record)
        #expect(control.wrong == 0 && control.errors == 0 && control.right == record.expectedReads,
                "the unflipped copy: \(control)")

        var tally = Tally()
        for _ in 0..<flips {
            var copy = pristine
            let offset = Int.random(in: 0..<copy.count)
            copy[offset] ^= UInt8.random(in: 1...255)
            let outcome = try await Self.readAll(copy, keys: keyFiles, into: scratch, record: record)
            tally.add(outcome, offset: offset)
        }
        let sweep = PlaintextSweep.sweep([original.data, original.keys, scratch.url], for: canary)
        scratch.remove()
        original.remove()
        let seconds = Date().timeIntervalSince(started)
        Knobs.report("corruption: \(flips) flipped copies of a \(pristine.count / 1024) KiB database "
                     + "(\(record.entries.count) entries, \(record.shares.count) shares, \(record.expectedReads) reads each) "
                     + "in \(String(format: "%.0f", seconds)) s: \(tally.reads) reads — \(tally.rightReads) right, "
                     + "\(tally.errorReads) errors, \(tally.wrongReads) wrong plaintext; copies refused at open \(tally.refusedAtOpen), "
                     + "with an integrity notice at unlock \(tally.withNotice), read entirely right \(tally.allRight); "
                     + "sweep: \(sweep.files) files, \(sweep.hits.count) canaries")
        for example in tally.wrongExamples.prefix(10) { Issue.record(Comment(rawValue: example)) }
        #expect(tally.wrongReads == 0)
        #expect(tally.copies == flips)
        #expect(tally.errorReads + tally.refusedAtOpen > 0, "no flip was ever detected: the test cannot be flipping the database")
        #expect(sweep.hits.isEmpty, "canary at rest: \(sweep.hits)")
    }

    // MARK: the populated database and its record

    struct Populated: Sendable {
        /// entry id → (author, content) as last written.
        var entries: [EntryID: (author: String, content: Content)] = [:]
        /// live share → (entry, readers).
        var shares: [ShareID: (entry: EntryID, readers: [String])] = [:]
        var names: [String] = []

        /// Own entries of every member, plus every live share as each reader sees it.
        var expectedReads: Int { entries.count + shares.values.reduce(0) { $0 + $1.readers.count } }

        static func passphrase(_ name: String) -> SecretBytes { SecretBytes(utf8: "a long passphrase for \(name) in the flip test") }

        static func build(in home: TemporaryHome, canary: Canary) async throws -> Populated {
            var record = Populated()
            let vault = try await Vault.open(directory: home.data, keysDirectory: home.keys, configuration: .testing())
            let group = try await vault.createGroup(name: "flip")
            record.names = ["fiona", "ali", "bea", "cal"]
            var ids: [String: PrincipalID] = [:]
            for name in record.names {
                let code = try await vault.createEnrollmentCode(name: name, role: .member, group: group.id)
                ids[name] = try await vault.enroll(code: code.code, name: name, passphrase: passphrase(name)).principal.id
            }
            try await vault.appointFacilitator(ids["fiona"]!, of: group.id)
            var sessions: [String: MemberSession] = [:]
            for name in record.names { sessions[name] = try await vault.unlock(name: name, passphrase: passphrase(name)) }
            let now = Date()
            let cycle = try await sessions["fiona"]!.createCycle(in: group.id, session1: now.addingTimeInterval(60),
                                                                  session2: now.addingTimeInterval(30 * 86_400),
                                                                  plan: CyclePlan(topics: ["\(canary.marker) topic"]))
            var serial = 0
            for name in record.names {
                for _ in 0..<10 {
                    serial += 1
                    let content = Content.make(canary, author: name, serial: serial, length: [0, 200, 900, 4000, 9000][serial % 5])
                    let written = try await sessions[name]!.write(EntryDraft(title: content.title, body: content.body, tags: content.tags,
                                                                             topic: content.topic, cycle: cycle.id))
                    record.entries[written.id] = (name, content)
                }
            }
            // Edits (a second version) and shares, one of them revoked again.
            for (index, id) in record.entries.keys.sorted(by: { $0.description < $1.description }).enumerated() {
                let (author, _) = record.entries[id]!
                let session = sessions[author]!
                if index % 3 == 0 {
                    serial += 1
                    let content = Content.make(canary, author: author, serial: serial, length: 700)
                    try await session.update(id, with: EntryDraft(title: content.title, body: content.body, tags: content.tags,
                                                                  topic: content.topic))
                    record.entries[id] = (author, content)
                }
                if index % 4 == 0 {
                    let others = record.names.filter { $0 != author }
                    let readers = index % 8 == 0 ? others : [others[index % others.count]]
                    let audience: ShareAudience = index % 8 == 0 ? .group(group.id) : .members(readers.map { ids[$0]! })
                    let share = try await session.share(id, with: audience)
                    if index % 12 == 0 {
                        try await session.revoke(share)
                    } else {
                        record.shares[share] = (id, readers)
                    }
                }
            }
            // Unlock once more so nothing is left to re-encrypt: reading a copy then writes nothing.
            for (_, session) in sessions { session.lock() }
            for name in record.names {
                let session = try await vault.unlock(name: name, passphrase: passphrase(name))
                #expect(session.report.problems.isEmpty)
                session.lock()
            }
            try vault.close()
            return record
        }
    }

    // MARK: reading a copy

    struct Outcome: CustomStringConvertible {
        var right = 0
        var errors = 0
        var wrong = 0
        var refusedAtOpen = false
        var notice = false
        var wrongExamples: [String] = []
        var description: String { "right \(right), errors \(errors), wrong \(wrong), refused at open \(refusedAtOpen)" }
    }

    struct Tally {
        var copies = 0, reads = 0, rightReads = 0, errorReads = 0, wrongReads = 0
        var refusedAtOpen = 0, withNotice = 0, allRight = 0
        var wrongExamples: [String] = []

        mutating func add(_ outcome: Outcome, offset: Int) {
            copies += 1
            reads += outcome.right + outcome.errors + outcome.wrong
            rightReads += outcome.right
            errorReads += outcome.errors
            wrongReads += outcome.wrong
            if outcome.refusedAtOpen { refusedAtOpen += 1 }
            if outcome.notice { withNotice += 1 }
            if outcome.wrong == 0 && outcome.errors == 0 && !outcome.refusedAtOpen { allRight += 1 }
            wrongExamples += outcome.wrongExamples.map { "flip at byte \(offset): \($0)" }
        }
    }

    static func files(in folder: URL) throws -> [(String, Data)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, try Data(contentsOf: folder.appendingPathComponent(name)))
        }
    }

    /// Lays `database` and the key files into `home` (fresh each time: opening re-anchors) and
    /// reads everything the record says should be there, through the vault's own API.
    static func readAll(_ database: Data, keys: [(String, Data)], into home: TemporaryHome, record: Populated) async throws -> Outcome {
        let manager = FileManager.default
        try? manager.removeItem(at: home.data)
        try? manager.removeItem(at: home.keys)
        try manager.createDirectory(at: home.data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try manager.createDirectory(at: home.keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try database.write(to: home.database)
        for (name, contents) in keys {
            try contents.write(to: home.keys.appendingPathComponent(name))
            chmod(home.keys.appendingPathComponent(name).path, 0o600)
        }

        var outcome = Outcome()
        let vault: Vault
        do {
            vault = try await Vault.open(directory: home.data, keysDirectory: home.keys, configuration: .testing())
        } catch {
            outcome.refusedAtOpen = true
            return outcome
        }
        defer { try? vault.close() }
        for name in record.names {
            let own = record.entries.filter { $0.value.author == name }
            let shared = record.shares.filter { $0.value.readers.contains(name) }
            let session: MemberSession
            do {
                session = try await vault.unlock(name: name, passphrase: Populated.passphrase(name))
            } catch {
                outcome.errors += own.count + shared.count
                continue
            }
            defer { session.lock() }
            if !session.report.problems.isEmpty { outcome.notice = true }
            func judge(_ content: EntryContent, expected: Content, what: String) {
                let read = Content(title: content.title, body: content.body, tags: content.tags, topic: content.topic)
                if read == expected {
                    outcome.right += 1
                } else {
                    outcome.wrong += 1
                    outcome.wrongExamples.append("\(name) read \(what) with content other than written")
                }
            }
            for (id, entry) in own {
                do {
                    judge(try await session.entry(id).content, expected: entry.content, what: "own entry \(id)")
                } catch {
                    outcome.errors += 1
                }
            }
            for (shareID, share) in shared {
                do {
                    let read = try await session.sharedEntry(shareID)
                    guard read.entry.id == share.entry else {
                        outcome.wrong += 1
                        outcome.wrongExamples.append("\(name) read share \(shareID) as another entry")
                        continue
                    }
                    judge(read.entry.content, expected: record.entries[share.entry]!.content, what: "share \(shareID)")
                } catch {
                    outcome.errors += 1
                }
            }
            // Listings must not show anything never written either (not counted as reads).
            if let listed = try? await session.search("") {
                for entry in listed where record.entries[entry.id].map({ $0.content }) != Content(title: entry.content.title,
                    body: entry.content.body, tags: entry.content.tags, topic: entry.content.topic) {
                    outcome.wrong += 1
                    outcome.wrongExamples.append("\(name)'s listing shows entry \(entry.id) with content other than written")
                }
            }
        }
        return outcome
    }
}
