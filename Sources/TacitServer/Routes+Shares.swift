import Foundation
import Hummingbird
import TacitAPI
import TacitCrypto
import TacitPolicy
import TacitVault

extension Routes {
    static func addShareRoutes(to v1: RouterGroup<TacitRequestContext>, state: DaemonState) {
        let gate = PolicyGate(state: state)
        let limit = state.configuration.bodyLimitBytes

        v1.post("shares") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(ShareRequest.self, limit: limit)
            guard input.group != !input.with.isEmpty else {
                throw APIError.badRequest("share with the group or with named members, not both and not neither")
            }
            guard let metadata = try await state.vault.entryMetadata(EntryID(input.entry)) else { throw APIError.notFound("entry") }
            guard metadata.author == identity.principal.id else {
                // Someone else's entry: never re-shared, and its existence is not confirmed.
                _ = try await gate.decide(identity.principal, "shareEntry", on: EntityUID("Share", "new"),
                                          context: ["recipient": .entity(PolicyGate.uid(identity.principal.id))],
                                          entities: [gate.entry(metadata), pendingShare(metadata, readers: [], expiry: state.now, gate: gate)])
                throw APIError.notFound("entry")
            }
            guard let groupID = metadata.group, let group = try await state.vault.group(groupID) else {
                throw APIError(.conflict, "no-group", "this entry belongs to no group, so there is nobody to share it with")
            }
            let roster = try await state.vault.members(of: groupID)
            var readers: [Principal]
            if input.group {
                readers = roster.filter { $0.id != identity.principal.id }
            } else {
                readers = []
                for name in Set(input.with) {
                    // A name outside the group is reported like one that does not exist.
                    guard let reader = try await state.vault.principal(named: name) else {
                        throw APIError(.notFound, "not-found", "no member \(DisplayText.line(name)) of this group\(await lowercaseHint(for: name, state: state))")
                    }
                    readers.append(reader)
                }
            }
            guard !readers.isEmpty else {
                throw APIError(.conflict, "no-readers", "\(group.name) has no member but you yet, so there is nobody to share with")
            }
            guard readers.count <= 8 else { throw APIError.badRequest("a share has at most 8 readers") }
            if let until = input.until, until <= state.now {
                // Said in the form people type dates in, UTC (the daemon's clock, which may differ
                // from the client's own under a test configuration).
                let now = state.now.formatted(.iso8601).prefix(16).replacingOccurrences(of: "T", with: " ")
                throw APIError.badRequest("until (the share's end) must be in the future: it is \(now) UTC now")
            }
            let expiry = input.until ?? Date.distantFuture
            let share = pendingShare(metadata, readers: readers.map(\.id), expiry: expiry, gate: gate)
            var entities = [gate.entry(metadata), share, gate.group(group)]
            for reader in readers { entities.append(try await gate.member(reader)) }
            for reader in readers {
                try await gate.require(identity.principal, "shareEntry", on: share.uid,
                                       context: ["recipient": .entity(PolicyGate.uid(reader.id))],
                                       entities: entities, hideExistence: false, what: "share")
            }
            let audience: ShareAudience = input.group ? .group(groupID) : .members(readers.map(\.id))
            // The share's audit record commits with it.
            let created = try await identity.session.share(metadata.id, with: audience, until: input.until,
                                                           recording: auditDraft(state, identity, "shareEntry"))
            guard let stored = try await identity.session.shareInfo(created) else { throw APIError.notFound("share") }
            var info = try await shareInfo(stored, session: identity.session, state: state, authorGroups: Set(stored.group.map { [$0] } ?? []))
            // The share is made: a failure to compare it with the last one is no failure of the share.
            if let change = try? await audienceChange(since: stored, session: identity.session, state: state) {
                info.joinedSinceLastShare = change.joined
                info.leftSinceLastShare = change.left
            }
            return try Response.json(info, status: .created)
        }

        v1.get("shares") { _, context in
            let identity = try context.requireIdentity()
            var infos: [TacitAPI.ShareInfo] = []
            let groups = Set(try await state.vault.groupIDs(of: identity.principal.id))
            for share in try await identity.session.shares() {
                infos.append(try await shareInfo(share, session: identity.session, state: state, authorGroups: groups))
            }
            return try Response.json(infos)
        }

        v1.delete("shares/{id}") { _, context in
            let identity = try context.requireIdentity()
            let share = try await ownShare(context, identity, "revokeShare", gate: gate, state: state)
            try await identity.session.revoke(share.id, recording: auditDraft(state, identity, "revokeShare", share.id.description))
            return Response.noContent
        }

