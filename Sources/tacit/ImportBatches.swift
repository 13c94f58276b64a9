import Foundation
import TacitAPI

/// An import cut into requests for `POST /v1/entries/import`: at most `maximumCount` entries and
/// about `byteBudget` bytes of JSON each, so a batch stays under the daemon's body limit (1 MiB by
/// default); a batch the daemon still finds too large is split again by the sender.
struct ImportBatches: Sequence {
    /// Entries per request: half the daemon's maximum, so a request is one short transaction.
    static let maximumCount = 500
    /// Estimated JSON bytes per request.
    static let byteBudget = 512 << 10

    let entries: [ImportedEntry]

    init(_ entries: [ImportedEntry]) { self.entries = entries }

    /// About how many bytes an entry takes in the request: its text and a fixed allowance for the
    /// keys, the date and the quoting (escapes may add more, which the split on 413 absorbs).
    static func estimatedSize(_ entry: ImportedEntry) -> Int {
        128 + entry.title.utf8.count + entry.body.utf8.count + entry.topic.utf8.count
            + entry.tags.reduce(0) { $0 + $1.utf8.count + 3 }
    }

    func makeIterator() -> AnyIterator<ArraySlice<ImportedEntry>> {
        var start = entries.startIndex
        return AnyIterator {
            guard start < entries.endIndex else { return nil }
            var end = start, bytes = 0
            // At least one entry per batch, however large.
            repeat {
                bytes += Self.estimatedSize(entries[end])
                end += 1
            } while end < entries.endIndex && end - start < Self.maximumCount
                && bytes + Self.estimatedSize(entries[end]) <= Self.byteBudget
            defer { start = end }
            return entries[start..<end]
        }
    }
}
