import Foundation
import HTTPTypes
import Hummingbird
import TacitAPI
import TacitCrypto
import TacitPolicy
import TacitVault

extension Routes {
    /// The most audit records `GET /v1/audit` answers with: the latest the caller may see.
    static let auditListingLimit = 1000

    static func addCycleRoutes(to v1: RouterGroup<TacitRequestContext>, state: DaemonState) {
        let gate = PolicyGate(state: state)
        let limit = state.configuration.bodyLimitBytes

        v1.post("cycles") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(CycleCreateRequest.self, limit: limit)
            let group = try await resolveGroup(input.group, state: state)
            // The dates first: one mistyped into the past is said as such, not as the policy's
            // refusal to schedule a closed cycle.
            try state.vault.checkNewCycle(session1: input.session1, session2: input.session2)
            guard !input.topics.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                throw APIError.badRequest("a topic is empty: give each topic a name")
            }
            guard input.topics.count <= 20, input.topics.allSatisfy({ $0.count <= 200 }) else {
                throw APIError.badRequest("at most 20 topics of at most 200 characters")
            }
            for topic in input.topics { try requireOneLine(topic, "a topic") }
            let pending = EntityUID("Cycle", "new")
            // Its dates checked, a new cycle is being planned (session 1 today or later).
            try await gate.require(identity.principal, "scheduleCycle", on: pending, entities: [
                Entity(pending, attributes: ["group": .entity(PolicyGate.uid(group.id)), "phase": .string("planning")]),
                gate.group(group),
            ], hideExistence: false, what: "group")
            // The cycle's audit record commits with it.
            let cycle = try await identity.session.createCycle(in: group.id, session1: input.session1,
                                                               session2: input.session2, plan: CyclePlan(topics: input.topics.once()),
                                                               recording: auditDraft(state, identity, "scheduleCycle"))
            return try Response.json(cycleInfo(cycle, state: state, topics: input.topics.once()), status: .created)
        }

        // Cycles of one group (?group=) or of every group of the caller; members of the group see
        // the topics, which are sealed to the roster.
        v1.get("cycles") { request, context in
            let identity = try context.requireIdentity()
            let groups: [Group]
            if let reference = request.uri.queryParameters["group"] {
                groups = [try await resolveGroup(String(reference), state: state)]
            } else {
                groups = try await state.vault.groups(of: identity.principal.id)
            }
            let mine = Set(try await state.vault.groupIDs(of: identity.principal.id))
            let current = try await state.vault.currentCycle(of: identity.principal.id)?.id
            var infos: [CycleInfo] = []
            for group in groups {
                for cycle in try await state.vault.cycles(in: group.id) {
                    let member = mine.contains(group.id)
                    let topics = member ? (try? await identity.session.plan(of: cycle.id))?.topics : nil
                    var info = cycleInfo(cycle, state: state, topics: topics)
                    // Every cycle has a plan: a member who cannot open it was not sealed in yet.
                    if member && topics == nil { info.topicsPending = true }
                    if cycle.id == current { info.current = true }
                    infos.append(info)
                }
            }
            return try Response.json(infos.sorted { $0.session1 < $1.session1 })
        }

        // Cancelling a cycle that has not begun is scheduling too: the facilitator's, decided on
        // the cycle as it stands (a cycle in its planning phase), with its audit record.
        v1.delete("cycles/{cycle}") { _, context in
            let identity = try context.requireIdentity()
            let (cycle, _) = try await decidedCycle("scheduleCycle", context: context, identity: identity, gate: gate, state: state)
            try await identity.session.cancelCycle(cycle.id, recording: auditDraft(state, identity, "cancelCycle", cycle.id.description))
            return Response.noContent
        }

        // Moving a cycle's sessions is scheduling too, decided on the cycle as it stands (a closed
        // cycle stays as it ran); the vault checks the days. Topics, entries and shares stay.
        v1.put("cycles/{cycle}/schedule") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(CycleScheduleRequest.self, limit: limit)
            guard input.session1 != nil || input.session2 != nil else {
                throw APIError.badRequest("give session1, session2 or both: the dates to move the sessions to")
            }
            let (cycle, _) = try await decidedCycle("scheduleCycle", context: context, identity: identity, gate: gate, state: state)
            let moved = try await identity.session.rescheduleCycle(cycle.id, session1: input.session1, session2: input.session2,
                                                                   recording: auditDraft(state, identity, "rescheduleCycle", cycle.id.description))
            let topics = (try? await identity.session.plan(of: cycle.id))?.topics
            let early = moved.sharesEndingEarly
            return try Response.json(CycleScheduleResponse(cycle: cycleInfo(moved.cycle, state: state, topics: topics),
                                                           sharesEndingEarly: early.count, firstShareEnd: early.first,
                                                           groupSharesGoneBySession2: early.groupSharesGoneBySession2))
        }

        // The session-2 agenda, from what members shared with the group in this cycle — the
        // facilitator's own shares with it included.
        v1.get("cycles/{cycle}/agenda") { _, context in
            let identity = try context.requireIdentity()
            let me = identity.principal.id
            let (cycle, group) = try await decidedCycle("buildAgenda", context: context, identity: identity, gate: gate, state: state)
            var listed: [(sharedAt: Date, entry: EntryID, item: AgendaResponse.Item)] = []
            let (shared, _) = try await identity.session.feed()
            let inCycle = shared.filter { $0.entry.metadata.cycle == cycle.id }
            let facts = try await state.vault.shareReadFacts(inCycle.map(\.share), reader: me)
            // The entries the facilitator may read through some share: not "unreadable" below,
            // though one read only by name stays off the agenda.
            var readable = Set<EntryID>()
            for entry in inCycle {
                guard let read = facts.shares[entry.share],
                      mayRead(read, identity: identity, readerGroups: facts.readerGroups, gate: gate) else { continue }
                readable.insert(entry.entry.metadata.id)
                // Shared with the group (signed so by its author), whoever joined or left it since;
                // shares with chosen members stay off the agenda.
                guard read.share.toGroup, !listed.contains(where: { $0.entry == entry.entry.metadata.id }) else { continue }
                listed.append((entry.sharedAt, entry.entry.metadata.id,
                               agendaItem(entry.entry, author: entry.author.name, ends: entry.expiresAt, cycle: cycle)))
            }
            // The group's shares of this cycle as the vault has them: the facilitator's own (never
            // in their feed) are listed; others' that did not open above are counted, not shown.
            var unreadable = Set<EntryID>()
            var authorGroups: [PrincipalID: Set<GroupID>] = [:]
            for share in try await state.vault.groupShares(inCycle: cycle.id, now: state.now) {
                if authorGroups[share.author] == nil { authorGroups[share.author] = Set(try await state.vault.groupIDs(of: share.author)) }
                // A share whose author has left its group is paused: read by nobody, on no agenda.
                guard let shareGroup = share.group, authorGroups[share.author]?.contains(shareGroup) == true,
                      !listed.contains(where: { $0.entry == share.entry }) else { continue }
                if share.author == me {
                    let entry = try await identity.session.entry(share.entry)
                    listed.append((share.createdAt, share.entry,
                                   agendaItem(entry, author: identity.principal.name, ends: share.expiresAt, cycle: cycle)))
                } else if !readable.contains(share.entry) {
                    unreadable.insert(share.entry)
                }
            }
            let items = listed.sorted { $0.sharedAt > $1.sharedAt }.map(\.item)
            let ended = try await state.vault.endedGroupShares(inCycle: cycle.id, now: state.now)
            let plan = try? await identity.session.plan(of: cycle.id)
            let markdown = Agenda.markdown(group: group.name, cycle: cycle, topics: plan?.topics ?? [], items: items,
                                           closed: state.vault.phase(of: cycle) == .closed, unreadable: unreadable.count, ended: ended,
                                           timeZone: state.vault.timeZone)
            try await audit(state, identity, "buildAgenda", cycle.id.description)
            return try Response.json(AgendaResponse(items: items, markdown: markdown, unreadable: unreadable.count, ended: ended))
        }

        v1.get("audit") { _, context in
            let identity = try context.requireIdentity()
            let me = identity.principal.id
            // The latest 1,000 records the caller may see; the log is read from its end or one
            // record at a time, never whole.
            // A damaged record is left out and named in a header, so the intact ones still show.
            let unreadable = Locked<[UInt64]>([])
            let skip: @Sendable (UInt64) -> Void = { sequence in unreadable.withLock { $0.append(sequence) } }
            let records: [AuditRecord]
            if identity.principal.role == .admin {
                records = try await state.vault.latestAuditRecords(Routes.auditListingLimit, unreadable: skip)
            } else {
                // A member sees their own actions and every read of their entries by others.
                let ownEntries = Set(try await identity.session.search("").map { $0.id.description })
                records = try await state.vault.auditRecords(latest: Routes.auditListingLimit, where: { draft in
                    draft.actor == me || (draft.action == "readShared" && ownEntries.contains(draft.resource))
                }, unreadable: skip)
            }
            var names: [PrincipalID: String] = [:]
            var infos: [AuditRecordInfo] = []
            for record in records {
                var actor = "-"
                if let id = record.draft.actor {
                    if names[id] == nil { names[id] = try await state.vault.principal(id)?.name ?? id.description }
                    actor = names[id]!
                }
                infos.append(AuditRecordInfo(sequence: record.sequence, time: record.draft.time, actor: actor,
                                             action: record.draft.action, resource: record.draft.resource,
                                             decision: record.draft.decision, policies: record.draft.policies))
            }
            var response = try Response.json(infos)
            let skipped = unreadable.withLock { $0 }
            if !skipped.isEmpty {
                response.headers[.unreadableAuditRecords] = skipped.prefix(100).map(String.init).joined(separator: ",")
            }
            return response
        }

        v1.get("audit/verify") { _, context in
            _ = try context.requireIdentity()
            await state.audit.flush()
            let check = try await state.vault.verifyAuditChain()
            return try Response.json(AuditVerification(ok: check.isIntact, records: check.records,
                                                       head: check.head.map { String(format: "%02x", $0) }.joined(),
                                                       brokenAt: check.firstBroken))
        }
    }
}

