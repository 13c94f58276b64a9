/// A domain-separation label: an ASCII constant of the form `tacit/v1/…` that begins every
/// associated data and every HKDF info, so no key, seal or MAC made for one purpose is accepted
/// for another.
///
/// Every label of format v1 is declared once, in `DomainLabel+FormatV1.swift`, and listed in
/// `Keys/README.md`.
public struct DomainLabel: Hashable, Sendable, CustomStringConvertible {
    /// The label's ASCII text.
    public let text: String

    /// Declares a label. Only `DomainLabel+FormatV1.swift` and tests should call this.
    public init(_ text: StaticString) {
        let string = text.description
        precondition(string.hasPrefix("tacit/") && string.utf8.allSatisfy { $0 >= 0x21 && $0 < 0x7F },
                     "a domain label is printable ASCII beginning with tacit/")
        self.text = string
    }

    public var description: String { text }
}
