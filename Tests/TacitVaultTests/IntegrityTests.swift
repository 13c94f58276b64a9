import Foundation
import GRDB
import Testing
import TacitCrypto
@testable import TacitVault

@Suite struct IntegrityTests {
    @Test func droppedResurrectedAndRolledBackEntriesAreReported() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let e1 = try await s.write(EntryDraft(body: "one"))
        let e2 = try await s.write(EntryDraft(body: "two"))
        // Rolled back: keep a copy of version 1, update, put the copy back.
        let old: Row = try f.vault.storage.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM entry WHERE id = ?", arguments: [e1.id.uuid])! }
        try await s.update(e1.id, with: EntryDraft(body: "one v2"))
        try f.sql("UPDATE entry SET version = ?, ciphertext = ?, wrapped_key = ?, size_bucket = ? WHERE id = ?",
                  [Int64(old["version"] as Int), old["ciphertext"] as Data, old["wrapped_key"] as Data,
                   Int64(old["size_bucket"] as Int), e1.id.uuid])
        #expect(try await f.unlock("ana").report.problems == [.entryRolledBack(e1.id)])
        try await s.acknowledgeReport()
        #expect(try await f.unlock("ana").report.problems.isEmpty)

        // Resurrected: delete e2, then put its row back.
        let row2: Row = try f.vault.storage.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM entry WHERE id = ?", arguments: [e2.id.uuid])! }
        try await s.delete(e2.id)
        try f.sql("INSERT INTO entry (id, author_id, group_id, cycle_id, kind, iso_week, size_bucket, version, ciphertext, wrapped_key) VALUES (?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?)",
                  [e2.id.uuid, s.principal.id.uuid, row2["kind"] as String, row2["iso_week"] as String,
                   Int64(row2["size_bucket"] as Int), Int64(row2["version"] as Int), row2["ciphertext"] as Data, row2["wrapped_key"] as Data])
        #expect(try await f.unlock("ana").report.problems == [.entryResurrected(e2.id)])
        let s2 = try await f.unlock("ana")
        try await s2.acknowledgeReport()

        // Dropped.
        try f.sql("DELETE FROM entry WHERE id = ?", [e1.id.uuid])
        #expect(try await f.unlock("ana").report.problems == [.entriesOrPinsChanged])

