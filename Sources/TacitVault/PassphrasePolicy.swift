import TacitCrypto

/// Refuses weak passphrases: under 12 characters, too few distinct characters, the member's own
/// name, or one of the commonly used ones (checked case-insensitively, ignoring spaces).
public enum PassphrasePolicy {
    /// The minimum length in characters.
    public static let minimumLength = 12

    /// Passphrases of 12 characters and more that appear in breach lists and cracking dictionaries.
    static let common: Set<String> = [
        "password1234", "password12345", "password123456", "passwordpassword", "123456789012", "1234567890123",
        "12345678901234", "123456123456", "qwertyuiopas", "qwertyuiop123", "qwerty123456", "1q2w3e4r5t6y",
        "1qaz2wsx3edc", "iloveyou1234", "letmein12345", "welcome12345", "administrator", "trustno1trustno1",
        "correcthorsebatterystaple", "abcdefghijkl", "abcdefghijklmnop", "abc123abc123", "aaaaaaaaaaaa",
        "changeme1234", "monkeymonkey", "sunshine1234", "princess1234", "football1234", "baseball1234",
        "superman1234", "dragondragon", "masterkey123", "mypassword123", "thisismypassword", "passw0rd1234",
        "p@ssw0rd1234", "p@ssword1234", "zaq12wsxcde3", "asdfghjkl123", "asdfghjklasdf", "zxcvbnm12345",
        "qazwsxedcrfv", "111111111111", "000000000000", "987654321098", "iloveyouiloveyou", "tacittacit12",
        "practicejournal", "learninggroup", "peerlearning", "letmeinletmein", "whatever1234", "secret123456",
    ]

    /// The common passphrases as folded UTF-8, compared byte for byte.
    private static let commonBytes: [[UInt8]] = common.map { Array($0.utf8) }

    /// Checks `passphrase` (as typed, UTF-8) for a principal called `name`, without ever making a
    /// `String` of it: the folded copy it compares lives in `SecretBytes` too.
    ///
    /// Characters are counted as Unicode scalars; folding lowercases ASCII letters and drops
    /// whitespace; an invalid UTF-8 sequence counts as one U+FFFD.
    ///
    /// - Throws: `VaultError.weakPassphrase` saying why.
    public static func check(_ passphrase: SecretBytes, name: String) throws(VaultError) {
        let folded = fold(Array(name.utf8)).bytes
        let verdict = passphrase.withUnsafeBytes { raw in assess(raw, name: folded) }
        switch verdict {
        case .acceptable:
            return
        case .tooShort:
            throw VaultError(.weakPassphrase, "a passphrase needs at least \(minimumLength) characters")
        case .tooFewDistinct:
            throw VaultError(.weakPassphrase, "a passphrase needs more than a few different characters")
        case .common:
            throw VaultError(.weakPassphrase, "this passphrase is a commonly used one, or a common word or your own name "
                             + "padded with digits and symbols; choose another (a few unrelated words work well)")
        }
    }

    enum Verdict { case acceptable, tooShort, tooFewDistinct, common }

    /// Distinct characters needed.
    static let distinctNeeded = 5

    static func assess(_ bytes: UnsafeRawBufferPointer, name foldedName: [UInt8]) -> Verdict {
        var scalars = 0
        var distinct = InlineArray<5, UInt32>(repeating: 0), distinctCount = 0
        var foldedCount = 0
        // Each input byte folds to at most 3 bytes (an invalid byte becomes U+FFFD).
        let folded = SecretBytes(count: max(1, bytes.count * 3)) { out in
            forEachScalar(bytes) { scalar, encoded in
                scalars += 1
                guard !scalar.properties.isWhitespace else { return }
                let value = (0x41...0x5A).contains(scalar.value) ? scalar.value + 0x20 : scalar.value
                if distinctCount < distinctNeeded, !(0..<distinctCount).contains(where: { distinct[$0] == value }) {
                    distinct[distinctCount] = value
                    distinctCount += 1
                }
                if value < 0x80 {
                    out[foldedCount] = UInt8(value)
                    foldedCount += 1
                } else {
                    for byte in encoded {
                        out[foldedCount] = byte
                        foldedCount += 1
                    }
                }
            }
        }
        guard scalars >= minimumLength else { return .tooShort }
        guard distinctCount >= distinctNeeded else { return .tooFewDistinct }
        let isCommon = folded.withUnsafeBytes { raw in
            let candidate = UnsafeRawBufferPointer(rebasing: raw[0..<foldedCount])
            return commonBytes.contains { $0.elementsEqual(candidate) } || foldedName.elementsEqual(candidate)
                || hasCommonCore(candidate, name: foldedName)
        }
        return isCommon ? .common : .acceptable
    }

