import Foundation
import TacitCrypto

/// Filters of a search of one's own entries.
public struct SearchFilter: Sendable, Equatable {
    /// Only entries of this kind.
    public var kind: EntryKind?
    /// Only entries of this cycle.
    public var cycle: CycleID?
    /// Only entries of this group (of any of its cycles).
    public var group: GroupID?
    /// Only entries carrying this tag (case- and diacritic-insensitive).
    public var tag: String?
    /// Only entries created at or after this time.
    public var from: Date?
    /// Only entries created before this time.
    public var to: Date?
    /// Only entries whose id (lowercase, as tables show it) starts with this: resolving the
    /// 8-character ids people type, without decrypting the rest of the journal.
    public var idPrefix: String?

    /// Creates a filter; every criterion is optional.
    public init(kind: EntryKind? = nil, cycle: CycleID? = nil, tag: String? = nil, from: Date? = nil, to: Date? = nil,
                idPrefix: String? = nil) {
        self.kind = kind
        self.cycle = cycle
        self.tag = tag
        self.from = from
        self.to = to
        self.idPrefix = idPrefix
    }
}

/// A parsed text query: words and quoted phrases, all of which must occur.
struct SearchQuery: Sendable {
    /// The terms, folded (`SearchFolding`), none empty.
    let terms: [[UInt8]]

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
        self.terms = terms.map { SearchFolding.folded($0) }.filter { !$0.isEmpty }
    }

    /// `true` when every term occurs in `text` (a folded title and body).
    func matches(_ text: SecretBytes) -> Bool {
        terms.allSatisfy { SearchFolding.contains(text, $0) }
    }
}

/// The text search compares: case-, diacritic- and width-insensitive, runs of whitespace collapsed
/// to one space, NFC, as UTF-8 bytes — so one folded text contains another's bytes exactly when it
/// contains the other's words.
///
/// ASCII text (most journals, and the common case to make fast) folds by lowering A–Z and
/// collapsing whitespace, which is what Foundation's folding does to ASCII (a test checks every
/// ASCII character); anything else goes through Foundation and NFC.
enum SearchFolding {
    /// The folded UTF-8 bytes of `text`, in an ordinary array (for query terms and tags).
    static func folded(_ text: String) -> [UInt8] {
        let plan = Plan(text)
        return [UInt8](unsafeUninitializedCapacity: plan.count) { buffer, count in
            count = plan.write(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Foundation's folding, whitespace collapsed, NFC: the general path, also the reference the
    /// ASCII path is tested against.
    static func foldedByFoundation(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .precomposedStringWithCanonicalMapping
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// How one string folds: its length first, so the bytes can go straight into secret memory.
    struct Plan {
        let source: String
        /// Foundation's result for non-ASCII text; `nil` for the ASCII path.
        let general: String?
        let count: Int

        init(_ text: String) {
            var text = text
            let ascii = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } }
            source = text
            if ascii {
                general = nil
                count = text.withUTF8 { Self.foldASCII($0, into: nil) }
            } else {
                let folded = SearchFolding.foldedByFoundation(text)
                general = folded
                count = folded.utf8.count
            }
        }

        /// Writes the folded bytes at the start of `buffer` (at least `count` bytes); returns `count`.
        func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
            var text = general ?? source
            return text.withUTF8 { bytes in
                if general != nil {
                    if let base = bytes.baseAddress, !bytes.isEmpty { buffer.baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
                    return bytes.count
                }
                return Self.foldASCII(bytes, into: buffer)
            }
        }

        /// Lowers A–Z and collapses runs of ASCII whitespace (HT, LF, VT, FF, CR, space) to one
        /// space, trimming both ends; with `output` nil, only counts.
        static func foldASCII(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableRawBufferPointer?) -> Int {
            var count = 0
            var pendingSpace = false
            for byte in bytes {
                if byte == 0x20 || (0x09...0x0D).contains(byte) {
                    pendingSpace = count > 0
                    continue
                }
                if pendingSpace {
                    output?[count] = 0x20
                    count += 1
                    pendingSpace = false
                }
                output?[count] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                count += 1
            }
            return count
        }
    }

    /// `true` when `needle` occurs in `haystack`.
    static func contains(_ haystack: SecretBytes, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { n in
                guard hay.count >= n.count, let base = hay.baseAddress, let pattern = n.baseAddress else { return false }
                // memchr to each candidate first byte, then memcmp (glibc's memmem is not exported to Swift).
                let last = base + (hay.count - n.count)
                var cursor = base
                while cursor <= last {
                    guard let hit = memchr(cursor, Int32(needle[0]), last - cursor + 1) else { return false }
                    if memcmp(hit, pattern, n.count) == 0 { return true }
                    cursor = UnsafeRawPointer(hit) + 1
                }
                return false
            }
        }
    }
}

/// What search keeps of one entry version: the folded title and body, the folded tags (both in
/// secret memory), and the creation time the date filters need. Kind and cycle are clear columns,
/// read from the row at each search.
struct SearchCacheItem: Sendable {
    let version: Int
    let created: Date
    /// What a search reads: the folded title, body, topic and tags, a line feed between each (a
    /// term never matches across two of them).
    let text: SecretBytes
    /// Each folded tag as u16 length ‖ bytes.
    let tags: SecretBytes