        v1.get("shares/{id}/readers") { _, context in
            let identity = try context.requireIdentity()
            let share = try await ownShare(context, identity, "seeReaders", gate: gate, state: state)
            guard let info = try await identity.session.shareInfo(share.id) else { throw APIError.notFound("share") }
            var reads: [[String: String]] = []
            for (reader, date) in info.reads.sorted(by: { $0.value < $1.value }) {
                let name = try await state.vault.principal(reader)?.name ?? reader.description
                reads.append(["reader": name, "firstRead": ISO8601DateFormatter().string(from: date)])
            }
            return try Response.json(reads)
        }

        // Entries shared with the caller that the policy lets them read now.
        v1.get("feed") { _, context in
            let identity = try context.requireIdentity()
            let (entries, _) = try await identity.session.feed()
            let facts = try await state.vault.shareReadFacts(entries.map(\.share), reader: identity.principal.id)
            var items: [FeedItem] = []
            for shared in entries {
                guard let share = facts.shares[shared.share],
                      mayRead(share, identity: identity, readerGroups: facts.readerGroups, gate: gate) else { continue }
                items.append(FeedItem(share: shared.share.uuid, entry: shared.entry.id.uuid, author: shared.author.name,
                                      title: shared.entry.content.title, kind: shared.entry.metadata.kind.rawValue,
                                      sharedAt: shared.sharedAt, expiresAt: shared.expiresAt, group: share.share.toGroup,
                                      others: share.share.toGroup ? 0 : share.share.readers.filter { $0 != identity.principal.id }.count))
            }
            return try Response.json(items)
        }

        // One shared entry: decided, decrypted, and its read recorded in the audit log.
        v1.get("feed/{share}") { _, context in
            let identity = try context.requireIdentity()
            guard let id = context.parameters.get("share").flatMap(ShareID.init) else { throw APIError.notFound("share") }
            // Decided inside the vault's read, on facts of the same snapshot, before anything opens;
            // a refusal is the same 404 as a share that does not exist.
            // The audit record names the policies that permitted this read (an operator's policy
            // may be among them), as the decision found them.
            let permitting = Locked<[String]>([])
            let shared = try await identity.session.sharedEntry(id) { facts, readerGroups in
                let decision = decide(facts, identity: identity, readerGroups: readerGroups, gate: gate)
                permitting.withLock { $0 = decision.determining }
                return decision.isAllowed
            }
            state.audit.record(AuditDraft(actor: identity.principal.id, action: "readShared", resource: shared.entry.metadata.id.description,
                                          decision: "allow", policies: permitting.withLock { $0 },
                                          policyHash: state.policyHash, time: state.now))
            return try Response.json(response(shared.entry, author: shared.author.name))
        }

        v1.get("whois/{name}") { _, context in
            let identity = try context.requireIdentity()
            let name = context.name("name")
            let peer: PeerIdentity
            do { peer = try await identity.session.whois(name) } catch let error as VaultError where error.code == .notFound { throw await noPrincipal(named: name, state: state) }
            return try Response.json(WhoisResponse(principal: info(peer.principal), fingerprint: peer.fingerprint,
                                                   pin: peer.status.rawValue,
                                                   relation: try await relation(of: peer.principal, to: identity, state: state)))
        }

