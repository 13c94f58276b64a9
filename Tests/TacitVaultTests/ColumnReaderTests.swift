import Foundation
import Testing
@testable import TacitVault

/// Rows read straight from the statement decode as GRDB's rows do, and a damaged value — NULL
/// where a value belongs, a blob of the wrong size for an id — is an error, never a trap.
@Suite struct ColumnReaderTests {
    @Test func valuesDecodeAndDamageIsAnError() async throws {
        let f = try await Fixture()
        let storage = f.vault.storage
        let id = UUID()
        let read = try storage.readSync { access in
            try access.first("SELECT ?, 'text', 42, NULL, X'0102'", [id]) { c -> (UUID, String, Int, Int?, [UInt8]) in
                (try c.next(UUID.self), try c.next(String.self), try c.next(Int.self), try c.next(Int?.self), try c.bytes())
            }
        }
        let (uuid, text, number, missing, bytes) = try #require(read)
        #expect(uuid == id && text == "text" && number == 42 && missing == nil && bytes == [1, 2])

        // NULL where an integer belongs, two bytes where an id belongs: the reader's own error.
        let integerFromNull = #expect(throws: VaultError.self) {
            try storage.readSync { try $0.first("SELECT NULL") { try $0.next(Int.self) } }
        }
        let idFromTwoBytes = #expect(throws: VaultError.self) {
            try storage.readSync { try $0.first("SELECT X'0102'") { (try $0.id() as EntryID) } }
        }
        for error in [integerFromNull, idFromTwoBytes] {
            #expect(error?.code == .storage && error?.message.contains("does not decode") == true, "\(String(describing: error))")
        }
        // Every row, in order; none when nothing matches.
        let all = try storage.readSync { try $0.each("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3") { try $0.next(Int.self) } }
        #expect(all == [1, 2, 3])
        #expect(try storage.readSync { try $0.first("SELECT 1 WHERE 0") { try $0.next(Int.self) } } == nil)
    }
}
