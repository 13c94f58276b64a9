import Foundation
import Hummingbird
import TacitAPI
import TacitCrypto
import TacitPolicy
import TacitVault

extension Routes {
    static func addEntryRoutes(to v1: RouterGroup<TacitRequestContext>, state: DaemonState) {
        let gate = PolicyGate(state: state)
        let limit = state.configuration.bodyLimitBytes

        v1.post("entries") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(EntryInput.self, limit: limit)
            let draft = try entryDraft(input)
            // Decided inside the write's transaction, on the facts it writes with; the written
            // entry comes back from the write itself: no second read. Its audit record commits in
            // the same transaction (no record lost to a crash after the answer, no second sync).
            let entry = try await identity.session.writeEntry(draft, deciding: { facts in
                writeRefusal(identity, facts, requested: input.cycle, gate: gate)
            }, recording: auditDraft(state, identity, "writeEntry")).get()
            return try Response.json(response(entry, author: identity.principal.name), status: .created)
        }

        // An import is decided as one write of each of its entries would be: same cycle, same
        // policy, one decision for all; then one transaction, so a refusal leaves nothing behind.
        v1.post("entries/import") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(EntryImportRequest.self, limit: limit)
            let drafts = try importDrafts(input, now: state.now)
            let cycle = try await requireWrite(identity, in: input.cycle, gate: gate, state: state)
            // One record for the import, committed with it: how many, never what.
            let record = auditDraft(state, identity, "importEntries", "")
            let imported = try await identity.session.importEntries(drafts.map { draft in
                var draft = draft
                draft.cycle = cycle.id
                return draft
            }, recording: { count in
                var record = record
                record.resource = "\(count) entries"
                return record
            })
            return try Response.json(EntryImportResponse(imported: imported), status: .created)
        }

        v1.get("entries") { request, context in
            let identity = try context.requireIdentity()
            let query = request.uri.queryParameters
            return try await entryPage("", query: query, identity: identity, state: state)
        }

        v1.get("search") { request, context in
            let identity = try context.requireIdentity()
            let query = request.uri.queryParameters
            guard let text = query["q"].map(String.init), !text.isEmpty, text.count <= 500 else {
                throw APIError.badRequest("give a query: q=words (at most 500 characters)")
            }
            guard MemberSession.searchHasTerms(text) else {
                throw APIError.badRequest("the query holds no word to look for: give words or a \"quoted phrase\"")
            }
            return try await entryPage(text, query: query, identity: identity, state: state)
        }

        v1.get("entries/{id}") { _, context in
            let identity = try context.requireIdentity()
            let metadata = try await ownEntry(context, identity, "readEntry", gate: gate, state: state)
            let entry = try await identity.session.entry(metadata.id)
            return try versioned(Response.json(response(entry, author: identity.principal.name)), entry)
        }

        // With `If-Match: "VERSION"` (the ETag of the version the client read), an edit made on a
        // copy that another edit has since replaced is refused with 412, and nothing is lost.
        v1.put("entries/{id}") { request, context in
            let identity = try context.requireIdentity()
            let expected = try expectedVersion(request.headers[.ifMatch])
            var request = request
            let input = try await request.decodeStrictly(EntryInput.self, limit: limit)
            let metadata = try await ownEntry(context, identity, "editEntry", gate: gate, state: state)
            var draft = try entryDraft(input)
            draft.cycle = metadata.cycle
            let outcome = Locked(MemberSession.ResealOutcome())
            let updated = try await identity.session.update(metadata.id, with: draft, expectedVersion: expected,
                                                            recording: auditDraft(state, identity, "editEntry", metadata.id.description),
                                                            resealed: { found in outcome.withLock { $0 = found } })
            let entry = try await identity.session.entry(updated.id)
            var answer = response(entry, author: identity.principal.name)
            let left = outcome.withLock { $0 }
            if !left.isEmpty { answer.notices = try await resealNotices(left, state: state) }
            return try versioned(Response.json(answer), entry)
        }

        v1.delete("entries/{id}") { _, context in
            let identity = try context.requireIdentity()
            let metadata = try await ownEntry(context, identity, "deleteEntry", gate: gate, state: state)
            try await identity.session.delete(metadata.id, recording: auditDraft(state, identity, "deleteEntry", metadata.id.description))
            return Response.noContent
        }
    }

    /// The cycle a new entry of the caller goes into (`requested`, or their current cycle), after
    /// the policy allowed `writeEntry` there. Cycle, group and the author's groups come from one
    /// snapshot, and the policy sees exactly where the entry will go.
    ///
    /// - Throws: 404 for an unknown cycle, 409 `no-cycle` when the caller is in none, 403 when denied.
    static func requireWrite(_ identity: Identity, in requested: UUID?, gate: PolicyGate,
                             state: DaemonState) async throws -> Cycle {
        let facts = try await state.vault.entryWriteFacts(author: identity.principal.id, cycle: requested.map(CycleID.init))
        if let refusal = writeRefusal(identity, facts, requested: requested, gate: gate) { throw refusal }
        guard let cycle = facts.cycle else { throw APIError.notFound("cycle") }
        return cycle
    }

    /// The answer to a new entry in `facts.cycle` when it may not be written, `nil` when it may: 404
    /// for a cycle asked for that does not exist, 409 when the member is in no cycle, 403 naming the
    /// policies that denied it. Waits on nothing, so it can run inside the write's transaction.
    static func writeRefusal(_ identity: Identity, _ facts: EntryWriteFacts, requested: UUID?, gate: PolicyGate) -> APIError? {
        let pending = EntityUID("Entry", "new")
        guard let cycle = facts.cycle else {
            if requested != nil { return APIError.notFound("cycle") }
            // Staff are in no cycle and no cycle would let them write: they hear the policy's answer
            // (the forbid that keeps staff from content among its reasons), not to wait for one.
            if identity.principal.role != .member {
                let decision = gate.decideNow(identity.principal, "writeEntry", on: pending, entities: [
                    Entity(pending, attributes: ["author": .entity(PolicyGate.uid(identity.principal.id)), "deleted": .bool(false)]),
                ], principalGroups: facts.authorGroups)
                if let refusal = PolicyGate.refusal(decision, hideExistence: false, what: "cycle") { return refusal }
            }
            // In no group, the facilitator can do nothing about it; in a group, every cycle is over
            // or none was planned yet — either way the next one is the facilitator's to schedule.
            guard !facts.authorGroups.isEmpty else {
                return APIError(.conflict, "no-cycle", "you are in no group: the operator adds you to one (`tacit group add`); "
                                + "meanwhile `tacit jot TEXT` keeps a sealed note")
            }
            return APIError(.conflict, "no-cycle", "your group has no cycle open now (none yet, or the last one closed): "
                            + "your facilitator schedules the next with `tacit cycle create`")
        }
        guard let group = facts.group else { return APIError.notFound("group") }
        let decision = gate.decideNow(identity.principal, "writeEntry", on: pending, entities: [
            Entity(pending, attributes: ["author": .entity(PolicyGate.uid(identity.principal.id)),
                                         "group": .entity(PolicyGate.uid(cycle.group)),
                                         "cycle": .entity(PolicyGate.uid(cycle.id)), "deleted": .bool(false)]),
            gate.cycle(cycle),
            gate.group(group),
        ], principalGroups: facts.authorGroups)
        return PolicyGate.refusal(decision, hideExistence: false, what: "cycle")
    }

    /// The drafts of an import, each checked as `POST /v1/entries` checks one, with its original
    /// date: not in the future, and not before 1970 (the payload stores Unix milliseconds).
    ///
    /// - Throws: 413 over `EntryImportRequest.maximumEntries`; 400 naming the first bad entry by index.
    static func importDrafts(_ input: EntryImportRequest, now: Date) throws -> [EntryDraft] {
        let maximum = EntryImportRequest.maximumEntries
        guard input.entries.count <= maximum else {
            throw APIError(.contentTooLarge, "too-large",
                           "an import takes at most \(maximum) entries per request, not \(input.entries.count): send them in batches")
        }
        guard !input.entries.isEmpty else { throw APIError.badRequest("entries is empty: give at least one entry") }
        return try input.entries.enumerated().map { index, entry in
            func refuse(_ message: String) -> APIError { .badRequest("entries[\(index)]: \(message)") }
            guard entry.created <= now else { throw refuse("created is in the future") }
            guard entry.created >= Date(timeIntervalSince1970: 0) else { throw refuse("created is before 1970, which Tacit cannot store") }
            var draft: EntryDraft
            do {
                draft = try entryDraft(EntryInput(title: entry.title, body: entry.body, tags: entry.tags, topic: entry.topic,
                                                  kind: entry.kind))
            } catch let error as APIError {
                throw refuse(error.detail.message)
            }
            draft.created = entry.created
            return draft
        }
    }

    /// The caller's own entry, after the policy allowed `action`; 404 for anything else, so an
    /// entry's existence never leaks.
    static func ownEntry(_ context: TacitRequestContext, _ identity: Identity, _ action: String, gate: PolicyGate,
                         state: DaemonState) async throws -> EntryMetadata {
        guard let id = context.parameters.get("id").flatMap(EntryID.init),
              let metadata = try await state.vault.entryMetadata(id) else { throw APIError.notFound("entry") }
        var entities = [gate.entry(metadata)]
        if let cycleID = metadata.cycle, let cycle = try await state.vault.cycle(cycleID) {
            entities.append(gate.cycle(cycle))
        }
        // Another's entry stays unknown to the caller (404); the author hears why (403 naming the
        // policy: a closed cycle's entry is kept as it was, which "not found" had hidden).
        try await gate.require(identity.principal, action, on: PolicyGate.uid(metadata.id), entities: entities,
                               hideExistence: metadata.author != identity.principal.id, what: "entry")
        return metadata
    }

    static func groupOf(_ cycle: Cycle, state: DaemonState) async throws -> Group {
        guard let group = try await state.vault.group(cycle.group) else { throw APIError.notFound("group") }
        return group
    }

    static func entryDraft(_ input: EntryInput) throws -> EntryDraft {
        guard input.title.count <= 500 else { throw APIError.badRequest("a title is at most 500 characters") }
        // Each limit said on its own: one sentence for all three had left people guessing which.
        guard input.tags.count <= 50 else { throw APIError.badRequest("at most 50 tags (this entry has \(input.tags.count))") }
        guard !input.tags.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw APIError.badRequest("a tag is empty or only spaces: give each tag a word")
        }
        guard input.tags.allSatisfy({ $0.count <= 64 }) else { throw APIError.badRequest("a tag is at most 64 characters") }
        guard input.topic.count <= 200 else { throw APIError.badRequest("a topic is at most 200 characters") }
        try requireOneLine(input.title, "a title")
        for tag in input.tags { try requireOneLine(tag, "a tag") }
        try requireOneLine(input.topic, "a topic")
        var kind: EntryKind?
        if let name = input.kind {
            guard let parsed = EntryKind(rawValue: name) else {
                throw APIError.badRequest("kind must be one of \(EntryKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = parsed
        }
        return EntryDraft(title: input.title, body: input.body, tags: input.tags.once(), topic: input.topic, kind: kind,
                          cycle: input.cycle.map(CycleID.init))
    }

    /// Refuses a line break or another control character in a field that is shown on one line in
    /// other people's listings (a title, a tag, a topic), where it could forge a row of a table or
    /// drive the reader's terminal. An entry's text may hold line breaks and tabs.
    ///
    /// - Throws: 400 naming the field (never its content).
    static func requireOneLine(_ text: String, _ what: String) throws {
        guard !text.unicodeScalars.contains(where: DisplayText.isControl) else {
            throw APIError.badRequest("\(what) is one line without control characters")
        }
    }

    /// An entry's response with its version as the ETag (`"3"`), which `If-Match` names in an edit.
    static func versioned(_ response: Response, _ entry: Entry) -> Response {
        var response = response
        response.headers[.eTag] = "\"\(entry.metadata.version)\""
        return response
    }

    /// The version an `If-Match` header names: `nil` without one or for `*` (any version).
    ///
    /// - Throws: 400 for anything but `*` or one quoted version number.
    static func expectedVersion(_ header: String?) throws -> Int? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header != "*" else { return nil }
        guard header.count >= 3, header.count <= 12, header.hasPrefix("\""), header.hasSuffix("\""),
              let version = Int(header.dropFirst().dropLast()), version >= 1 else {
            throw APIError.badRequest("If-Match names one version of the entry, in quotes, as its ETag gives it (\"3\")")
        }
        return version
    }

    /// One page of the caller's entries matching `text` (all of them for "") and the query's
    /// filters, newest first: `limit` (default 100) and `cursor` (where the last page ended) page
    /// through them, `next` says where the next page starts and `total` how many match. Only the
    /// page is decrypted; the order and filters come from the session's cache.
    static func entryPage(_ text: String, query: Parameters, identity: Identity, state: DaemonState) async throws -> Response {
        let filter = try searchFilter(query)
        let limit = try query["limit"].map { text -> Int in
            guard let value = Int(String(text)), (1...100_000).contains(value) else {
                throw APIError.badRequest("limit must be 1 to 100000")
            }
            return value
        } ?? 100
        let offset = try query["cursor"].map { text -> Int in
            guard let value = Int(String(text)), value >= 0 else { throw APIError.badRequest("invalid cursor") }
            return value
        } ?? 0
        let (page, total) = try await identity.session.search(text, filter: filter, offset: offset, limit: limit)
        let shared = Set(try await state.vault.sharedEntryIDs(of: identity.principal.id, now: state.now))
        let next = offset + page.count < total ? String(offset + page.count) : nil
        return try Response.json(EntryList(entries: page.map { summaryOf($0, shared: shared.contains($0.id)) }, next: next,
                                           total: total))
    }

    static func searchFilter(_ query: Parameters) throws -> SearchFilter {
        var filter = SearchFilter()
        if let kind = query["kind"] {
            guard let parsed = EntryKind(rawValue: String(kind)) else { throw APIError.badRequest("unknown kind \(kind)") }
            filter.kind = parsed
        }
        if let cycle = query["cycle"] {
            guard let id = CycleID(String(cycle)) else { throw APIError.badRequest("cycle must be an id") }
            filter.cycle = id
        }
        if let group = query["group"] {
            guard let id = GroupID(String(group)) else { throw APIError.badRequest("group must be an id") }
            filter.group = id
        }
        if let tag = query["tag"] { filter.tag = String(tag) }
        if let prefix = query["idPrefix"] {
            let text = String(prefix).lowercased()
            guard (1...36).contains(text.count), text.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
                throw APIError.badRequest("idPrefix must be the start of an id: hexadecimal digits and dashes")
            }
            filter.idPrefix = text
        }
        if let since = query["since"] {
            guard let date = DateParsing.parse(String(since)) else { throw APIError.badRequest("since must be a date (YYYY-MM-DD)") }
            filter.from = date
        }
        if let until = query["until"] {
            guard let date = DateParsing.parse(String(until)) else { throw APIError.badRequest("until must be a date (YYYY-MM-DD)") }
            filter.to = date
        }
        return filter
    }

    static func response(_ entry: Entry, author: String) -> EntryResponse {
        EntryResponse(id: entry.id.uuid, author: author, group: entry.metadata.group?.uuid, cycle: entry.metadata.cycle?.uuid,
                      kind: entry.metadata.kind.rawValue, title: entry.content.title, body: entry.content.body,
                      tags: entry.content.tags, topic: entry.content.topic, created: entry.content.created,
                      updated: entry.content.updated, version: entry.metadata.version)
    }

    static func summaryOf(_ entry: Entry, shared: Bool) -> EntrySummary {
        EntrySummary(id: entry.id.uuid, title: entry.content.title, kind: entry.metadata.kind.rawValue,
                     tags: entry.content.tags, cycle: entry.metadata.cycle?.uuid, created: entry.content.created,
                     updated: entry.content.updated, shared: shared)
    }
}

extension Array where Element: Hashable {
    /// The elements in their order, each once: a tag or a topic given twice (`--tag x --tag x`) is
    /// one, not a doubled line on the agenda.
    func once() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
