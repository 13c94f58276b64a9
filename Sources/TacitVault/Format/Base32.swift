/// RFC 4648 base32 without padding, shown in groups of four: how recovery keys and enrollment
/// codes are displayed. Input ignores case, spaces and dashes, and reads the digits 0 and 8, which
/// the alphabet lacks, as the letters O and B they are mistaken for (1 could be I or L: refused).
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes `bytes` in groups of four characters separated by dashes.
    static func grouped(_ bytes: some Collection<UInt8>) -> String {
        var chars: [UInt8] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                chars.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { chars.append(alphabet[(buffer << (5 - bits)) & 31]) }
        var out = ""
        for (i, c) in chars.enumerated() {
            if i > 0 && i % 4 == 0 { out.append("-") }
            out.append(Character(Unicode.Scalar(c)))
        }
        return out
    }

    /// Decodes to exactly `byteCount` bytes, or `nil` for anything malformed.
    static func decode(_ text: String, byteCount: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for scalar in text.unicodeScalars {
            if scalar == "-" || scalar == " " || scalar == "\t" { continue }
            var upper = scalar.value >= 97 && scalar.value <= 122 ? scalar.value - 32 : scalar.value
            if upper == 0x30 { upper = 0x4F } else if upper == 0x38 { upper = 0x42 }  // 0 → O, 8 → B
            guard let index = alphabet.firstIndex(of: UInt8(truncatingIfNeeded: upper)), upper < 128 else { return nil }
            buffer = ((buffer << 5) | index) & 0xFFFF
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        // Leftover bits must be zero padding of the last character.
        guard out.count == byteCount, bits < 5, buffer & ((1 << bits) - 1) == 0 else { return nil }
        return out
    }
}
