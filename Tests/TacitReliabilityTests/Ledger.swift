import Foundation
import TacitAPI

/// What was written, as plaintext, kept in the test's memory only (never in the database): the
/// record every read is compared with.
struct Content: Hashable, Sendable {
    var title: String
    var body: String
    var tags: [String]
    var topic: String

    init(title: String, body: String, tags: [String], topic: String) {
        self.title = title
        self.body = body
        self.tags = tags
        self.topic = topic
    }

    init(_ response: EntryResponse) {
        self.init(title: response.title, body: response.body, tags: response.tags, topic: response.topic)
    }

    var input: EntryInput { EntryInput(title: title, body: body, tags: tags, topic: topic) }

    /// Fresh content with the canary in its title, body, tags and topic.
    static func make(_ canary: Canary, author: String, serial: Int, length: Int) -> Content {
        let filler = String(repeating: "practice notes \(serial) ", count: max(1, length / 18))
        return Content(title: "\(canary.marker) \(author) #\(serial)",
                       body: "\(canary.marker) body of \(author) #\(serial): \(filler)",
                       tags: ["t\(canary.marker)", "round\(serial % 7)"],
                       topic: "\(canary.marker) topic \(serial % 5)")
    }
}

/// The crash harness's book of acknowledged work, shared by the client threads.
final class Ledger: @unchecked Sendable {
    struct EntryState {
        let author: String
        /// Contents a read may show now: one, or two while an edit's fate is unknown.
        var acceptable: [Content]
        /// Every content ever acknowledged or attempted for it (a reader of a share may see any).
        var history: [Content]
    }

    enum ShareState { case live, revoked, unknown }

    struct ShareRecord {
        let entry: UUID
        let author: String
        let readers: [String]
        var state: ShareState
    }

    struct Figures {
        var writes = 0, edits = 0, shares = 0, revocations = 0, reads = 0, sharedReads = 0
        var inFlightAtKill = 0
    }

    private let lock = NSLock()
    private var entries: [UUID: EntryState] = [:]
    private var shares: [UUID: ShareRecord] = [:]
    /// Acknowledged edits of each entry.
    private var acknowledgedEdits: [UUID: Int] = [:]
    private(set) var figures = Figures()
    private var problems: [String] = []

    func locked<T>(_ body: () -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        return body()
    }

    // MARK: recording

    func wrote(_ id: UUID, author: String, _ content: Content) {
        locked {
            entries[id] = EntryState(author: author, acceptable: [content], history: [content])
            figures.writes += 1
        }
    }

    func beginEdit(_ id: UUID, _ content: Content) {
        locked {
            entries[id]?.acceptable.append(content)
            entries[id]?.history.append(content)
        }
    }

    func edited(_ id: UUID, _ content: Content) {
        locked {
            entries[id]?.acceptable = [content]
            acknowledgedEdits[id, default: 0] += 1
            figures.edits += 1
        }
    }

    func shared(_ id: UUID, entry: UUID, author: String, readers: [String]) {
        locked {
            shares[id] = ShareRecord(entry: entry, author: author, readers: readers, state: .live)
            figures.shares += 1
        }
    }

    func beginRevoke(_ id: UUID) { locked { shares[id]?.state = .unknown } }

    func revoked(_ id: UUID) {
        locked {
            shares[id]?.state = .revoked
            figures.revocations += 1
        }
    }

    func countRead(shared: Bool) { locked { if shared { figures.sharedReads += 1 } else { figures.reads += 1 } } }
    func countInFlight() { locked { figures.inFlightAtKill += 1 } }

    func problem(_ text: String) { locked { problems.append(text) } }
    var allProblems: [String] { locked { problems } }

    // MARK: choosing

    func ownEntries(of author: String) -> [UUID] {
        locked { entries.filter { $0.value.author == author }.map(\.key) }
    }

    func ownShares(of author: String, state: ShareState) -> [UUID] {
        locked { shares.filter { $0.value.author == author && $0.value.state == state }.map(\.key) }
    }

    func sharesReadable(by reader: String) -> [UUID] {
        locked { shares.filter { $0.value.readers.contains(reader) && $0.value.state != .unknown }.map(\.key) }
    }

    func entry(_ id: UUID) -> EntryState? { locked { entries[id] } }
    func share(_ id: UUID) -> ShareRecord? { locked { shares[id] } }
    var entryIDs: [UUID] { locked { Array(entries.keys) } }
    var editCounts: [UUID: Int] { locked { acknowledgedEdits } }
    var uncertainEntries: [UUID] { locked { entries.filter { $0.value.acceptable.count > 1 }.map(\.key) } }
    var uncertainShares: [UUID] { locked { shares.filter { $0.value.state == .unknown }.map(\.key) } }
    var shareIDs: [UUID] { locked { Array(shares.keys) } }
    /// Shares acknowledged as revoked, or found revoked after a revocation the kill left uncertain.
    var revokedShareIDs: [UUID] { locked { shares.filter { $0.value.state == .revoked }.map(\.key) } }

    /// After a read settled an uncertain edit: only what was read is acceptable from now on.
    func settle(_ id: UUID, to content: Content) { locked { entries[id]?.acceptable = [content] } }
    func settleShare(_ id: UUID, live: Bool) { locked { shares[id]?.state = live ? .live : .revoked } }
}
