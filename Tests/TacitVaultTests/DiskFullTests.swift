import Foundation
import Testing
@testable import TacitVault

/// A full disk refuses the write with a message a person understands, and the vault goes on.
@Suite struct DiskFullTests {
    @Test func aFullDiskRefusesWritesAndReadsGoOn() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.vault.createGroup(name: "north")
        // The writer's database may grow no further: what a full disk does to SQLite.
        try fixture.sql("PRAGMA max_page_count = 1")
        do {
            for index in 0..<200 { _ = try await fixture.vault.createGroup(name: "g\(index)") }
            Issue.record("writes went on with no room")
        } catch {
            #expect(error.code == .storage)
            #expect(error.message.contains("disk is full: nothing was saved"), "\(error.message)")
        }
        #expect(try await fixture.vault.group(named: "north") != nil)
    }
}
