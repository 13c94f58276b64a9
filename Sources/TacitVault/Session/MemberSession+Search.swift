import Foundation

/// Filters of a search of one's own entries.
public struct SearchFilter: Sendable, Equatable {
    /// Only entries of this kind.
    public var kind: EntryKind?
    /// Only entries of this cycle.
    public var cycle: CycleID?
    /// Only entries carrying this tag (case- and diacritic-insensitive).
    public var tag: String?
    /// Only entries created at or after this time.
    public var from: Date?
    /// Only entries created before this time.
    public var to: Date?

    /// Creates a filter; every criterion is optional.
    public init(kind: EntryKind? = nil, cycle: CycleID? = nil, tag: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.kind = kind
        self.cycle = cycle
        self.tag = tag
        self.from = from
        self.to = to
    }
}

/// A parsed text query: words and quoted phrases, all of which must occur.
struct SearchQuery: Sendable {
    let terms: [String]

    init(_ text: String) {
        var terms: [String] = []
        var current = "", quoted = false
        for ch in text {
            if ch == "\"" {
                if quoted, !current.isEmpty { terms.append(current) }
                current = ""
                quoted.toggle()
            } else if !quoted && ch.isWhitespace {
                if !current.isEmpty { terms.append(current) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { terms.append(current) }
        self.terms = terms.map { Self.fold($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Case- and diacritic-insensitive form, with runs of whitespace collapsed so phrases match across line breaks.
    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    func matches(_ content: EntryContent) -> Bool {
        guard !terms.isEmpty else { return true }
        let haystack = Self.fold(content.title) + "\n" + Self.fold(content.body)
        return terms.allSatisfy { haystack.contains($0) }
    }
}

extension MemberSession {
    /// Searches the member's own entries in memory: every term and quoted phrase of `query` must
    /// occur in the title or body (case- and diacritic-insensitive), and every filter must hold.
    /// Nothing about the query or the matches is written anywhere.
    ///
    /// - Throws: as `entries()`.
    public func search(_ query: String, filter: SearchFilter = SearchFilter()) async throws(VaultError) -> [Entry] {
        let parsed = SearchQuery(query)
        let tag = filter.tag.map(SearchQuery.fold)
        return try await entries().filter { entry in
            if let kind = filter.kind, entry.metadata.kind != kind { return false }
            if let cycle = filter.cycle, entry.metadata.cycle != cycle { return false }
            if let from = filter.from, entry.content.created < from { return false }
            if let to = filter.to, entry.content.created >= to { return false }
            if let tag, !entry.content.tags.contains(where: { SearchQuery.fold($0) == tag }) { return false }
            return parsed.matches(entry.content)
        }
    }
}