        v1.post("whois/{name}/confirm") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(ConfirmKeyRequest.self, limit: limit)
            let name = context.name("name")
            try await identity.session.confirmPeer(name, fingerprint: input.fingerprint)
            try await audit(state, identity, "confirmKey", name)
            let peer = try await identity.session.whois(name)
            return try Response.json(WhoisResponse(principal: info(peer.principal), fingerprint: peer.fingerprint,
                                                   pin: peer.status.rawValue,
                                                   relation: try await relation(of: peer.principal, to: identity, state: state)))
        }
    }

    /// Who `peer` is to the caller, for `whois`: themselves, a member of one of their groups, or
    /// someone they share no group with (whose key is never pinned: nothing is shared with them).
    static func relation(of peer: Principal, to identity: Identity, state: DaemonState) async throws -> String {
        if peer.id == identity.principal.id { return "you" }
        let mine = Set(try await state.vault.groupIDs(of: identity.principal.id))
        return try await state.vault.groupIDs(of: peer.id).contains(where: mine.contains) ? "group-member" : "outside-your-groups"
    }

    static func pendingShare(_ entry: EntryMetadata, readers: [PrincipalID], expiry: Date, gate: PolicyGate) -> Entity {
        Entity(EntityUID("Share", "new"), attributes: [
            "entry": .entity(PolicyGate.uid(entry.id)),
            "author": .entity(PolicyGate.uid(entry.author)),
            "audience": .set(readers.map { .entity(PolicyGate.uid($0)) }),
            "expiresAt": .long(Int64(min(expiry.timeIntervalSince1970, 9_000_000_000))),
            "revoked": .bool(false),
        ])
    }

    static func ownShare(_ context: TacitRequestContext, _ identity: Identity, _ action: String, gate: PolicyGate,
                         state: DaemonState) async throws -> ShareMetadata {
        guard let id = context.parameters.get("id").flatMap(ShareID.init),
              let share = try await state.vault.shareMetadata(id) else { throw APIError.notFound("share") }
        // Its author knows the share exists: a refusal names its policies (403), as for their
        // entries; anyone else learns nothing (404).
        try await gate.require(identity.principal, action, on: PolicyGate.uid(share.id), entities: [gate.share(share)],
                               hideExistence: share.author != identity.principal.id, what: "share")
        return share
    }

    /// Whether a listing (the feed, the agenda) includes a share, decided on facts read in one
    /// snapshot; a share left out is not recorded as a denied read (only opening one is a read).
    static func mayRead(_ facts: ShareReadFacts, identity: Identity, readerGroups: [GroupID], gate: PolicyGate) -> Bool {
        decide(facts, identity: identity, readerGroups: readerGroups, gate: gate, recordingDenial: false).isAllowed
    }

    /// The decision on reading a shared entry, on facts already read (usable inside a vault read).
    static func decide(_ facts: ShareReadFacts, identity: Identity, readerGroups: [GroupID], gate: PolicyGate,
                       recordingDenial: Bool = true) -> Decision {
        var entities = [gate.entry(facts.entry), gate.share(facts.share), gate.member(facts.author, groups: facts.authorGroups)]
        if let group = facts.group { entities.append(gate.group(group)) }
        return gate.decideNow(identity.principal, "readShared", on: PolicyGate.uid(facts.entry.id),
                              context: ["share": .entity(PolicyGate.uid(facts.share.id))], entities: entities,
                              principalGroups: readerGroups, recordingDenial: recordingDenial)
    }

    /// How the audience of a share just made with the group differs from the author's previous
    /// share with that group (its signed audience): the roster as the author last shared with it.
    /// A newcomer the operator enrolled — perhaps a stand-in (README, "Security model") — is named
    /// to the author at the moment they share with them. `nil` for a share by name or a first one.
    static func audienceChange(since share: TacitVault.ShareInfo, session: MemberSession,
                               state: DaemonState) async throws -> (joined: [String], left: [String])? {
        guard share.toGroup, let group = share.group else { return nil }
        // The author's shares come oldest first: the last before this one is the previous.
        let earlier = try await session.shares().filter { $0.toGroup && $0.group == group && $0.id != share.id }.last
        guard let earlier, let before = try await state.vault.shareMetadata(earlier.id) else { return nil }
        let now = Set(share.readers), then = Set(before.readers)
        return (try await sortedNames(of: now.subtracting(then), state: state), try await sortedNames(of: then.subtracting(now), state: state))
    }

    /// A share as its author sees it; paused when the author is not in the share's group now
    /// (`authorGroups`): the policy lets nobody read it then.
    static func shareInfo(_ share: TacitVault.ShareInfo, session: MemberSession, state: DaemonState,
                          authorGroups: Set<GroupID>) async throws -> TacitAPI.ShareInfo {
        let names = try await sortedNames(of: share.readers, state: state)
        let entry = try? await session.entry(share.entry)
        // A share ends where its author signed it (without --until, the cycle's close as it was
        // then): after a reschedule the author learns here that it now ends before the close.
        var closes: Date?
        if share.expiresAt > state.now, let cycleID = entry?.metadata.cycle, let cycle = try await state.vault.cycle(cycleID) {
            let end = state.vault.end(of: cycle)
            if share.expiresAt < end { closes = end }
        }
        return TacitAPI.ShareInfo(id: share.id.uuid, entry: share.entry.uuid, title: entry?.content.title ?? "", audience: names,
                                  group: share.toGroup, expiresAt: share.expiresAt, expired: share.expiresAt <= state.now, revoked: false,
                                  paused: share.group.map { !authorGroups.contains($0) } ?? false, cycleCloses: closes)
    }
}