    init(version: Int, content: EntryContent) {
        self.version = version
        created = content.created
        let fields = ([content.title, content.body, content.topic] + content.tags).map(SearchFolding.Plan.init)
        text = SecretBytes(count: fields.reduce(fields.count - 1) { $0 + $1.count }) { buffer in
            var offset = 0
            for (index, field) in fields.enumerated() {
                if index > 0 {
                    buffer[offset] = 0x0A
                    offset += 1
                }
                offset += field.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            }
        }
        // The codec limits a tag to 65,535 bytes; one that folds longer (ß → ss) cannot be matched.
        let plans = content.tags.map(SearchFolding.Plan.init).filter { $0.count <= Int(UInt16.max) }
        tags = SecretBytes(count: plans.reduce(0) { $0 + 2 + $1.count }) { buffer in
            var offset = 0
            for plan in plans {
                buffer[offset] = UInt8(plan.count >> 8)
                buffer[offset + 1] = UInt8(plan.count & 0xFF)
                offset += 2 + plan.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[(offset + 2)...]))
            }
        }
    }

    /// `true` when one of the tags folds to exactly `tag`.
    func hasTag(_ tag: [UInt8]) -> Bool {
        tags.withUnsafeBytes { raw in
            var offset = 0
            while offset + 2 <= raw.count {
                let length = Int(raw[offset]) << 8 | Int(raw[offset + 1])
                let start = offset + 2
                guard start + length <= raw.count else { return false }
                if length == tag.count, tag.withUnsafeBytes({ memcmp(raw.baseAddress! + start, $0.baseAddress ?? raw.baseAddress!, length) == 0 }) {
                    return true
                }
                offset = start + length
            }
            return false
        }
    }
}

extension MemberSession {
    /// Whether `query` holds a word or phrase to look for (`"` or `""` holds none, and would match
    /// every entry).
    public static func searchHasTerms(_ query: String) -> Bool { !SearchQuery(query).terms.isEmpty }

    /// Searches the member's own entries in memory: every term and quoted phrase of `query` must
    /// occur in the title or body (case- and diacritic-insensitive), and every filter must hold.
    /// Nothing about the query or the matches is written anywhere.
    ///
    /// The folded text of each entry version is kept in the session (secret memory, emptied by
    /// `lock()`), so only entries new or changed since the last search are decrypted to search
    /// them; the matches are decrypted from the stored rows and verified at every call.
    ///
    /// - Throws: `VaultError.locked`; `.authenticationFailed` on an entry that fails to verify.
    public func search(_ query: String, filter: SearchFilter = SearchFilter()) async throws(VaultError) -> [Entry] {
        try await search(query, filter: filter, offset: 0, limit: Int.max).entries
    }

    /// One page of the matches, newest first, and how many there are in all: only the page is
    /// decrypted (the order comes from the in-memory search cache).
    ///
    /// - Throws: as `search(_:filter:)`.
    public func search(_ query: String, filter: SearchFilter = SearchFilter(), offset: Int,
                       limit: Int) async throws(VaultError) -> (entries: [Entry], total: Int) {
        let keys = try keys()
        let me = me
        let parsed = SearchQuery(query)
        let tag = filter.tag.map(SearchFolding.folded)
        let cache = searchCache
        return try await vault.read { access in
            let headers = try access.entryHeaders(by: me)
            var items = cache.snapshot()
            let stale = headers.filter { items[$0.id]?.version != $0.version }
            if !stale.isEmpty || items.count != headers.count {
                var fresh: [EntryID: SearchCacheItem] = [:]
                let rows: [EntryRow]
                if stale.count > 64 {
                    let wanted = Set(stale.map(\.id))
                    rows = try access.entries(by: me).filter { wanted.contains($0.columns.id) }
                } else {
                    rows = try stale.compactMap { try access.entry($0.id) }
                }
                for row in rows {
                    let (_, content) = try Self.openEntry(row, key: try Self.unwrapEntryKey(row, keys: keys), expected: row.columns.id)
                    fresh[row.columns.id] = SearchCacheItem(version: row.columns.version, content: content)
                }
                items.merge(fresh) { $1 }
                cache.store(fresh, live: Set(headers.lazy.map(\.id)))
            }
            var matches: [EntryID] = []
            for header in headers {
                if let prefix = filter.idPrefix, !header.id.description.hasPrefix(prefix) { continue }
                guard let item = items[header.id], item.version == header.version else { continue }
                if let kind = filter.kind, header.kind != kind { continue }
                if let cycle = filter.cycle, header.cycle != cycle { continue }
                if let group = filter.group, header.group != group { continue }
                if let from = filter.from, item.created < from { continue }
                if let to = filter.to, item.created >= to { continue }
                if let tag, !item.hasTag(tag) { continue }
                if parsed.matches(item.text) { matches.append(header.id) }
            }
            // Newest first by the cached times, entries of the same second by id (as every listing
            // orders them); only the requested page is decrypted and verified, from the rows as stored.
            let ordered = matches.sorted { a, b in
                let (first, second) = (items[a]!.created, items[b]!.created)
                return first != second ? first > second : a > b
            }
            let page = ordered.dropFirst(max(0, offset)).prefix(max(0, limit))
            let entries = try page.compactMap { id -> Entry? in
                guard let row = try access.entry(id) else { return nil }
                let (_, content) = try Self.openEntry(row, key: try Self.unwrapEntryKey(row, keys: keys), expected: id)
                return Entry(metadata: EntryMetadata(row.columns), content: content)
            }
            return (entries, ordered.count)
        }
    }
}
