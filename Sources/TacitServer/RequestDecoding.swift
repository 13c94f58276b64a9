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
        guard let input = JSONKeyPaths(data) else { throw APIError.badRequest("the body is not valid JSON") }
        let kept: JSONKeyPaths
        do {
            guard let scanned = JSONKeyPaths(try encoder.encode(decoded)) else { throw APIError.badRequest("the body cannot be checked") }
            kept = scanned
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("the body cannot be checked")
        }
        if let unknown = input.firstUnknown(keeping: kept) { throw APIError.badRequest("unknown field \"\(unknown)\"") }
        return decoded
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
            return "field \"\(name(context.codingPath))\" should be \(typeName(type))"
        case let .valueNotFound(type, context):
            return "field \"\(name(context.codingPath))\" should be \(typeName(type)), not null"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "the body is not valid JSON"
                : "field \"\(name(context.codingPath))\": \(context.debugDescription)"
        @unknown default:
            return "the body does not match the expected shape"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is UInt64.Type, is Int64.Type: "a whole number"
        case is [String].Type: "a list of strings"
        default: "\(type)"
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

/// Every object key of a JSON text, as a path from the top, in the order the text has them, each
/// with whether its value is `null`: what `StrictJSON` compares between a body and what its
/// decoded value keeps.
///
/// Meant for texts a JSON decoder or encoder already accepted (numbers and literals are skipped,
/// not checked); any other text makes `init` fail
/// (never a crash or a loop). A key written with escapes is unescaped by `JSONDecoder`.
struct JSONKeyPaths {
    private(set) var paths: [(path: [JSONPathStep], isNull: Bool)] = []

    /// Deeper than Foundation's JSON decoder goes.
    static let maximumDepth = 600

    init?(_ data: Data) {
        let scanned: [(path: [JSONPathStep], isNull: Bool)]? = data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            guard scanner.value(path: [], depth: 0), scanner.atEnd else { return nil }
            return scanner.paths
        }
        guard let scanned else { return nil }
        paths = scanned
    }

    /// The first key (in the text's order, a parent before its children) that this text gives a
    /// non-null value and `kept` does not have, written as `entries[1].created`.
    func firstUnknown(keeping kept: JSONKeyPaths) -> String? {
        let known = Set(kept.paths.map(\.path))
        guard let unknown = paths.first(where: { !$0.isNull && !known.contains($0.path) }) else { return nil }
        return unknown.path.reduce(into: "") { text, step in
            switch step {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0
        var paths: [(path: [JSONPathStep], isNull: Bool)] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return offset == bytes.count
            }
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        static func endsValue(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
        }

        mutating func skipSpace() {
            while offset < bytes.count, Self.isSpace(bytes[offset]) { offset += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            skipSpace()
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }

        mutating func value(path: [JSONPathStep], depth: Int) -> Bool {
            skipSpace()
            guard offset < bytes.count, depth < JSONKeyPaths.maximumDepth else { return false }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                if consume(UInt8(ascii: "}")) { return true }
                repeat {
                    skipSpace()
                    guard let key = string(), consume(UInt8(ascii: ":")) else { return false }
                    skipSpace()
                    let keyPath = path + [.key(key)]
                    paths.append((keyPath, offset < bytes.count && bytes[offset] == UInt8(ascii: "n")))
                    guard value(path: keyPath, depth: depth + 1) else { return false }
                } while consume(UInt8(ascii: ","))
                return consume(UInt8(ascii: "}"))
            case UInt8(ascii: "["):
                offset += 1
                if consume(UInt8(ascii: "]")) { return true }
                var index = 0
                repeat {
                    guard value(path: path + [.index(index)], depth: depth + 1) else { return false }
                    index += 1
                } while consume(UInt8(ascii: ","))
                return consume(UInt8(ascii: "]"))
            case UInt8(ascii: "\""):
                return string() != nil
            default:
                // A number, true, false or null: up to the next delimiter.
                let start = offset
                while offset < bytes.count, !Self.isSpace(bytes[offset]), !Self.endsValue(bytes[offset]) { offset += 1 }
                return offset > start
            }
        }

        /// The string at `offset` (which must be at its opening quote), unescaped.
        mutating func string() -> String? {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
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
