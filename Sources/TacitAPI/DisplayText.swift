import Foundation

/// Text written by other people, made safe to print on a terminal.
///
/// An entry shared with you, a name or a tag comes from someone else; printed as it is, an escape
/// sequence in it could clear your screen, retitle your terminal or forge lines of output, and a
/// line break in a title could forge a row of `tacit feed`; a bidirectional override could show a
/// line's characters in another order than they were written. The CLI passes everything it prints in
/// its tables and Markdown through here; `--json` output is exact (JSON escapes control characters).
/// The daemon already refuses control characters in names, titles, tags and topics; this covers
/// entry text, which may hold anything, and what was stored before those rules.
public enum DisplayText {
    /// Shown in place of a control character or a bidirectional formatting character.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// One line: a line break or a tab becomes a space, any other control character and every
    /// bidirectional formatting character `replacement`.
    public static func line(_ text: String) -> String {
        clean(text) { scalar in
            isBreak(scalar) || scalar == "\t" ? " " : replacement
        }
    }

    /// A title, a tag or a topic as the daemon takes it: each control character (a tab, a line
    /// break…) a space, and no surrounding spaces. For text from elsewhere (imports) or stored
    /// before the daemon refused control characters there.
    public static func field(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) ? " " : scalar) }
        return String(scalars).trimmingCharacters(in: .whitespaces)
    }

    /// Several lines: line breaks (a CR LF pair or a lone LF) and tabs are kept; a lone CR, which
    /// would let a line overwrite the one before it, every other control character and every
    /// bidirectional formatting character become `replacement`.
    public static func block(_ text: String) -> String {
        clean(text.replacingOccurrences(of: "\r\n", with: "\n")) { scalar in
            switch scalar {
            case "\n", "\t": scalar
            case "\r": replacement
            default: isBreak(scalar) ? "\n" : replacement
            }
        }
    }

    /// Line breaks other than the control characters: NEL is a control character too.
    private static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}" || scalar == "\u{85}"
            || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// Whether a terminal would act on `scalar` rather than show it: a control character (C0, DEL,
    /// C1) or a Unicode line or paragraph separator. The daemon refuses these in one-line fields.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// Whether `scalar` is a Unicode bidirectional formatting character: an embedding, override or
    /// isolate (U+202A–U+202E, U+2066–U+2069) or a directional mark (U+200E, U+200F, U+061C). Each
    /// changes the order in which a terminal shows what follows it, so a title could read as other
    /// text than it holds, or carry the rest of a line of output backwards with it ("Trojan Source").
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// Whether `scalar` is shown as something else: a control or a bidirectional formatting character.
    private static func isNeutralized(_ scalar: Unicode.Scalar) -> Bool {
        isControl(scalar) || isBidiControl(scalar)
    }

    private static func clean(_ text: String, _ substitute: (Unicode.Scalar) -> Unicode.Scalar) -> String {
        guard text.unicodeScalars.contains(where: isNeutralized) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isNeutralized(scalar) ? substitute(scalar) : scalar)
        }
        return String(result)
    }
}
