import Foundation
import Hummingbird
import TacitAPI
import TacitPolicy
import TacitVault

extension Routes {
    static func addGroupRoutes(to v1: RouterGroup<TacitRequestContext>, state: DaemonState) {
        let gate = PolicyGate(state: state)
        let limit = state.configuration.bodyLimitBytes

        // Rosters are public within the organisation: any principal lists groups.
        v1.get("groups") { _, context in
            _ = try context.requireIdentity()
            var summaries: [GroupSummary] = []
            for group in try await state.vault.groups() { summaries.append(try await summary(group, state: state)) }
            return try Response.json(summaries)
        }

        v1.post("groups") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(GroupCreateRequest.self, limit: limit)
            let name = input.name.trimmingCharacters(in: .whitespaces)
            try Names.checkGroup(name)
            try await gate.require(identity.principal, "createGroup", on: EntityUID("Group", "new"),
                                   entities: [Entity(EntityUID("Group", "new"), attributes: ["facilitators": .set([])])],
                                   hideExistence: false, what: "group")
            if try await state.vault.group(named: name) != nil { throw APIError.conflict("a group named \(name) exists") }
            let group = try await state.vault.createGroup(name: name, recording: auditDraft(state, identity, "createGroup"))
            return try Response.json(try await summary(group, state: state), status: .created)
        }

        v1.get("groups/{group}") { _, context in
            _ = try context.requireIdentity()
            let group = try await resolveGroup(context.name("group"), state: state)
            return try Response.json(try await detail(group, state: state))
        }

