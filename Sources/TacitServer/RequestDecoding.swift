import Foundation
import Hummingbird
import NIOCore
import TacitAPI

extension Request {
    /// Decodes the JSON body as `T`, refusing unknown fields, wrong types and bodies over `limit`.
    ///
    /// Unknown fields are found by decoding, encoding the result again and comparing keys: any key
    /// the input has that the type does not keep is reported by name.
    mutating func decodeStrictly<T: Codable>(_ type: T.Type, limit: Int) async throws -> T {
        let buffer = try await collectBody(upTo: limit)
        return try StrictJSON.decode(T.self, from: Data(buffer: buffer))
    }

    /// Collects the body (up to `limit`) for a handler that reads it itself.
    mutating func body(limit: Int) async throws -> ByteBuffer {
        try await collectBody(upTo: limit)
    }
}

enum StrictJSON {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = DateParsing.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date: use YYYY-MM-DD or ISO 8601")
            }
            return date
        }
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Decodes a request body as `T`, refusing unknown fields and wrong types (`decodeStrictly`'s
    /// work, apart from reading the body, so the fuzz targets run exactly this).
    ///
    /// - Throws: `APIError.badRequest` naming the field, never quoting a value.
    static func decode<T: Codable>(_ type: T.Type, from data: Data) throws -> T {
        let decoded: T
        do {
            decoded = try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest(describe(error))
        } catch {
            throw APIError.badRequest("the body is not valid JSON")
        }
        // The keys the body has against the keys the decoded value keeps (encoded again): one
        // scan of each text, not a `JSONValue` tree of each (that was most of a write's decoding).
        let kept: JSONKeyTrie
        do {
            guard let trie = JSONKeyTrie(try encoder.encode(decoded)) else { throw APIError.badRequest("the body cannot be checked") }
            kept = trie
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("the body cannot be checked")
        }
        switch kept.firstUnknownKey(in: data) {
        case .allKnown: return decoded
        case .unknown(let name): throw APIError.badRequest("unknown field \"\(name)\"")
        case .repeated(let name): throw APIError.badRequest("field \"\(name)\" is given twice")
        case .invalid: throw APIError.badRequest("the body is not valid JSON")
        }
    }

    /// A message naming the field, without quoting any value.
    static func describe(_ error: DecodingError) -> String {
        func name(_ path: [any CodingKey]) -> String {
            // entries[1].created, not entries.[1].created
            path.reduce(into: "") { text, key in
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            return "missing field \"\(name(context.codingPath + [key]))\""
        case let .typeMismatch(type, context):
            let subject = context.codingPath.isEmpty ? "the body" : "field \"\(name(context.codingPath))\""
            return typeName(type).map { "\(subject) should be \($0)" } ?? "\(subject) has the wrong type"
        case let .valueNotFound(type, context):
            let subject = "field \"\(name(context.codingPath))\""
            return typeName(type).map { "\(subject) should be \($0), not null" } ?? "\(subject) should not be null"
        case let .dataCorrupted(context):
            guard !context.codingPath.isEmpty else { return "the body is not valid JSON" }
            // Our own messages (dates) are for people; Foundation's name Swift types, and are not.
            let field = "field \"\(name(context.codingPath))\""
            if context.debugDescription.hasPrefix("not a date") { return "\(field): \(context.debugDescription)" }
            if context.debugDescription.contains("UUID") { return "\(field) should be an id (a UUID)" }
            return "\(field) does not hold a value it can take"
        @unknown default:
            return "the body does not match the expected shape"
        }
    }

    /// The JSON kind a Swift type is read from, in words (`nil` for a type without a plain name).
    private static func typeName(_ type: Any.Type) -> String? {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is UInt64.Type, is Int64.Type: "a whole number"
        case is [String].Type: "a list of strings"
        case is Double.Type, is Float.Type: "a number"
        case is UUID.Type: "an id (a UUID)"
        case is Date.Type: "a date"
        case is [String: Any].Type: "a JSON object"
        case is [Any].Type: "a list"
        default: nil
        }
    }
}

