extension Schema {
    /// The values of `Member.role`, as the daemon writes them.
    public static let roles = ["member", "compliance", "operator"]

    /// The values of `Cycle.phase`: the vault's phases in order (`CyclePhase`), then `none`, the
    /// phase of the placeholder cycle of an entry written outside any cycle.
    public static let phases = ["planning", "session-1", "practice", "reflection", "session-2", "closed", "none"]

    /// Tacit's schema: the entity types and actions the daemon decides, and the context it supplies.
    ///
    /// Every person is a `Member`; staff are told apart by `role` (`"member"`, `"compliance"`,
    /// `"operator"`), a facilitator by being in their group's `facilitators`. `Instance` stands for
    /// the whole installation (backups). Every context carries `now`, the server's clock in Unix seconds.
    public static let tacit: Schema = {
        let now: [String: SchemaType] = ["now": .long]
        func context(_ extra: [String: SchemaType]) -> [String: SchemaType] {
            now.merging(extra) { a, _ in a }
        }
        let member = ["Member"]
        return Schema(
            entityTypes: [
                // Ids are the daemon's lowercase UUIDs; "none" and "new" stand for the group or
                // cycle of an entry outside any, and for what is being created.
                "Member": EntityType(attributes: ["role": .string, "disabled": .bool], memberOf: ["Group"],
                                     stringValues: ["role": Schema.roles], uuidIDs: true),
                "Group": EntityType(attributes: ["facilitators": .set(.entity("Member"))], uuidIDs: true, placeholderIDs: ["none"]),
                "Cycle": EntityType(attributes: ["group": .entity("Group"), "phase": .string],
                                    stringValues: ["phase": Schema.phases], uuidIDs: true, placeholderIDs: ["none", "new"]),
                "Entry": EntityType(attributes: [
                    "author": .entity("Member"), "group": .entity("Group"), "cycle": .entity("Cycle"), "deleted": .bool,
                ], uuidIDs: true, placeholderIDs: ["new"]),
                "Share": EntityType(attributes: [
                    "entry": .entity("Entry"), "author": .entity("Member"), "audience": .set(.entity("Member")),
                    "expiresAt": .long, "revoked": .bool,
                ], uuidIDs: true, placeholderIDs: ["new"]),
                "Export": EntityType(attributes: ["period": .string, "groups": .long, "members": .long]),
                "Instance": EntityType(),
            ],
            actions: [
                "writeEntry": Action(principals: member, resources: ["Entry"], context: now),
                "readEntry": Action(principals: member, resources: ["Entry"], context: now),
                "editEntry": Action(principals: member, resources: ["Entry"], context: now),
                "deleteEntry": Action(principals: member, resources: ["Entry"], context: now),
                "shareEntry": Action(principals: member, resources: ["Share"], context: context(["recipient": .entity("Member")])),
                "readShared": Action(principals: member, resources: ["Entry"], context: context(["share": .entity("Share")])),
                "revokeShare": Action(principals: member, resources: ["Share"], context: now),
                "seeReaders": Action(principals: member, resources: ["Share"], context: now),
                "scheduleCycle": Action(principals: member, resources: ["Cycle"], context: now),
                "buildAgenda": Action(principals: member, resources: ["Cycle"], context: now),
                "createGroup": Action(principals: member, resources: ["Group"], context: now),
                "addMember": Action(principals: member, resources: ["Group"], context: context(["member": .entity("Member")])),
                "removeMember": Action(principals: member, resources: ["Group"], context: context(["member": .entity("Member")])),
                "appointFacilitator": Action(principals: member, resources: ["Group"], context: context(["member": .entity("Member")])),
                "invite": Action(principals: member, resources: ["Member"], context: now),
                "disablePrincipal": Action(principals: member, resources: ["Member"], context: now),
                "backup": Action(principals: member, resources: ["Instance"], context: now),
                "restore": Action(principals: member, resources: ["Instance"], context: now),
                "exportMetrics": Action(principals: member, resources: ["Export"], context: context([
                    "epsilonRequested": .long, "epsilonLeft": .long, "minGroups": .long, "minMembers": .long,
                ])),
            ]
        )
    }()
}
