/// The names people and groups are known by: typed in commands (`tacit share ID --with bea`) and
/// shown to the other members of a group in every listing.
///
/// Lowercase ASCII letters, digits, `.`, `-` and `_`, starting with a letter or a digit — as Unix
/// user names are — so that a name cannot carry a terminal control sequence or a line break into
/// someone else's listing, cannot pass for another one that looks the same (`ali` and `аli` with a
/// Cyrillic a, `Ali` and `ali`), and needs no quoting on a command line. Checked when a name is
/// given out: enrolling, inviting and creating a group. Names stored before the rule existed still
/// log in and are shown as they are (the CLI neutralizes control characters when it prints).
public enum Names {
    /// The longest name of a person.
    public static let principalMaximum = 32
    /// The longest name of a group.
    public static let groupMaximum = 64

    /// Checks the name of a person.
    ///
    /// - Throws: `VaultError.invalidInput` naming the rule (never echoing the name, which may hold
    ///   anything).
    public static func checkPrincipal(_ name: String) throws(VaultError) {
        try check(name, maximum: principalMaximum, what: "a name")
    }

    /// Checks the name of a group.
    ///
    /// - Throws: `VaultError.invalidInput` naming the rule.
    public static func checkGroup(_ name: String) throws(VaultError) {
        try check(name, maximum: groupMaximum, what: "a group name")
        // Commands take a group by name or by a prefix of its id, the name first: a group named
        // like another's id as tables show it (8 hex digits) would stand in for that group.
        let hex = name.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) || $0 == UInt8(ascii: "-") }
        guard !(hex && name.utf8.count >= 8) else {
            throw VaultError.invalid("a group name of 8 or more hex digits looks like a group's id, which commands also "
                + "take: choose a name with a letter other than a-f in it")
        }
    }

    private static func check(_ name: String, maximum: Int, what: String) throws(VaultError) {
        let bytes = name.utf8
        let valid = (1...maximum).contains(bytes.count)
            && bytes.allSatisfy { isLowercaseLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
            && isLowercaseLetterOrDigit(bytes.first!)
        guard valid else {
            throw VaultError.invalid("\(what) is 1 to \(maximum) lowercase letters (a-z), digits, '.', '-' or '_', "
                + "starting with a letter or a digit")
        }
    }

    private static func isLowercaseLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