/// The session-2 agenda as Markdown: what the group shared, grouped by topic.
enum Agenda {
    /// `closed`: the cycle is over, and the shares that ended with it are no longer on the agenda.
    /// `unreadable`: entries shared with the group that the reader cannot open; `ended`: entries
    /// whose group shares have all ended. Both are said in a line, by number only (their topics
    /// are sealed in them), and "nothing shared yet" then says what can be read.
    /// Days are the vault's (`timeZone`): a share ending at its midnight ends on the day before.
    static func markdown(group: String, cycle: Cycle, topics: [String], items: [AgendaResponse.Item], closed: Bool = false,
                         unreadable: Int = 0, ended: Int = 0, timeZone: TimeZone = .gmt) -> String {
        let day = ISO8601DateFormatter()
        day.timeZone = timeZone
        day.formatOptions = [.withFullDate]
        var text = "# Session 2 agenda — \(group)\n\n"
        text += "Session 1: \(day.string(from: cycle.session1)) · Session 2: \(day.string(from: cycle.session2))\n\n"
        let byTopic = Dictionary(grouping: items) { $0.topic.isEmpty ? "Other" : $0.topic }
        let ordered = topics.filter { byTopic[$0] != nil } + byTopic.keys.filter { !topics.contains($0) && $0 != "Other" }.sorted()
            + (byTopic["Other"] != nil ? ["Other"] : [])
        func entries(_ n: Int) -> String { n == 1 ? "1 entry" : "\(n) entries" }
        if items.isEmpty {
            if closed {
                text += "This cycle is closed: what was shared with the group in it ended with it (unless shared until a later date).\n"
            } else if unreadable == 0 && ended == 0 {
                text += "Nothing has been shared with the group in this cycle yet.\n"
            }
        }
        if unreadable > 0 {
            let count = items.isEmpty ? entries(unreadable) : unreadable == 1 ? "1 more entry" : "\(unreadable) more entries"
            text += "\(count) shared with the group in this cycle "
                + "\(unreadable == 1 ? "is" : "are") not shown: you cannot read \(unreadable == 1 ? "it" : "them") (shared before you "
                + "were in the group, or not opening for you now: see `tacit feed`).\n"
        }
        if ended > 0, !closed {
            text += "\(entries(ended)) shared with the group in this cycle \(ended == 1 ? "is" : "are") no longer listed: "
                + "\(ended == 1 ? "its share" : "their shares") ended at the end \(ended == 1 ? "its author" : "their authors") set "
                + "(before session 2, if it was moved later).\n"
        }
        if !items.isEmpty || unreadable > 0 || ended > 0 { text += "\n" }
        for topic in ordered {
            text += "## \(topic)\n\n"
            for item in byTopic[topic]! {
                let gone = item.endsBeforeSession2.map { " — shared until \(day.string(from: $0.addingTimeInterval(-1))), before session 2" } ?? ""
                text += "- **\(item.title)** — \(item.author) (\(item.kind))\(gone)\n"
            }
            text += "\n"
        }
        // After the close, a topic without items had its shares end, not none.
        let quiet = topics.filter { byTopic[$0] == nil }
        if !quiet.isEmpty, !closed {
            text += (unreadable > 0 || ended > 0 ? "Topics with nothing you can read now: " : "Topics with nothing shared yet: ")
                + quiet.joined(separator: ", ") + "\n"
        }
        return text
    }
}

