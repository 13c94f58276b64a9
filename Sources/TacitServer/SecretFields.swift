import NIOCore
import TacitCrypto

/// Reads a flat JSON object of string (and boolean) fields straight from a request body's bytes,
/// putting every string into `SecretBytes`, so a passphrase never becomes a `String` in the daemon
/// (`JSONDecoder` would make one). The body buffer is zeroed afterwards.
struct SecretFields {
    private(set) var strings: [String: SecretBytes] = [:]
    private(set) var booleans: [String: Bool] = [:]

    /// Why the body could not be read; the message never quotes the body.
    struct Malformed: Error {
        let message: String
    }

    /// Parses `buffer` and then overwrites it with zeros.
    ///
    /// - Parameter allowed: the field names accepted; any other is an error (unknown fields are refused).
    init(consuming buffer: inout ByteBuffer, allowed: Set<String>) throws(Malformed) {
        defer {
            let count = buffer.readableBytes
            buffer.setRepeatingByte(0, count: count, at: buffer.readerIndex)
        }
        let bytes = buffer.readableBytesView
        var parser = Parser(bytes: Array(bytes))
        defer { parser.wipe() }
        try parser.skipSpace()
        try parser.expect(UInt8(ascii: "{"))
        try parser.skipSpace()
        if parser.peek() == UInt8(ascii: "}") {
            parser.index += 1
        } else {
            while true {
                try parser.skipSpace()
                let key = String(decoding: try parser.string().unprotectedCopy(), as: UTF8.self)
                guard allowed.contains(key) else { throw Malformed(message: "unknown field \"\(key.prefix(40))\"") }
                guard strings[key] == nil, booleans[key] == nil else { throw Malformed(message: "field \"\(key)\" appears twice") }
                try parser.skipSpace()
                try parser.expect(UInt8(ascii: ":"))
                try parser.skipSpace()
                switch parser.peek() {
                case UInt8(ascii: "\""): strings[key] = try parser.string()
                case UInt8(ascii: "t"): try parser.literal("true"); booleans[key] = true
                case UInt8(ascii: "f"): try parser.literal("false"); booleans[key] = false
                default: throw Malformed(message: "field \"\(key)\" must be a string")
                }
                try parser.skipSpace()
                if parser.peek() == UInt8(ascii: ",") { parser.index += 1; continue }
                try parser.expect(UInt8(ascii: "}"))
                break
            }
        }
        try parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw Malformed(message: "unexpected bytes after the JSON object") }
    }

    /// The string field `name`, or an error naming it.
    func secret(_ name: String) throws(Malformed) -> SecretBytes {
        guard let value = strings[name] else { throw Malformed(message: "missing field \"\(name)\"") }
        return value
    }

    /// A non-secret string field (a name), as a `String`.
    func text(_ name: String) throws(Malformed) -> String {
        String(decoding: try secret(name).unprotectedCopy(), as: UTF8.self)
    }

    private struct Parser {
        var bytes: [UInt8]
        var index = 0

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func wipe() {
            for i in bytes.indices { bytes[i] = 0 }
        }

        mutating func skipSpace() throws(Malformed) {
            while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Malformed) {
            guard peek() == byte else { throw Malformed(message: "malformed JSON at byte \(index)") }
            index += 1
        }

        mutating func literal(_ word: String) throws(Malformed) {
            for byte in word.utf8 { try expect(byte) }
        }

        /// A JSON string, unescaped straight into secret memory.
        mutating func string() throws(Malformed) -> SecretBytes {
            try expect(UInt8(ascii: "\""))
            // The unescaped string is never longer than its escaped form.
            var end = index
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard end < bytes.count else { throw Malformed(message: "unterminated string") }
            var written = 0
            var failure: Malformed?
            let scratch = SecretBytes(count: end - index) { out in
                do {
                    written = try unescape(upTo: end, into: out)
                } catch {
                    failure = (error as? Malformed) ?? Malformed(message: "malformed string")
                }
            }
            if let failure { throw failure }
            index = end + 1
            return scratch.extracting(0..<written)
        }

        private mutating func unescape(upTo end: Int, into out: UnsafeMutableRawBufferPointer) throws(Malformed) -> Int {
            var count = 0
            func put(_ byte: UInt8) { out[count] = byte; count += 1 }
            while index < end {
                let byte = bytes[index]
                index += 1
                if byte < 0x20 { throw Malformed(message: "control character in a string") }
                guard byte == UInt8(ascii: "\\") else { put(byte); continue }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): put(escape)
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4(end: end)
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw Malformed(message: "unpaired surrogate in a string")
                        }
                        index += 2
                        let low = try hex4(end: end)
                        guard (0xDC00..<0xE000).contains(low) else { throw Malformed(message: "unpaired surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw Malformed(message: "unpaired surrogate in a string")
                    }
                    // UTF-8 of the scalar; at most 4 bytes, and its escape took at least 6.
                    guard let unicode = Unicode.Scalar(scalar) else { throw Malformed(message: "invalid escape") }
                    for byte in UTF8.encode(unicode)! { put(byte) }
                default:
                    throw Malformed(message: "invalid escape in a string")
                }
            }
            return count
        }

        private mutating func hex4(end: Int) throws(Malformed) -> UInt32 {
            guard index + 4 <= end else { throw Malformed(message: "invalid \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                index += 1
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw Malformed(message: "invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
    }
}
