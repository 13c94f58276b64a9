import Foundation
import Testing
import TacitTestSupport
import Hummingbird
import TacitAPI
@testable import TacitServer

/// `JSONText` writes an entry's response itself; a client must not be able to tell: the bytes are
/// `Response.encoder`'s, for every character a text can hold and every date it writes.
@Suite struct JSONTextTests {
    /// Characters that need escaping, and some that must pass through unescaped.
    static let palette: [Character] = {
        var characters = (0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }
        characters += ["\"", "\\", "/", "\u{7F}", "é", "ß", "😀", "\u{2028}", "\u{2029}", "\u{FEFF}", "字", " ", "a", "Z", "0", "{", "}", "[", ":", ","]
        return characters
    }()

    static func text(_ generator: inout some RandomNumberGenerator, upTo length: Int) -> String {
        String((0..<Int.random(in: 0...length, using: &generator)).map { _ in palette.randomElement(using: &generator)! })
    }

    static func encoderBytes(_ entry: EntryResponse) throws -> [UInt8] { Array(try Response.encoder.encode(entry)) }

    static func textBytes(_ entry: EntryResponse) -> [UInt8]? { entry.jsonText().map { Array($0.readableBytesView) } }

    static func entry(title: String = "", body: String = "", tags: [String] = [], topic: String = "", kind: String = "note",
                      author: String = "ali", group: UUID? = nil, cycle: UUID? = nil,
                      created: Date = Date(timeIntervalSince1970: 1_796_000_000), updated: Date? = nil,
                      version: Int = 1) -> EntryResponse {
        EntryResponse(id: UUID(), author: author, group: group, cycle: cycle, kind: kind, title: title, body: body,
                      tags: tags, topic: topic, created: created, updated: updated ?? created, version: version)
    }

    @Test func everyCharacterIsWrittenAsTheEncoderWritesIt() throws {
        let all = String(Self.palette)
        var noticed = Self.entry(title: "edited")
        noticed.notices = [all, "", "eli no longer reads your shares: removed from the group"]
        var silent = Self.entry(title: "edited")
        silent.notices = []
        for entry in [Self.entry(title: all, body: all, tags: [all, "", "/"], topic: all, kind: all, author: all),
                      noticed, silent,
                      Self.entry(group: UUID(), cycle: UUID(), version: -7),
                      Self.entry(title: "plain", body: String(repeating: "a practice note ", count: 400), tags: ["x", "y"])] {
            let written = try #require(Self.textBytes(entry))
            let encoded = try Self.encoderBytes(entry)
            // Compared as bytes: as Strings, "é" and "e\u{301}" would be equal.
            let same = written == encoded
            #expect(same, "written \(String(decoding: written, as: UTF8.self)), encoded \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    /// Error bodies are written directly too: the same bytes as `JSONEncoder` (sorted keys) makes of
    /// `APIErrorBody`, with and without policies and a retry time, for every character.
    @Test func errorBodiesAreWrittenAsTheEncoderWritesThem() throws {
        let all = String(Self.palette)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var errors = [APIError.notFound("share"), APIError.unauthorized, APIError.denied(["outside-audience", "share-expired"]),
                      APIError.denied([]), APIError(.tooManyRequests, "backoff", "wait", retryAfter: 8),
                      APIError(.forbidden, all, all, policies: [all, "", "a/b"], retryAfter: -1)]
        // Palette characters in varied places of short and long texts, with 0 to 3 policies and
        // with and without a retry time.
        let palette = Self.palette, count = palette.count
        func text(_ seed: Int, _ length: Int) -> String { String((0..<length).map { palette[(seed * 7 + $0 * 13) % count] }) }
        for index in 0..<500 {
            errors.append(APIError(.badRequest, text(index, index % 12), text(index + 1, index % 80),
                                   policies: index % 5 == 0 ? nil : (0..<(index % 4)).map { text(index + $0, $0 * 3) },
                                   retryAfter: index % 3 == 0 ? nil : index * 211 - 5))
        }
        for error in errors {
            let written = Array(error.jsonText().readableBytesView)
            let encoded = Array(try encoder.encode(APIErrorBody(error.detail)))
            let same = written == encoded
            #expect(same, "written \(String(decoding: written, as: UTF8.self)), encoded \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    @Test func generatedEntriesMatchTheEncoder() throws {
        // A new seed each run, printed on a mismatch, so a run explores new entries and a failure replays.
        let seed = DispatchTime.now().uptimeNanoseconds
        var generator = SplitMix(state: seed)
        let dates = JSONText.dates
        for _ in 0..<3000 {
            // Uniform over the whole range, and close to whole seconds, where rounding would show.
            let wide = Double.random(in: dates, using: &generator)
            let near = Double(Int64.random(in: -2_000_000_000...2_000_000_000, using: &generator))
                + [0, 1e-6, -1e-6, 0.5, 0.999_999].randomElement(using: &generator)!
            let entry = Self.entry(
                title: Self.text(&generator, upTo: 12), body: Self.text(&generator, upTo: 200),
                tags: (0..<Int.random(in: 0...3, using: &generator)).map { _ in Self.text(&generator, upTo: 6) },
                topic: Self.text(&generator, upTo: 8), kind: ["note", "plan", "reflection"].randomElement(using: &generator)!,
                author: Self.text(&generator, upTo: 8),
                group: Bool.random(using: &generator) ? UUID() : nil, cycle: Bool.random(using: &generator) ? UUID() : nil,
                created: Date(timeIntervalSinceReferenceDate: wide), updated: Date(timeIntervalSinceReferenceDate: near),
                version: Int.random(in: Int.min...Int.max, using: &generator))
            let written = try #require(Self.textBytes(entry))
            let encoded = try Self.encoderBytes(entry)
            // On a mismatch, the entry's own JSON is the input to reproduce it with.
            let same = written == encoded
            #expect(same, "seed \(seed): written \(String(decoding: written, as: UTF8.self)), encoded \(String(decoding: encoded, as: UTF8.self))")
            if !same { return }
        }
    }

    @Test func datesAtTheEdgesOfTheRange() throws {
        let edges = [JSONText.dates.lowerBound, JSONText.dates.lowerBound + 0.25, JSONText.dates.upperBound - 1,
                     JSONText.dates.upperBound - 1e-3, -0.5, 0, 0.5, -978_307_200.5, -978_307_200]
        for edge in edges {
            let entry = Self.entry(created: Date(timeIntervalSinceReferenceDate: edge))
            let encoded = try Self.encoderBytes(entry)
            let same = Self.textBytes(entry) == encoded
            #expect(same, "at \(edge): \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    /// Outside its dates the encoder's own text is used: before 1583 Foundation's calendar is
    /// Julian, after 9999 the year has five digits.
    @Test func datesOutsideTheRangeAreLeftToTheEncoder() throws {
        for date in [Date(timeIntervalSinceReferenceDate: JSONText.dates.lowerBound - 1),
                     Date(timeIntervalSince1970: -30_000_000_000), Date(timeIntervalSinceReferenceDate: JSONText.dates.upperBound)] {
            #expect(Self.entry(created: date).jsonText() == nil)
            #expect(Self.entry(updated: date).jsonText() == nil)
        }
    }
}
