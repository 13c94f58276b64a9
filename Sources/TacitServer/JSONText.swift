import Foundation
import NIOCore
import TacitAPI
import TacitMetrics
import TacitVault

/// JSON text written straight into a response's buffer, byte for byte as `Response.encoder`
/// (sorted keys, ISO 8601 dates in whole seconds, `/` escaped) writes the same value.
///
/// Only for the entry, the response of every write and every read of an entry: there the
/// encoder's generic walk, its key sort, its `Calendar` for each date and the copy from `Data`
/// into a buffer cost more than the rest of the handler around the vault (14 µs of a shared read
/// at 8 connections, 23 µs of a write at 1). Every other response goes through the encoder.
/// `JSONTextTests` compares both on thousands of generated entries.
struct JSONText {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) { buffer = ByteBufferAllocator().buffer(capacity: capacity) }

    /// Dates written here; outside, `JSONEncoder` is the one to ask. Before 1583 Foundation's
    /// Gregorian calendar is Julian, so its text differs from the proleptic day count used here,
    /// and after 9999 the year takes five digits.
    static let dates: Range<Double> = {
        let sinceReference = { (year: Int) in Double(CivilCalendar.dayNumber(year: year, month: 1, day: 1) * 86_400 - unixOfReferenceDate) }
        return sinceReference(1600)..<sinceReference(10_000)
    }()

    /// 2001-01-01T00:00:00Z, `Date`'s reference, in seconds since 1970.
    private static let unixOfReferenceDate = 978_307_200

    mutating func raw(_ text: StaticString) { buffer.writeStaticString(text) }

    /// A string: `"`, `\` and `/` escaped, backspace, form feed, newline, return and tab by name,
    /// other control characters as `\u00xx`; everything else as its UTF-8.
    mutating func string(_ value: String) {
        raw("\"")
        var value = value
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x2F {
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                escape(byte)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
        raw("\"")
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case 0x22: raw("\\\"")
        case 0x5C: raw("\\\\")
        case 0x2F: raw("\\/")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            buffer.writeMultipleIntegers(hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)])
        }
    }

    /// A UUID in lower case, as `LowercaseID` fields are encoded, quoted.
    mutating func uuid(_ value: UUID) {
        raw("\"")
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 36) { value.writeText(into: $0, uppercase: false) }
        raw("\"")
    }

    mutating func int(_ value: Int) { buffer.writeString(String(value)) }

    /// A date of `dates` as `yyyy-MM-dd'T'HH:mm:ss'Z'`, its fraction of a second dropped (the
    /// encoder rounds down, also before 1970), quoted.
    mutating func date(_ value: Date) {
        precondition(Self.dates.contains(value.timeIntervalSinceReferenceDate), "a date outside JSONText.dates")
        let seconds = Int(value.timeIntervalSinceReferenceDate.rounded(.down)) + Self.unixOfReferenceDate
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        // Both rounded toward minus infinity: the second before 1970 is 1969-12-31T23:59:59.
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        let civil = CivilCalendar.civil(day)
        raw("\"")
        digits(civil.year, 4)
        raw("-")
        digits(civil.month, 2)
        raw("-")
        digits(civil.day, 2)
        raw("T")
        digits(second / 3600, 2)
        raw(":")
        digits(second / 60 % 60, 2)
        raw(":")
        digits(second % 60, 2)
        raw("Z\"")
    }

    private mutating func digits(_ value: Int, _ count: Int) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { text in
            var rest = value
            for index in stride(from: count - 1, through: 0, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            return count
        }
    }
}

extension EntryResponse {
    /// This entry's JSON text as `Response.encoder` writes it, or nil when a date lies outside
    /// `JSONText.dates` (the encoder writes it then).
    func jsonText() -> ByteBuffer? {
        guard JSONText.dates.contains(created.timeIntervalSinceReferenceDate),
              JSONText.dates.contains(updated.timeIntervalSinceReferenceDate) else { return nil }
        let textBytes = author.utf8.count + title.utf8.count + body.utf8.count + topic.utf8.count
            + kind.utf8.count + tags.reduce(0) { $0 + $1.utf8.count + 3 }
        // Room for the keys, ids and dates, and for some escapes; the buffer grows if it needs more.
        var json = JSONText(capacity: 320 + textBytes + textBytes / 16)
        json.raw("{\"author\":")
        json.string(author)
        json.raw(",\"body\":")
        json.string(body)
        json.raw(",\"created\":")
        json.date(created)
        if let cycle {
            json.raw(",\"cycle\":")
            json.uuid(cycle)
        }
        if let group {
            json.raw(",\"group\":")
            json.uuid(group)
        }
        json.raw(",\"id\":")
        json.uuid(id)
        json.raw(",\"kind\":")
        json.string(kind)
        if let notices {
            json.raw(",\"notices\":[")
            for (index, notice) in notices.enumerated() {
                if index > 0 { json.raw(",") }
                json.string(notice)
            }
            json.raw("]")
        }
        json.raw(",\"tags\":[")
        for (index, tag) in tags.enumerated() {
            if index > 0 { json.raw(",") }
            json.string(tag)
        }
        json.raw("],\"title\":")
        json.string(title)
        json.raw(",\"topic\":")
        json.string(topic)
        json.raw(",\"updated\":")
        json.date(updated)
        json.raw(",\"version\":")
        json.int(version)
        json.raw("}")
        return json.buffer
    }
}