        // Forged manifest. A raised counter (what would hide a rollback from the CLI) is not
        // reported to a live session either.
        let before = try #require(try s2.verifiedManifestCounter())
        try f.sql("UPDATE manifest SET counter = counter + 5")
        #expect(try s2.verifiedManifestCounter() == nil, "the counter was \(before), a forged one must not be reported")
        #expect(try await f.unlock("ana").report.problems == [.manifestForged])
    }

    @Test func deletedPinIsReportedAndNeverSilentlyRepinned() async throws {
        let f = try await Fixture()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let e = try await s["ana"]!.write(EntryDraft(body: "x"))
        _ = try await s["ana"]!.share(e.id, with: .group(group.id))
        let ana = try await f.id("ana"), ben = try await f.id("ben")
        try f.sql("DELETE FROM pin WHERE owner_id = ? AND peer_id = ?", [ana.uuid, ben.uuid])
        let session = try await f.unlock("ana")
        #expect(session.report.problems == [.pinDeleted(ben)])
        // Not re-pinned on first use while the report stands...
        await expectVaultError(.peerKeyUnconfirmed) { _ = try await session.share(e.id, with: .members([ben])) }
        // ...nor after acknowledging it: the peer waits for a confirmed fingerprint.
        try await session.acknowledgeReport()
        await expectVaultError(.peerKeyUnconfirmed) { _ = try await session.share(e.id, with: .members([ben])) }
        let who = try await session.whois("ben")
        try await session.confirmPeer("ben", fingerprint: who.fingerprint)
        _ = try await session.share(e.id, with: .members([ben]))
        #expect(try await f.unlock("ana").report.problems.isEmpty)
    }

    @Test func rollbackIsRefusedAndAcceptedWithExplicitRestore() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        _ = try await s.write(EntryDraft(body: "before"))
        try await f.vault.checkpoint()
        let db = f.data.appendingPathComponent(Vault.databaseFileName)
        let copy = try Data(contentsOf: db)
        _ = try await s.write(EntryDraft(body: "after"))
        try f.vault.close()
        try copy.write(to: db)
        do {
            try await f.reopen()
            Issue.record("an older copy opened")
        } catch let error as VaultError {
            #expect(error.code == .databaseBehindAnchor)
            #expect(error.message.contains("database:") && error.message.contains("anchor:"))
        }
        try await f.reopen(acceptRestore: true)
        try await f.reopen()
        #expect(try await f.unlock("ana").entries().count == 1)
    }

    @Test func copyingTheCounterIntoAnOlderDatabaseIsCaught() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        _ = try await s.write(EntryDraft(body: "one"))
        try await f.vault.checkpoint()
        let db = f.data.appendingPathComponent(Vault.databaseFileName)
        let copy = try Data(contentsOf: db)
        _ = try await s.write(EntryDraft(body: "two"))
        let counter = try await f.vault.state().counter
        try f.vault.close()
        try copy.write(to: db)
        let queue = try DatabaseQueue(path: db.path)
        try await queue.write { db in try db.execute(sql: "UPDATE instance_state SET write_counter = ?", arguments: [Int64(counter)]) }
        try queue.close()
        await expectVaultError(.databaseBehindAnchor) { try await f.reopen() }
    }

    /// A database ahead of its anchor opens when the anchor's audit head is in its log (what a
    /// crash between a commit and the anchor's write leaves); one ahead with another history — an
    /// older copy whose counter was raised, or another instance's database put in by hand — is
    /// refused until the operator accepts it (it used to open without a word).
    @Test func aDatabaseAheadOfItsAnchorMustShareItsHistory() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        // As in the daemon, every write leaves audit records.
        func record(_ action: String) async throws {
            try await f.vault.appendAudit([AuditDraft(actor: nil, action: action, resource: "r", decision: "allow", policies: [],
                                                      policyHash: "h", time: Date())])
        }
        _ = try await s.write(EntryDraft(body: "one"))
        try await record("one")
        try await f.vault.checkpoint()
        let db = f.data.appendingPathComponent(Vault.databaseFileName)
        let anchorFile = f.keys.appendingPathComponent("anchor")
        let olderDatabase = try Data(contentsOf: db)
        let olderAnchor = try Data(contentsOf: anchorFile)
        _ = try await s.write(EntryDraft(body: "two"))
        try await record("two")
        let counter = try await f.vault.state().counter
        try f.vault.close()

        // The same history, the anchor left behind: opens.
        let newerAnchor = try Data(contentsOf: anchorFile)
        try olderAnchor.write(to: anchorFile)
        try await f.reopen()
        try f.vault.close()
        try newerAnchor.write(to: anchorFile)

        // Another history, ahead: refused, then accepted on request.
        try olderDatabase.write(to: db)
        for sidecar in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db.path + sidecar) }
        let queue = try DatabaseQueue(path: db.path)
        try await queue.write { db in try db.execute(sql: "UPDATE instance_state SET write_counter = ?", arguments: [Int64(counter + 5)]) }
        try queue.close()
        do {
            try await f.reopen()
            Issue.record("a database with another history opened")
        } catch let error as VaultError {
            #expect(error.code == .databaseBehindAnchor && error.message.contains("not the one recorded by"), "\(error.message)")
        }
        try await f.reopen(acceptRestore: true)
    }

    @Test func missingAnchorStopsTheVault() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        try f.vault.close()
        try FileManager.default.removeItem(at: f.keys.appendingPathComponent("anchor"))
        await expectVaultError(.anchorInvalid) { try await f.reopen() }
        try "{\"format\":1}".write(to: f.keys.appendingPathComponent("anchor"), atomically: true, encoding: .utf8)
        await expectVaultError(.anchorInvalid) { try await f.reopen() }
        try await f.reopen(acceptRestore: true)
    }

    @Test func backupStreamsAndRestores() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        let e = try await s.write(EntryDraft(title: "backed up", body: "yes"))
        var bytes: [UInt8] = []
        for try await chunk in f.vault.backup(chunkSize: 4096) { bytes += chunk }
        #expect(bytes.count > 4096)
        _ = try await s.write(EntryDraft(body: "later"))
        try f.vault.close()
        f.vault = nil
        let file = f.root.appendingPathComponent("backup.sqlite")
        try Data(bytes).write(to: file)
        f.vault = try await Vault.restore(from: file, directory: f.data, keysDirectory: f.keys, configuration: f.configuration)
        let again = try await f.unlock("ana")
        #expect(try await again.entries().map(\.id) == [e.id])
        #expect(try await f.vault.integrityCheck() == ["ok"])
        let junk = f.root.appendingPathComponent("junk")
        try Data("not a database".utf8).write(to: junk)
        try f.vault.close()
        // Junk is bad input, named as such (not a storage failure of this vault's).
        await expectVaultError(.invalidInput) {
            _ = try await Vault.restore(from: junk, directory: f.data, keysDirectory: f.keys, configuration: f.configuration)
        }
        f.vault = nil
    }

    /// A backup whose audit log was changed after it was made — a record taken out, or one edited
    /// — is refused before anything is replaced, naming the first broken record.
    @Test func aBackupWithABrokenAuditChainIsNotRestored() async throws {
        let f = try await Fixture()
        try await f.enroll("ana")
        let s = try await f.unlock("ana")
        _ = try await s.write(EntryDraft(title: "kept", body: "yes"))
        let ana = try await f.id("ana")
        _ = try await f.vault.appendAudit((0..<3).map { index in
            AuditDraft(actor: ana, action: "writeEntry", resource: "\(index)", decision: "allow", policies: [], policyHash: "h", time: Date())
        })
        var bytes: [UInt8] = []
        for try await chunk in f.vault.backup(chunkSize: 4096) { bytes += chunk }
        #expect(try await f.vault.verifyAuditChain().records == 3)
        for (index, change) in ["DELETE FROM audit_record WHERE sequence = 2",
                                "UPDATE audit_record SET record = substr(record, 1, length(record) - 1) || x'00' WHERE sequence = 2"].enumerated() {
            let file = f.root.appendingPathComponent("tampered-\(index).sqlite")
            try Data(bytes).write(to: file)
            let queue = try DatabaseQueue(path: file.path)
            try await queue.write { try $0.execute(sql: change) }
            try queue.close()
            do {
                try Vault.checkBackup(at: file)
                Issue.record("a backup changed by \(change) was accepted")
            } catch {
                #expect(error.code == .invalidInput)
                #expect(error.message.contains("audit log is broken at record 2 of"), "\(error.message)")
            }
        }
        // The last record removed: said as records removed from the end, not "record 3 of 2".
        let cut = f.root.appendingPathComponent("cut.sqlite")
        try Data(bytes).write(to: cut)
        let queue = try DatabaseQueue(path: cut.path)
        try await queue.write { try $0.execute(sql: "DELETE FROM audit_record WHERE sequence = 3") }
        try queue.close()
        do {
            try Vault.checkBackup(at: cut)
            Issue.record("a backup with its last audit record removed was accepted")
        } catch {
            #expect(error.message.contains("broken after its last record (2): records were removed from its end"), "\(error.message)")
        }
        // The untouched backup passes.
        let whole = f.root.appendingPathComponent("whole.sqlite")
        try Data(bytes).write(to: whole)
        try Vault.checkBackup(at: whole)
        // Junk and an empty database are "not a sound Tacit database"; a file that cannot be
        // opened keeps its own error (it is not said to be someone else's database).
        let junk = f.root.appendingPathComponent("junk.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: junk)
        let empty = f.root.appendingPathComponent("empty.sqlite")
        try Data().write(to: empty)
        for file in [junk, empty] {
            #expect(throws: VaultError.self) { try Vault.checkBackup(at: file) }
            do { try Vault.checkBackup(at: file) } catch {
                #expect(error.code == .invalidInput && error.message.contains("not a sound Tacit database"), "\(error.message)")
            }
        }
        do {
            try Vault.checkBackup(at: f.root.appendingPathComponent("missing.sqlite"))
            Issue.record("a missing backup was accepted")
        } catch {
            #expect(!error.message.contains("not a sound Tacit database") && error.code == .storage, "\(error.code): \(error.message)")
        }
    }

    @Test func canaryNeverReachesDisk() async throws {
        let f = try await Fixture()
        let marker = "CANARY" + (try SecureRandom.bytes(count: 8)).map { String($0, radix: 16) }.joined()
        let (group, _, s) = try await f.group(["fac", "ana", "ben"])
        let ana = s["ana"]!
        var ids: [EntryID] = []
        for i in 0..<5 {
            ids.append(try await ana.write(EntryDraft(title: "\(marker) title \(i)", body: "body \(marker) \(i)",
                                                      tags: [marker], topic: "\(marker) topic")).id)
        }
        try await ana.update(ids[0], with: EntryDraft(title: marker, body: "edited \(marker)", tags: [marker], topic: marker))
        let share = try await ana.share(ids[1], with: .group(group.id))
        _ = try await s["ben"]!.sharedEntry(share)
        _ = try await s["fac"]!.createCycle(in: group.id, session1: Date(), session2: Date().addingTimeInterval(86_400 * 20),
                                             plan: CyclePlan(topics: [marker], note: marker))
        try await f.vault.jot("jot \(marker)", for: try await f.id("ben"))
        // The deleted entry's ciphertext must be gone after a truncating checkpoint.
        let victim = ids[2]
        let deleted: Data = try await f.vault.storage.pool.read { db in
            try Data.fetchOne(db, sql: "SELECT ciphertext FROM entry WHERE id = ?", arguments: [victim.uuid])!
        }
        try await ana.delete(ids[2])
        try await f.vault.checkpoint()
        let needle = Data(marker.utf8)
        for (path, bytes) in try f.rawFiles() {
            #expect(bytes.occurrences(of: needle) == 0, "marker found in \(path)")
            #expect(bytes.occurrences(of: deleted.subdata(in: 100..<164)) == 0, "deleted ciphertext in \(path)")
        }
        try f.vault.close()
        for (path, bytes) in try f.rawFiles() { #expect(bytes.occurrences(of: needle) == 0, "marker found in \(path) after close") }
        f.vault = nil
    }
}