extension Routes {
    /// An entry as the agenda lists it, with its share's end when that comes before session 2.
    static func agendaItem(_ entry: Entry, author: String, ends: Date, cycle: Cycle) -> AgendaResponse.Item {
        AgendaResponse.Item(title: entry.content.title.isEmpty ? "(untitled)" : entry.content.title, author: author,
                            kind: entry.metadata.kind.rawValue, topic: entry.content.topic,
                            endsBeforeSession2: ends < cycle.session2 ? ends : nil)
    }

    /// The cycle named by the path and its group, once the policy allows `action` on it (a 404 for
    /// a cycle that is not there, a 403 naming the policies otherwise).
    static func decidedCycle(_ action: String, context: TacitRequestContext, identity: Identity, gate: PolicyGate,
                             state: DaemonState) async throws -> (Cycle, Group) {
        guard let id = context.parameters.get("cycle").flatMap(CycleID.init),
              let cycle = try await state.vault.cycle(id) else { throw APIError.notFound("cycle") }
        let group = try await groupOf(cycle, state: state)
        try await gate.require(identity.principal, action, on: PolicyGate.uid(cycle.id),
                               entities: [gate.cycle(cycle), gate.group(group)], hideExistence: false, what: "cycle")
        return (cycle, group)
    }
}

extension HTTPField.Name {
    /// On `GET /v1/audit`: the sequences (up to 100, comma-separated) of records left out of the
    /// listing because they cannot be read — a damaged log, which `GET /v1/audit/verify` locates.
    static let unreadableAuditRecords = HTTPField.Name("Tacit-Unreadable-Audit-Records")!
}