    /// Words that, padded with digits and symbols (`Password1234!`, `Summer2024!!`), or with the
    /// principal's own name, make the passphrases people reach for first.
    static let commonCores: [[UInt8]] = [
        "password", "passwrd", "psswrd", "pass", "summer", "winter", "spring", "autumn", "fall", "welcome", "letmein",
        "qwerty", "qwertyuiop", "asdf", "asdfgh", "zxcvbn", "iloveyou", "admin", "administrator", "changeme", "secret",
        "monkey", "dragon", "football", "baseball", "soccer", "sunshine", "princess", "master", "hello", "login",
        "tacit", "journal", "practice", "manager", "company", "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    ].map { Array($0.utf8) }

    /// Whether `folded` (an ASCII passphrase, folded) is a common word or its owner's name, alone or
    /// together, padded with digits and symbols: its letters, less the name at either end, are
    /// one of `commonCores` or nothing. A passphrase of digits and symbols only is left to the
    /// length and common-list checks; one with letters beyond ASCII is taken as chosen.
    static func hasCommonCore(_ folded: UnsafeRawBufferPointer, name: [UInt8]) -> Bool {
        guard folded.allSatisfy({ $0 < 0x80 }) else { return false }
        let isLetter = { (byte: UInt8) in (0x61...0x7A).contains(byte) }
        var letters = 0
        let core = SecretBytes(count: max(1, folded.count)) { out in
            for byte in folded where isLetter(byte) {
                out[letters] = byte
                letters += 1
            }
        }
        guard letters > 0 else { return false }
        let nameLetters = name.filter(isLetter)
        return core.withUnsafeBytes { raw in
            var word = UnsafeRawBufferPointer(rebasing: raw[0..<letters])
            if !nameLetters.isEmpty && word.count >= nameLetters.count {
                if word.starts(with: nameLetters) {
                    word = UnsafeRawBufferPointer(rebasing: word[nameLetters.count...])
                } else if word.suffix(nameLetters.count).elementsEqual(nameLetters) {
                    word = UnsafeRawBufferPointer(rebasing: word[..<(word.count - nameLetters.count)])
                }
            }
            return word.isEmpty || commonCores.contains { $0.elementsEqual(word) }
        }
    }

    /// U+FFFD, which an invalid UTF-8 sequence counts as.
    static let replacement = Unicode.UTF8.encode("\u{FFFD}")!

    /// Calls `body` with each scalar of `bytes` and its UTF-8 (a value on the stack, not a heap copy).
    static func forEachScalar(_ bytes: UnsafeRawBufferPointer, _ body: (Unicode.Scalar, Unicode.UTF8.EncodedScalar) -> Void) {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                body(Unicode.UTF8.decode(encoded), encoded)
            case .error:
                body("\u{FFFD}", replacement)
            case .emptyInput:
                return
            }
        }
    }

    /// `bytes` folded as `assess` folds a passphrase (for the name, which is not secret).
    static func fold(_ bytes: [UInt8]) -> (bytes: [UInt8], scalars: Int) {
        var out: [UInt8] = [], scalars = 0
        bytes.withUnsafeBytes { raw in
            forEachScalar(raw) { scalar, encoded in
                scalars += 1
                guard !scalar.properties.isWhitespace else { return }
                if scalar.value < 0x80 {
                    out.append(UInt8((0x41...0x5A).contains(scalar.value) ? scalar.value + 0x20 : scalar.value))
                } else {
                    out.append(contentsOf: encoded)
                }
            }
        }
        return (out, scalars)
    }
}
