import Foundation
import Testing
import TacitAPI
@testable import TacitServer

/// The strict body decoder: unknown fields are refused by name (nested ones with their path),
/// known fields however they are written are accepted, and no text makes the key scan crash.
@Suite struct StrictJSONTests {
    func message(_ body: String, as type: (some Codable).Type) -> String? {
        do {
            _ = try StrictJSON.decode(type, from: Data(body.utf8))
            return nil
        } catch let error as APIError {
            return error.detail.message
        } catch {
            return "\(error)"
        }
    }

    @Test func unknownFieldsAreNamedWithTheirPath() {
        #expect(message(#"{"body": "b", "colour": "red"}"#, as: EntryInput.self) == #"unknown field "colour""#)
        let entries = #"{"entries": [{"body": "a", "created": "2026-01-02"}, {"body": "b", "created": "2026-01-03", "mood": 3}]}"#
        #expect(message(entries, as: EntryImportRequest.self) == #"unknown field "entries[1].mood""#)
        // A dotted key is its own key, not a path into "title".
        #expect(message(#"{"body": "b", "title.x": "y"}"#, as: EntryInput.self) == #"unknown field "title.x""#)
        // An unknown key is found however deep its value goes, and before its own children.
        #expect(message(#"{"body": "b", "extra": {"inner": [1, {"deeper": true}]}}"#, as: EntryInput.self)
                == #"unknown field "extra""#)
    }

    /// A field given twice is refused by name: a decoder keeps one of the two without a word, so
    /// what was checked and what is used could be told apart only by the decoder's choice.
    @Test func aFieldGivenTwiceIsRefused() {
        #expect(message(#"{"body": "a", "title": "x", "body": "b"}"#, as: EntryInput.self) == #"field "body" is given twice"#)
        // Escaped, it is still the same key; nested, it is named with its path.
        #expect(message(#"{"body": "a", "body": "b"}"#, as: EntryInput.self) == #"field "body" is given twice"#)
        let entries = #"{"entries": [{"body": "a", "created": "2026-01-02", "created": "2026-01-03"}]}"#
        #expect(message(entries, as: EntryImportRequest.self) == #"field "entries[0].created" is given twice"#)
        // The same key in two objects is no repetition.
        #expect(message(#"{"entries": [{"body": "a", "created": "2026-01-02"}, {"body": "b", "created": "2026-01-03"}]}"#,
                        as: EntryImportRequest.self) == nil)
    }

    @Test func knownFieldsAreAcceptedHoweverWritten() throws {
        // Escaped key names, white space everywhere, an unknown key whose value is null.
        let body = " {\n\t\"\\u0062ody\" : \"b\\\"q\\\\\" , \"tags\" : [ \"x\" , \"y\" ] ,\r\n \"note\": null } "
        let input = try StrictJSON.decode(EntryInput.self, from: Data(body.utf8))
        #expect(input.body == "b\"q\\")
        #expect(input.tags == ["x", "y"])
        #expect(message(#"{"body": "é ✓ \ud83d\ude00", "topic": "", "kind": null}"#, as: EntryInput.self) == nil)
    }

    @Test func theKeyScanRefusesWhatIsNotJSONWithoutCrashing() {
        for text in ["", "{", "[", #"{"a""#, #"{"a":}"#, #"{"a":1,}"#, #"{"a" 1}"#, "[1,", #""\"#, "{} {}",
                     String(repeating: "[", count: 10_000), String(repeating: "{\"a\":", count: 10_000)] {
            #expect(JSONKeyTrie(Data(text.utf8)) == nil, "\(text.prefix(20))")
            // The walk stops at the first unknown key, so it may name one before it sees the rest.
            #expect(JSONKeyTrie().firstUnknownKey(in: Data(text.utf8)) != .allKnown, "\(text.prefix(20))")
        }
        #expect(JSONKeyTrie(Data("[]".utf8))?.children.isEmpty == true)
        let trie = JSONKeyTrie(Data(#"{"a": [{"b": null}, 2], "c": "}"}"#.utf8))
        #expect(trie?.children.keys.sorted { "\($0)" < "\($1)" } == [.key("a"), .key("c")])
        #expect(trie?.children[.key("a")]?.children[.index(0)]?.children.keys.first == .key("b"))
        #expect(trie?.firstUnknownKey(in: Data(#"{"a": [{"b": 1, "x": null}], "c": "d"}"#.utf8)) == .allKnown)
        #expect(trie?.firstUnknownKey(in: Data(#"{"a": [{"b": 1}, 2, {"x": 1}]}"#.utf8)) == .allKnown, "past the kept elements")
        #expect(trie?.firstUnknownKey(in: Data(#"{"a": [{"y": 1}]}"#.utf8)) == .unknown("a[0].y"))
    }

    /// A large unknown part (100,000 keys, 200 levels down) is refused by its outermost key, where
    /// the walk stops; an unknown key set to null is let through, as before.
    @Test func aLargeUnknownPartIsRefusedByItsOutermostKey() {
        let deep = String(repeating: #"{"k":"#, count: 200)
        let wide = (0..<100_000).map { #""key\#($0)": 1"# }.joined(separator: ",")
        let body = #"{"body": "b", "extra": "# + deep + "{" + wide + "}" + String(repeating: "}", count: 200) + "}"
        #expect(message(body, as: EntryInput.self) == #"unknown field "extra""#)
        let nulled = #"{"body": "b", "extra": null, "tags": ["t"]}"#
        #expect(message(nulled, as: EntryInput.self) == nil)
    }
}

/// Answers of a daemon older than a field still decode in a newer CLI (a member's CLI may be newer
/// than the daemon it reaches over a forwarded socket): the counts added later default to 0, and
/// what they count round-trips when present.
@Suite struct AnswerCompatibilityTests {
    @Test func countsAddedLaterDefaultToZero() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let item = #"{"share": "0b5f1d7e-3c1a-4f6e-9a51-2f1b9c8d7e60", "entry": "1c6a2e8f-4d2b-4a7f-8b62-3a2c0d9e8f71", "author": "ali", "#
            + #""title": "t", "kind": "practice", "sharedAt": "2026-03-10T10:00:00Z", "expiresAt": "2026-04-14T00:00:00Z", "group": false"#
        #expect(try decoder.decode(FeedItem.self, from: Data((item + "}").utf8)).others == 0)
        #expect(try decoder.decode(FeedItem.self, from: Data((item + #", "others": 2}"#).utf8)).others == 2)
        #expect(try decoder.decode(AgendaResponse.self, from: Data(#"{"items": [], "markdown": "x"}"#.utf8)).unreadable == 0)
        #expect(try decoder.decode(AgendaResponse.self, from: Data(#"{"items": [], "markdown": "x", "unreadable": 3}"#.utf8)).unreadable == 3)
        // And what the daemon writes reads back the same.
        let written = FeedItem(share: UUID(), entry: UUID(), author: "bea", title: "T", kind: "note",
                               sharedAt: Date(timeIntervalSince1970: 1_773_000_000), expiresAt: Date(timeIntervalSince1970: 1_774_000_000),
                               group: true, others: 0)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        #expect(try decoder.decode(FeedItem.self, from: encoder.encode(written)) == written)
    }
}