        v1.post("groups/{group}/members") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(NameRequest.self, limit: limit)
            let group = try await resolveGroup(context.name("group"), state: state)
            let member = try await resolvePrincipal(input.name, state: state)
            try await gate.require(identity.principal, "addMember", on: PolicyGate.uid(group.id),
                                   context: ["member": .entity(PolicyGate.uid(member.id))],
                                   entities: [gate.group(group), try await gate.member(member)],
                                   hideExistence: false, what: "group")
            try await state.vault.addMember(member.id, to: group.id, recording: auditDraft(state, identity, "addMember", group.id.description))
            return try Response.json(try await detail(group, state: state))
        }

        v1.delete("groups/{group}/members/{name}") { _, context in
            let identity = try context.requireIdentity()
            let group = try await resolveGroup(context.name("group"), state: state)
            let member = try await resolvePrincipal(context.name("name"), state: state)
            try await gate.require(identity.principal, "removeMember", on: PolicyGate.uid(group.id),
                                   context: ["member": .entity(PolicyGate.uid(member.id))],
                                   entities: [gate.group(group), try await gate.member(member)],
                                   hideExistence: false, what: "group")
            // Their seals on the group's shares and topics are deleted in this same call.
            do {
                try await state.vault.removeMember(member.id, from: group.id,
                                                   recording: auditDraft(state, identity, "removeMember", group.id.description))
            } catch let error as VaultError where error.code == .notFound {
                throw APIError(.notFound, "not-found", "\(DisplayText.line(member.name)) is not a member of \(DisplayText.line(group.name))")
            }
            return Response.noContent
        }

        v1.put("groups/{group}/facilitator") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(NameRequest.self, limit: limit)
            let group = try await resolveGroup(context.name("group"), state: state)
            let member = try await resolvePrincipal(input.name, state: state)
            try await gate.require(identity.principal, "appointFacilitator", on: PolicyGate.uid(group.id),
                                   context: ["member": .entity(PolicyGate.uid(member.id))],
                                   entities: [gate.group(group), try await gate.member(member)],
                                   hideExistence: false, what: "group")
            try await state.vault.appointFacilitator(member.id, of: group.id,
                                                     recording: auditDraft(state, identity, "appointFacilitator", group.id.description))
            let updated = try await state.vault.group(group.id) ?? group
            return try Response.json(try await detail(updated, state: state))
        }

        v1.post("invitations") { request, context in
            let identity = try context.requireIdentity()
            var request = request
            let input = try await request.decodeStrictly(InvitationRequest.self, limit: limit)
            try await requireInviting(identity, role: input.role == "operator" ? "operator" : input.role == "compliance" ? "compliance" : "member",
                                      gate: gate)
            let name = input.name.trimmingCharacters(in: .whitespaces)
            try Names.checkPrincipal(name)
            let role: PrincipalRole
            switch input.role {
            case "member", "facilitator": role = .member
            case "compliance": role = .compliance
            case "operator": role = .admin
            default: throw APIError.badRequest("role must be member, facilitator, compliance or operator")
            }
            var group: Group?
            if let groupName = input.group {
                guard role == .member else { throw APIError.badRequest("only members join groups") }
                group = try await resolveGroup(groupName, state: state)
            }
            if input.role == "facilitator" && group == nil {
                throw APIError.badRequest("a facilitator is invited into a group: add --group")
            }
            if let existing = try await state.vault.principal(named: name) {
                throw APIError.conflict(existing.isDisabled
                    ? "\(name) is enrolled and disabled: a name is never enrolled twice, so invite them under another name"
                    : "\(name) is already enrolled")
            }
            let code = try await state.vault.createEnrollmentCode(name: name, role: role, group: group?.id,
                                                                  facilitator: input.role == "facilitator")
            // Who was invited, as what and into which group: a roster's newcomer can be traced to
            // the invitation that brought them.
            try await audit(state, identity, "invite", "\(name) (\(input.role)\(group.map { " in \($0.name)" } ?? "")"
                            + "\(code.replacedEarlier ? ", replacing an earlier invitation" : ""))")
            return try Response.json(InvitationResponse(code: code.code, expiresAt: code.expiresAt,
                                                        replaced: code.replacedEarlier ? true : nil), status: .created)
        }

        // The invitations waiting to be used, and withdrawing one: the operator's, as inviting is.
        v1.get("invitations") { _, context in
            let identity = try context.requireIdentity()
            try await requireInviting(identity, gate: gate)
            var groups: [GroupID: String] = [:]
            var items: [InvitationInfo] = []
            for invitation in try await state.vault.pendingInvitations() {
                var group: String?
                if let id = invitation.group {
                    if groups[id] == nil { groups[id] = try await state.vault.group(id)?.name ?? id.description }
                    group = groups[id]
                }
                items.append(InvitationInfo(name: invitation.name, role: invitedRole(invitation), group: group,
                                            expiresAt: invitation.expiresAt, expired: invitation.expiresAt <= state.now))
            }
            return try Response.json(items)
        }

        v1.delete("invitations/{name}") { _, context in
            let identity = try context.requireIdentity()
            try await requireInviting(identity, gate: gate)
            let name = context.name("name")
            try await state.vault.revokeInvitation(for: name, recording: auditDraft(state, identity, "revokeInvitation", name))
            return Response.noContent
        }

        v1.get("principals") { _, context in
            _ = try context.requireIdentity()
            return try Response.json(try await state.vault.principals().map(info))
        }

        v1.post("principals/{name}/disable") { _, context in
            let identity = try context.requireIdentity()
            let principal = try await resolvePrincipal(context.name("name"), state: state)
            try await gate.require(identity.principal, "disablePrincipal", on: PolicyGate.uid(principal.id),
                                   entities: [try await gate.member(principal)], hideExistence: false, what: "principal")
            guard principal.id != identity.principal.id else { throw APIError.badRequest("the operator cannot disable itself") }
            try await state.vault.disable(principal.id, recording: auditDraft(state, identity, "disable", principal.id.description))
            state.closeSessions(of: principal.id)
            return Response.noContent
        }
    }

    static func resolveGroup(_ reference: String, state: DaemonState) async throws -> Group {
        if let id = GroupID(reference), let group = try await state.vault.group(id) { return group }
        if let group = try await state.vault.group(named: reference) { return group }
        throw APIError(.notFound, "not-found", "no group '\(DisplayText.line(reference))'")
    }

    static func resolvePrincipal(_ name: String, state: DaemonState) async throws -> Principal {
        guard let principal = try await state.vault.principal(named: name) else { throw await noPrincipal(named: name, state: state) }
        return principal
    }

    /// The 404 for a name nobody is enrolled under (names are not secret within the organisation).
    /// Inviting someone as `role` (the policy's role names), decided as `invite` of a principal-to-be;
    /// listing and withdrawing invitations are decided as inviting a member.
    static func requireInviting(_ identity: Identity, role: String = "member", gate: PolicyGate) async throws {
        let invitee = EntityUID("Member", "invitee")
        try await gate.require(identity.principal, "invite", on: invitee, entities: [
            Entity(invitee, attributes: ["role": .string(role), "disabled": .bool(false)]),
        ], hideExistence: false, what: "principal")
    }

    /// The role an invitation was given as (`tacit invite --role`).
    static func invitedRole(_ invitation: PendingInvitation) -> String {
        switch invitation.role {
        case .member: invitation.facilitator ? "facilitator" : "member"
        case .compliance: "compliance"
        case .admin: "operator"
        }
    }

    static func noPrincipal(named name: String, state: DaemonState) async -> APIError {
        APIError(.notFound, "not-found", "no principal named '\(DisplayText.line(name))'\(await lowercaseHint(for: name, state: state))")
    }

    /// For a name not found that has capitals: " — names are lowercase: did you mean 'ali'?" when
    /// that name is enrolled (names are no secret from a signed-in caller), else nothing.
    static func lowercaseHint(for name: String, state: DaemonState) async -> String {
        let lower = name.lowercased()
        guard lower != name, (try? await state.vault.principal(named: lower)) != nil else { return "" }
        return " — names are lowercase: did you mean '\(DisplayText.line(lower))'?"
    }

    static func detail(_ group: Group, state: DaemonState) async throws -> GroupDetail {
        let members = try await state.vault.members(of: group.id)
        let cycles = try await state.vault.cycles(in: group.id)
        return GroupDetail(group: try await summary(group, state: state), members: members.map(info),
                           sizeStatus: try await state.vault.sizeStatus(of: group.id).rawValue,
                           cycles: cycles.map { cycleInfo($0, state: state, topics: nil) })
    }

    static func cycleInfo(_ cycle: Cycle, state: DaemonState, topics: [String]?) -> CycleInfo {
        CycleInfo(id: cycle.id.uuid, group: cycle.group.uuid, session1: cycle.session1, session2: cycle.session2,
                  phase: state.vault.phase(of: cycle, at: state.now).rawValue, topics: topics)
    }

    /// Appends the record of an allowed `action` and returns once it is on disk, before the
    /// response is sent (see `AuditLog.commit`). A change that has a transaction of its own puts its
    /// record there instead, from `auditDraft`.
    static func audit(_ state: DaemonState, _ identity: Identity, _ action: String, _ resource: String) async throws {
        try await state.audit.commit(auditDraft(state, identity, action, resource))
    }

    /// The record of an allowed `action` by the caller on `resource`, at the daemon's time now.
    static func auditDraft(_ state: DaemonState, _ identity: Identity, _ action: String, _ resource: String) -> AuditDraft {
        AuditDraft(actor: identity.principal.id, action: action, resource: resource, decision: "allow", policies: [],
                   policyHash: state.policyHash, time: state.now)
    }

    /// The record of an allowed `action` on a resource the change itself creates (a new share's or
    /// group's id): made now, its resource filled in inside the change's transaction.
    static func auditDraft<Resource: CustomStringConvertible & SendableMetatype>(_ state: DaemonState, _ identity: Identity,
                                                             _ action: String) -> @Sendable (Resource) -> AuditDraft {
        auditDraft(state, actor: identity.principal.id, action)
    }

    /// As above, by `actor` (a request without a session: a jot's member).
    static func auditDraft<Resource: CustomStringConvertible & SendableMetatype>(_ state: DaemonState, actor: PrincipalID?,
                                                             _ action: String) -> @Sendable (Resource) -> AuditDraft {
        let draft = AuditDraft(actor: actor, action: action, resource: "", decision: "allow", policies: [],
                               policyHash: state.policyHash, time: state.now)
        return { resource in
            var draft = draft
            draft.resource = resource.description
            return draft
        }
    }

    /// The record of an allowed `action` by and on the principal the change itself names (one
    /// enrolling, one recovering): both filled in inside the change's transaction.
    static func principalAuditDraft(_ state: DaemonState, _ action: String) -> @Sendable (PrincipalID) -> AuditDraft {
        let onPrincipal: @Sendable (PrincipalID) -> AuditDraft = auditDraft(state, actor: nil, action)
        return { principal in
            var record = onPrincipal(principal)
            record.actor = principal
            return record
        }
    }
}
