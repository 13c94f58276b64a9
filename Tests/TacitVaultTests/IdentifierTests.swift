import Foundation
import Testing
@testable import TacitVault

/// Ids are written in the one textual form Foundation gives, lower-cased, and read back.
@Suite struct IdentifierTests {
    @Test func idsAreWrittenAsFoundationWritesThemInLowerCase() throws {
        var uuids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                     UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
                     UUID(uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xF0, 0x0F, 0x10, 0x9A, 0xA9, 0x5E, 0xE5, 0x7C))]
        for _ in 0..<10_000 { uuids.append(UUID()) }
        for uuid in uuids {
            let id = EntryID(uuid)
            #expect(id.description == uuid.uuidString.lowercased())
            #expect(EntryID(id.description) == id)
        }
        #expect(EntryID(uuids[2]).description == "01234567-89ab-cdef-f00f-109aa95ee57c")
    }
}
