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

    /// The parser reads what Foundation writes (in any case) to the same bytes, and nothing that is
    /// not 8-4-4-4-12 hex digits. That is stricter than `UUID(uuidString:)` on Linux, which scans
    /// each pair of digits with `sscanf` and so takes " 1234567-…", "+1234567-…" or "01-34567-…"
    /// for some id.
    @Test func idsAreReadOnlyInTheirOneForm() {
        var texts = ["01234567-89ab-cdef-f00f-109aa95ee57c", "01234567-89AB-CDEF-F00F-109AA95EE57C",
                     "01234567-89aB-CdEf-F00f-109Aa95eE57c", "", "0", "01234567-89ab-cdef-f00f-109aa95ee57",
                     "01234567-89ab-cdef-f00f-109aa95ee57c0", "0123456789ab-cdef-f00f-109aa95ee57c-",
                     "01234567_89ab_cdef_f00f_109aa95ee57c", "01234567-89ab-cdef-f00f-109aa95ee57g",
                     "{01234567-89ab-cdef-f00f-109aa95ee57c}", " 1234567-89ab-cdef-f00f-109aa95ee57c",
                     "01234567-89ab-cdef-f00f-109aa95ee5\u{e9}", "0123456789abcdeff00f109aa95ee57c",
                     "01234567-89ab-cdef-f00f-109aa95ee57\u{0}", "+1234567-89ab-cdef-f00f-109aa95ee57c",
                     "01-34567-89ab-cdef-f00f-109aa95ee57c", "01234567-89ab-cdef-f00f-109aa95ee5:c"]
        // A valid id with one character changed to each of the hex digits' neighbours, and more.
        let valid = Array("01234567-89ab-cdef-f00f-109aa95ee57c")
        for position in valid.indices {
            for replacement in ["/", ":", "@", "G", "`", "g", "-", "0", "F", "f", " ", "+", "é"] {
                var changed = valid
                changed[position] = Character(replacement)
                texts.append(String(changed))
            }
        }
        for _ in 0..<1_000 { texts.append(UUID().uuidString) }
        let form = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
        var accepted = 0
        for text in texts {
            let wellFormed = text.wholeMatch(of: form) != nil && text.utf8.count == 36
            let ours = UUID(parsing: text)
            #expect((ours != nil) == wellFormed, "\(text.debugDescription)")
            if wellFormed {
                accepted += 1
                #expect(ours == UUID(uuidString: text), "\(text.debugDescription)")
            }
            #expect(EntryID(text)?.uuid == ours, "\(text.debugDescription)")
        }
        #expect(accepted > 1_000)
    }
}
