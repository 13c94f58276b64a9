import Foundation
import TacitPolicy
import TacitVault

/// Builds the policy engine's entities from the vault's trusted state and asks for a decision.
/// The time is always the daemon's clock; nothing a client sends becomes an attribute.
struct PolicyGate {
    let state: DaemonState

    /// The role string the policies use: `member`, `compliance` or `operator`.
    static func role(_ role: PrincipalRole) -> String {
        switch role {
        case .member: "member"
        case .compliance: "compliance"
        case .admin: "operator"
        }
    }

    static func uid(_ principal: PrincipalID) -> EntityUID { EntityUID("Member", principal.description) }
    static func uid(_ group: GroupID) -> EntityUID { EntityUID("Group", group.description) }
    static func uid(_ cycle: CycleID) -> EntityUID { EntityUID("Cycle", cycle.description) }
    static func uid(_ entry: EntryID) -> EntityUID { EntityUID("Entry", entry.description) }
    static func uid(_ share: ShareID) -> EntityUID { EntityUID("Share", share.description) }
    /// The installation itself, the resource of backup and restore.
    static let instance = EntityUID("Instance", "tacit")
    /// Stands in for an entry's missing group or cycle: it contains nobody and is in no group.
    static let noGroup = EntityUID("Group", "none")
    static let noCycle = EntityUID("Cycle", "none")

    /// A principal with its current group memberships as parents.
    func member(_ principal: Principal) async throws -> Entity {
        member(principal, groups: try await state.vault.groupIDs(of: principal.id))
    }

    /// A principal with `groups` (read in the same snapshot as the rest of a decision's facts) as parents.
    func member(_ principal: Principal, groups: [GroupID]) -> Entity {
        Entity(Self.uid(principal.id),
               attributes: ["role": .string(Self.role(principal.role)), "disabled": .bool(principal.isDisabled)],
               parents: groups.map(Self.uid))
    }

    func group(_ group: Group) -> Entity {
        Entity(Self.uid(group.id), attributes: [
            "facilitators": .set(group.facilitator.map { [Value.entity(Self.uid($0))] } ?? []),
        ])
    }

    func cycle(_ cycle: Cycle) -> Entity {
        Entity(Self.uid(cycle.id), attributes: [
            "group": .entity(Self.uid(cycle.group)),
            "phase": .string(state.vault.phase(of: cycle, at: state.now).rawValue),
        ])
    }

    func entry(_ metadata: EntryMetadata, deleted: Bool = false) -> Entity {
        Entity(Self.uid(metadata.id), attributes: [
            "author": .entity(Self.uid(metadata.author)),
            "group": .entity(metadata.group.map(Self.uid) ?? Self.noGroup),
            "cycle": .entity(metadata.cycle.map(Self.uid) ?? Self.noCycle),
            "deleted": .bool(deleted),
        ])
    }

    func share(_ share: ShareMetadata) -> Entity {
        Entity(Self.uid(share.id), attributes: [
            "entry": .entity(Self.uid(share.entry)),
            "author": .entity(Self.uid(share.author)),
            "audience": .set(share.readers.map { .entity(Self.uid($0)) }),
            "expiresAt": .long(Int64(share.expiresAt.timeIntervalSince1970.rounded(.down))),
            "revoked": .bool(false),
        ])
    }

    /// Placeholders for a missing group and cycle, so an entry outside any cycle evaluates (and is
    /// denied where a rule needs one) instead of erroring.
    static let placeholders: [Entity] = [
        Entity(noGroup, attributes: ["facilitators": .set([])]),
        Entity(noCycle, attributes: ["group": .entity(noGroup), "phase": .string("none")]),
    ]

    /// Decides `action` by `principal` on `resource`, with `now` added to the context; a denial is
    /// written to the audit log. `principalGroups`, when the caller already read them with the other
    /// facts, saves a query.
    func decide(_ principal: Principal, _ action: String, on resource: EntityUID, context: [String: Value] = [:],
                entities: [Entity], principalGroups: [GroupID]? = nil) async throws -> Decision {
        let groups = if let principalGroups { principalGroups } else { try await state.vault.groupIDs(of: principal.id) }
        return decideNow(principal, action, on: resource, context: context, entities: entities, principalGroups: groups)
    }

    /// `decide` on facts already read, without waiting on anything: usable inside a vault
    /// transaction. `recordingDenial: false` is for filtering a listing the caller may make (the
    /// feed, the agenda): leaving out what they may not read is not a refused request, and
    /// recording it would put a denied read they never tried in their audit log at every listing.
    func decideNow(_ principal: Principal, _ action: String, on resource: EntityUID, context: [String: Value] = [:],
                   entities: [Entity], principalGroups: [GroupID], recordingDenial: Bool = true) -> Decision {
        var context = context
        context["now"] = .long(Int64(state.now.timeIntervalSince1970.rounded(.down)))
        let me = member(principal, groups: principalGroups)
        let request = Request(principal: me.uid, action: .action(action), resource: resource, context: context)
        let decision = state.authorizer.isAuthorized(request, entities: Entities([me] + entities + Self.placeholders))
        if !decision.isAllowed && recordingDenial {
            state.audit.record(AuditDraft(actor: principal.id, action: action, resource: resource.id, decision: "deny",
                                          policies: decision.determining, policyHash: state.policyHash, time: state.now))
        }
        return decision
    }

    /// Decides and throws when denied: 404 when the caller may not learn the resource exists,
    /// 403 naming the determining policies otherwise.
    func require(_ principal: Principal, _ action: String, on resource: EntityUID, context: [String: Value] = [:],
                 entities: [Entity], principalGroups: [GroupID]? = nil, hideExistence: Bool, what: String) async throws {
        let decision = try await decide(principal, action, on: resource, context: context, entities: entities,
                                        principalGroups: principalGroups)
        if let refusal = Self.refusal(decision, hideExistence: hideExistence, what: what) { throw refusal }
    }

    /// The answer to a denial (`nil` when allowed): 404 when the caller may not learn `what`
    /// exists, 403 naming the determining policies otherwise.
    static func refusal(_ decision: Decision, hideExistence: Bool, what: String) -> APIError? {
        guard !decision.isAllowed else { return nil }
        if hideExistence { return APIError.notFound(what) }
        return APIError.denied(decision.determining.isEmpty ? ["default-deny"] : decision.determining,
                               failed: Set(decision.errors.map(\.policyID)))
    }
}
