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

    /// Checks `passphrase` (as typed) for a principal called `name`.
    ///
    /// - Throws: `VaultError.weakPassphrase` saying why.
    public static func check(_ passphrase: String, name: String) throws(VaultError) {
        guard passphrase.count >= minimumLength else {
            throw VaultError(.weakPassphrase, "a passphrase needs at least \(minimumLength) characters")
        }
        let folded = String(passphrase.lowercased().filter { !$0.isWhitespace })
        guard Set(folded).count >= 5 else {
            throw VaultError(.weakPassphrase, "a passphrase needs more than a few different characters")
        }
        guard !common.contains(folded), folded != name.lowercased() else {
            throw VaultError(.weakPassphrase, "this passphrase is among the commonly used ones; choose another")
        }
    }
}