/// Dates as people and scripts write them: `YYYY-MM-DD` (midnight UTC) or full ISO 8601.
enum DateParsing {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}

/// One step of a path into a JSON text: an object's key or an array's index.
enum JSONPathStep: Hashable {
    case key(String)
    case index(Int)
}

/// The object keys of a JSON text as a tree of paths from the top: what `StrictJSON` knows a
/// decoded value keeps, to walk a body against.
///
/// Both texts are ones a JSON decoder or encoder already accepted (numbers and literals are
/// skipped, not checked); any other text gives `nil` or `.invalid`, never a crash or a loop. A
/// key written with escapes is unescaped by `JSONDecoder`. A body is walked once, without
/// building its paths: the walk stops at the first unknown key, and a subtree under an unknown
/// `null` is skipped, so a large or deep unknown part costs one pass, not a path per key.
struct JSONKeyTrie {
    private(set) var children: [JSONPathStep: JSONKeyTrie] = [:]

    /// Deeper than Foundation's JSON decoder goes.
    static let maximumDepth = 600

    init() {}

    init?(_ data: Data) {
        let built: JSONKeyTrie? = data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            var trie = JSONKeyTrie()
            guard scanner.record(into: &trie, depth: 0), scanner.atEnd else { return nil }
            return trie
        }
        guard let built else { return nil }
        self = built
    }

    enum Finding: Equatable {
        /// Every key of the text is known (or has a `null` value).
        case allKnown
        /// The first key (in the text's order, a parent before its children) that the text gives
        /// a non-null value and the trie does not have, written as `entries[1].created`.
        case unknown(String)
        /// The first key an object gives twice (decoders keep one of the two without a word).
        case repeated(String)
        case invalid
    }

    func firstUnknownKey(in data: Data) -> Finding {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            var path: [JSONPathStep] = []
            switch scanner.check(against: self, path: &path, depth: 0) {
            case .allKnown: return scanner.atEnd ? .allKnown : .invalid
            case let finding: return finding
            }
        }
    }

    /// The first key an object of `data` gives twice, written as `metrics.epsilon.members-wrote`:
    /// JSON decoders keep one of the two without a word. `nil` when there is none, or when `data`
    /// is not JSON (a decoder says so better).
    static func firstDuplicateKey(in data: Data) -> String? {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            var path: [JSONPathStep] = []
            guard case .repeated(let name) = scanner.check(against: nil, path: &path, depth: 0) else { return nil }
            return name
        }
    }

    /// Where `data` stops being one strict JSON value (RFC 8259: no trailing commas, no comments),
    /// as a line and a column counted from 1; `nil` when it is one (a key given twice is
    /// `firstDuplicateKey`'s to report).
    static func syntaxError(in data: Data) -> (line: Int, column: Int)? {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var scanner = Scanner(bytes: bytes)
            var path: [JSONPathStep] = []
            switch scanner.check(against: nil, path: &path, depth: 0) {
            case .repeated: return nil
            case .invalid: break
            default: if scanner.atEnd { return nil }
            }
            var line = 1, column = 1
            for byte in bytes[..<min(scanner.offset, bytes.count)] {
                if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            }
            return (line, column)
        }
    }

    static func name(_ path: [JSONPathStep]) -> String {
        path.reduce(into: "") { text, step in
            switch step {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        static func endsValue(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
        }

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return offset == bytes.count
            }
        }

        var peek: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func skipSpace() {
            while offset < bytes.count, Self.isSpace(bytes[offset]) { offset += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipSpace()
            guard peek == byte else { return false }
            offset += 1
            return true
        }

        /// Builds the trie of the value at `offset` into `trie`.
        mutating func record(into trie: inout JSONKeyTrie, depth: Int) -> Bool {
            skipSpace()
            guard depth < JSONKeyTrie.maximumDepth else { return false }
            switch peek {
            case UInt8(ascii: "{"):
                offset += 1
                if consume(UInt8(ascii: "}")) { return true }
                repeat {
                    skipSpace()
                    guard let key = string(), consume(UInt8(ascii: ":")) else { return false }
                    guard record(into: &trie.children[.key(key), default: JSONKeyTrie()], depth: depth + 1) else { return false }
                } while consume(UInt8(ascii: ","))
                return consume(UInt8(ascii: "}"))
            case UInt8(ascii: "["):
                offset += 1
                if consume(UInt8(ascii: "]")) { return true }
                var index = 0
                repeat {
                    guard record(into: &trie.children[.index(index), default: JSONKeyTrie()], depth: depth + 1) else { return false }
                    index += 1
                } while consume(UInt8(ascii: ","))
                return consume(UInt8(ascii: "]"))
            default:
                return skipScalar()
            }
        }

        /// Walks the value at `offset` against `known` (`nil`: a part the trie does not have,
        /// only walked), and for keys an object gives twice; `path` is where the value is.
        mutating func check(against known: JSONKeyTrie?, path: inout [JSONPathStep], depth: Int) -> Finding {
            skipSpace()
            guard depth < JSONKeyTrie.maximumDepth else { return .invalid }
            switch peek {
            case UInt8(ascii: "{"):
                offset += 1
                if consume(UInt8(ascii: "}")) { return .allKnown }
                var seen: Set<String> = []
                repeat {
                    skipSpace()
                    guard let key = string(), consume(UInt8(ascii: ":")) else { return .invalid }
                    guard seen.insert(key).inserted else {
                        path.append(.key(key))
                        return .repeated(JSONKeyTrie.name(path))
                    }
                    skipSpace()
                    var child: JSONKeyTrie?
                    if let known {
                        child = known.children[.key(key)]
                        if child == nil, peek != UInt8(ascii: "n") {
                            path.append(.key(key))
                            return .unknown(JSONKeyTrie.name(path))
                        }
                    }
                    path.append(.key(key))
                    let finding = check(against: child, path: &path, depth: depth + 1)
                    path.removeLast()
                    guard finding == .allKnown else { return finding }
                } while consume(UInt8(ascii: ","))
                return consume(UInt8(ascii: "}")) ? .allKnown : .invalid
            case UInt8(ascii: "["):
                offset += 1
                if consume(UInt8(ascii: "]")) { return .allKnown }
                var index = 0
                repeat {
                    path.append(.index(index))
                    let finding = check(against: known?.children[.index(index)], path: &path, depth: depth + 1)
                    path.removeLast()
                    guard finding == .allKnown else { return finding }
                    index += 1
                } while consume(UInt8(ascii: ","))
                return consume(UInt8(ascii: "]")) ? .allKnown : .invalid
            default:
                return skipScalar() ? .allKnown : .invalid
            }
        }

        /// A string, number, `true`, `false` or `null`.
        mutating func skipScalar() -> Bool {
            if peek == UInt8(ascii: "\"") { return string() != nil }
            let start = offset
            while offset < bytes.count, !Self.isSpace(bytes[offset]), !Self.endsValue(bytes[offset]) { offset += 1 }
            return offset > start
        }

        /// The string at `offset` (which must be at its opening quote), unescaped.
        mutating func string() -> String? {
            guard peek == UInt8(ascii: "\"") else { return nil }
            let start = offset
            offset += 1
            var escaped = false
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: "\\"):
                    escaped = true
                    offset += 2
                case UInt8(ascii: "\""):
                    offset += 1
                    let quoted = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                    guard escaped else { return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self) }
                    return try? JSONDecoder().decode(String.self, from: Data(quoted))
                default:
                    offset += 1
                }
            }
            return nil
        }
    }
}
