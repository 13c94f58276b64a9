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
        let input = try decoder.decode(JSONValue.self, from: data)
        let kept = try decoder.decode(JSONValue.self, from: encoder.encode(decoded))
        if let unknown = firstUnknownKey(input, kept: kept, path: "") {
            throw APIError.badRequest("unknown field \"\(unknown)\"")
        }
        return decoded
    }

    static func firstUnknownKey(_ input: JSONValue, kept: JSONValue, path: String) -> String? {
        switch (input, kept) {
        case let (.object(inputObject), .object(keptObject)):
            for (key, value) in inputObject.sorted(by: { $0.key < $1.key }) {
                let name = path.isEmpty ? key : "\(path).\(key)"
                guard let keptValue = keptObject[key] else {
                    if value == .null { continue }
                    return name
                }
                if let unknown = firstUnknownKey(value, kept: keptValue, path: name) { return unknown }
            }
            return nil
        case let (.array(inputArray), .array(keptArray)):
            for (index, pair) in zip(inputArray, keptArray).enumerated() {
                if let unknown = firstUnknownKey(pair.0, kept: pair.1, path: "\(path)[\(index)]") { return unknown }
            }
            return nil
        default:
            return nil
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
