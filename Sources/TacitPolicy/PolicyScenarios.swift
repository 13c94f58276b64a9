/// The base policy's worked examples over one small world — a group of six with a facilitator,
/// an operator, a compliance officer and an outsider. The tests assert every one of them, the
/// benchmark times them, and `tacit policy scenarios` prints them for the differential test.
public enum PolicyScenarios {
    /// The time every scenario runs at (Unix seconds), and the expiry of the live shares.
    public static let now: Int64 = 1_767_225_600
    /// When `share1` expires.
    public static let expiry: Int64 = now + 3600

    private static func member(_ id: String) -> EntityUID { EntityUID("Member", id) }
    private static func group(_ id: String) -> EntityUID { EntityUID("Group", id) }
    private static func entry(_ id: String) -> EntityUID { EntityUID("Entry", id) }
    private static func share(_ id: String) -> EntityUID { EntityUID("Share", id) }
    private static func cycle(_ id: String) -> EntityUID { EntityUID("Cycle", id) }

    /// The world: group `circle` (alice, bob, fran the facilitator, dave who joined after the
    /// shares, disabled dora; erin and gina were removed), group `other` (xavier), operator olga,
    /// compliance officer carl (wrongly placed in `circle` and in an audience, to show it changes
    /// nothing).
    public static let entities: Entities = {
        func person(_ id: String, role: String = "member", disabled: Bool = false, in groups: [String]) -> Entity {
            Entity(member(id), attributes: ["role": .string(role), "disabled": .bool(disabled)],
                   parents: groups.map(group))
        }
        func journalEntry(_ id: String, by author: String, cycle c: String = "practice", deleted: Bool = false) -> Entity {
            Entity(entry(id), attributes: [
                "author": .entity(member(author)), "group": .entity(group("circle")),
                "cycle": .entity(cycle(c)), "deleted": .bool(deleted),
            ])
        }
        func shareOf(_ id: String, entry e: String, by author: String, to audience: [String],
                     expiresAt: Int64 = expiry, revoked: Bool = false) -> Entity {
            Entity(share(id), attributes: [
                "entry": .entity(entry(e)), "author": .entity(member(author)),
                "audience": .set(audience.map { .entity(member($0)) }),
                "expiresAt": .long(expiresAt), "revoked": .bool(revoked),
            ])
        }
        return Entities([
            Entity(group("circle"), attributes: ["facilitators": .set([.entity(member("fran"))])]),
            Entity(group("other"), attributes: ["facilitators": .set([Value]())]),
            person("alice", in: ["circle"]), person("bob", in: ["circle"]), person("fran", in: ["circle"]),
            person("dave", in: ["circle"]), person("dora", disabled: true, in: ["circle"]),
            person("erin", in: []), person("gina", in: []), person("xavier", in: ["other"]),
            person("olga", role: "operator", in: []), person("carl", role: "compliance", in: ["circle"]),
            Entity(cycle("practice"), attributes: ["group": .entity(group("circle")), "phase": .string("practice")]),
            Entity(cycle("spring"), attributes: ["group": .entity(group("circle")), "phase": .string("closed")]),
            journalEntry("diary", by: "alice"), journalEntry("plan", by: "alice"),
            journalEntry("old", by: "alice", cycle: "spring"), journalEntry("gone", by: "alice", deleted: true),
            journalEntry("bobs", by: "bob"), journalEntry("ginas", by: "gina"), journalEntry("doras", by: "dora"),
            shareOf("share1", entry: "diary", by: "alice", to: ["alice", "bob", "fran", "erin"]),
            shareOf("revoked", entry: "diary", by: "alice", to: ["bob"], revoked: true),
            shareOf("ofGone", entry: "gone", by: "alice", to: ["bob"]),
            shareOf("ginas", entry: "ginas", by: "gina", to: ["bob"]),
            shareOf("toCarl", entry: "diary", by: "alice", to: ["carl"]),
            shareOf("toXavier", entry: "diary", by: "alice", to: ["xavier"]),
            shareOf("bobsOfDiary", entry: "diary", by: "bob", to: ["fran"]),
            shareOf("draft", entry: "plan", by: "alice", to: ["bob", "dave"]),
            Entity(EntityUID("Instance", "tacit")),
            person("newcomer", in: []),
            Entity(EntityUID("Export", "2026-01"), attributes: ["period": .string("2026-01"), "groups": .long(4), "members": .long(22)]),
            Entity(EntityUID("Export", "tiny"), attributes: ["period": .string("2026-01"), "groups": .long(2), "members": .long(11)]),
        ])
    }()

    private static func ask(_ who: String, _ action: String, _ resource: EntityUID,
                            _ context: [String: Value] = [:]) -> Request {
        Request(principal: member(who), action: .action(action), resource: resource,
                context: context.merging(["now": .long(now)]) { given, _ in given })
    }

    private static func readShared(_ who: String, _ e: String, via s: String, at time: Int64 = now,
                                   extra: [String: Value] = [:]) -> Request {
        ask(who, "readShared", entry(e), extra.merging(["share": .entity(share(s)), "now": .long(time)]) { a, _ in a })
    }

    private static func export(_ who: String, _ id: String, requested: Int64, left: Int64) -> Request {
        ask(who, "exportMetrics", EntityUID("Export", id), [
            "epsilonRequested": .long(requested), "epsilonLeft": .long(left),
            "minGroups": .long(3), "minMembers": .long(15),
        ])
    }

    /// An operator file that permits everything — and still cannot lift a base forbid.
    public static let permitEverything = "permit(principal, action, resource);\n"

    /// Every scenario.
    public static let all: [PolicyScenario] = [
        // Private entries.
        PolicyScenario("the author reads her entry", ask("alice", "readEntry", entry("diary")),
                       expected: .allow, determining: ["author-manages-entries"]),
        PolicyScenario("the author edits her entry", ask("alice", "editEntry", entry("diary")),
                       expected: .allow, determining: ["author-manages-entries"]),
        PolicyScenario("the author deletes her entry", ask("alice", "deleteEntry", entry("diary")),
                       expected: .allow, determining: ["author-manages-entries"]),
        PolicyScenario("the author writes in an open cycle", ask("alice", "writeEntry", entry("plan")),
                       expected: .allow, determining: ["author-writes-entry"]),
        PolicyScenario("the facilitator reads a private entry", ask("fran", "readEntry", entry("diary")),
                       expected: .deny, determining: ["not-the-author"]),
        PolicyScenario("a member edits another's entry", ask("bob", "editEntry", entry("diary")),
                       expected: .deny, determining: ["not-the-author"]),
        PolicyScenario("a write in a closed cycle", ask("alice", "writeEntry", entry("old")),
                       expected: .deny, determining: ["closed-cycle"]),
        PolicyScenario("an edit in a closed cycle", ask("alice", "editEntry", entry("old")),
                       expected: .deny, determining: ["closed-cycle"]),
        PolicyScenario("a disabled member reads her own entry", ask("dora", "readEntry", entry("doras")),
                       expected: .deny, determining: ["disabled-principal"]),
        PolicyScenario("the operator reads an entry", ask("olga", "readEntry", entry("diary")),
                       expected: .deny, determining: ["not-the-author", "staff-and-content"]),
        PolicyScenario("an entry missing from the store: the failing forbid denies",
                       ask("alice", "readEntry", entry("unknown")),
                       expected: .deny, determining: ["not-the-author"]),

        // Reading through a share.
        PolicyScenario("an audience member reads one second before expiry",
                       readShared("bob", "diary", via: "share1", at: expiry - 1),
                       expected: .allow, determining: ["audience-reads-share"]),
        PolicyScenario("an audience member reads at exactly the expiry",
                       readShared("bob", "diary", via: "share1", at: expiry),
                       expected: .deny, determining: ["share-expired"]),
        PolicyScenario("a client-supplied time is ignored; the server's clock decides",
                       readShared("bob", "diary", via: "share1", at: expiry + 60, extra: ["clientTime": .long(now)]),
                       expected: .deny, determining: ["share-expired"]),
        PolicyScenario("the facilitator reads what was shared with her", readShared("fran", "diary", via: "share1"),
                       expected: .allow, determining: ["audience-reads-share"]),
        PolicyScenario("a group member outside the share's audience", readShared("fran", "plan", via: "draft"),
                       expected: .deny, determining: ["outside-audience"]),
        PolicyScenario("a member who joined after the share", readShared("dave", "diary", via: "share1"),
                       expected: .deny, determining: ["outside-audience"]),
        PolicyScenario("a removed member still in the audience snapshot", readShared("erin", "diary", via: "share1"),
                       expected: .deny, determining: ["reader-left-group"]),
        PolicyScenario("the share's author was removed from the group", readShared("bob", "ginas", via: "ginas"),
                       expected: .deny, determining: ["author-left-group"]),
        PolicyScenario("a revoked share", readShared("bob", "diary", via: "revoked"),
                       expected: .deny, determining: ["share-revoked"]),
        PolicyScenario("a share of a deleted entry", readShared("bob", "gone", via: "ofGone"),
                       expected: .deny, determining: ["entry-deleted"]),
        PolicyScenario("a share id for one entry used to fetch another", readShared("bob", "plan", via: "share1"),
                       expected: .deny, determining: ["share-of-another-entry"]),
        PolicyScenario("compliance placed in an audience", readShared("carl", "diary", via: "toCarl"),
                       expected: .deny, determining: ["staff-and-content"]),
        PolicyScenario("an outsider placed in an audience", readShared("xavier", "diary", via: "toXavier"),
                       expected: .deny, determining: ["reader-left-group"]),

        // Sharing.
        PolicyScenario("the author shares with a group member",
                       ask("alice", "shareEntry", share("share1"), ["recipient": .entity(member("bob"))]),
                       expected: .allow, determining: ["author-shares-entry"]),
        PolicyScenario("the author shares a deleted entry",
                       ask("alice", "shareEntry", share("ofGone"), ["recipient": .entity(member("bob"))]),
                       expected: .deny, determining: []),
        PolicyScenario("the author deletes an entry of a closed cycle", ask("alice", "deleteEntry", entry("old")),
                       expected: .allow, determining: ["author-manages-entries"]),
        PolicyScenario("a share with an outsider",
                       ask("alice", "shareEntry", share("toXavier"), ["recipient": .entity(member("xavier"))]),
                       expected: .deny, determining: ["share-outside-group"]),
        PolicyScenario("re-sharing someone else's entry",
                       ask("bob", "shareEntry", share("bobsOfDiary"), ["recipient": .entity(member("fran"))]),
                       expected: .deny, determining: ["resharing"]),
        PolicyScenario("the author revokes her share", ask("alice", "revokeShare", share("share1")),
                       expected: .allow, determining: ["author-manages-shares"]),
        PolicyScenario("the author sees who read her share", ask("alice", "seeReaders", share("share1")),
                       expected: .allow, determining: ["author-manages-shares"]),
        PolicyScenario("a reader tries to revoke someone's share", ask("bob", "revokeShare", share("share1")),
                       expected: .deny, determining: []),

        // The facilitator.
        PolicyScenario("the facilitator schedules a cycle", ask("fran", "scheduleCycle", cycle("practice")),
                       expected: .allow, determining: ["facilitator-plans-cycle"]),
        PolicyScenario("the facilitator builds an agenda", ask("fran", "buildAgenda", cycle("practice")),
                       expected: .allow, determining: ["facilitator-plans-cycle"]),
        PolicyScenario("a member who is not the facilitator schedules a cycle", ask("bob", "scheduleCycle", cycle("practice")),
                       expected: .deny, determining: []),
        PolicyScenario("the facilitator reschedules a closed cycle", ask("fran", "scheduleCycle", cycle("spring")),
                       expected: .deny, determining: ["closed-cycle-schedule"]),

        // The operator.
        PolicyScenario("the operator creates a group", ask("olga", "createGroup", group("other")),
                       expected: .allow, determining: ["operator-administers-groups"]),
        PolicyScenario("the operator adds a member", ask("olga", "addMember", group("circle"), ["member": .entity(member("erin"))]),
                       expected: .allow, determining: ["operator-administers-groups"]),
        PolicyScenario("the operator adds itself to a group", ask("olga", "addMember", group("circle"), ["member": .entity(member("olga"))]),
                       expected: .deny, determining: ["self-enrollment", "staff-in-group"]),
        PolicyScenario("the operator adds a compliance officer to a group",
                       ask("olga", "addMember", group("other"), ["member": .entity(member("carl"))]),
                       expected: .deny, determining: ["staff-in-group"]),
        PolicyScenario("the operator appoints a facilitator from the group",
                       ask("olga", "appointFacilitator", group("circle"), ["member": .entity(member("bob"))]),
                       expected: .allow, determining: ["operator-administers-groups"]),
        PolicyScenario("the operator appoints a facilitator from outside the group",
                       ask("olga", "appointFacilitator", group("circle"), ["member": .entity(member("xavier"))]),
                       expected: .deny, determining: ["facilitator-outside-group"]),
        PolicyScenario("the operator invites a newcomer", ask("olga", "invite", member("newcomer")),
                       expected: .allow, determining: ["operator-runs-instance"]),
        PolicyScenario("the operator disables a member", ask("olga", "disablePrincipal", member("bob")),
                       expected: .allow, determining: ["operator-runs-instance"]),
        PolicyScenario("the operator backs up the installation", ask("olga", "backup", EntityUID("Instance", "tacit")),
                       expected: .allow, determining: ["operator-backs-up"]),
        PolicyScenario("compliance restores a backup", ask("carl", "restore", EntityUID("Instance", "tacit")),
                       expected: .deny, determining: []),
        PolicyScenario("a member invites someone", ask("bob", "invite", member("newcomer")),
                       expected: .deny, determining: []),
        PolicyScenario("a member adds someone to a group", ask("bob", "addMember", group("circle"), ["member": .entity(member("erin"))]),
                       expected: .deny, determining: []),

        // Compliance.
        PolicyScenario("an export within thresholds and budget", export("carl", "2026-01", requested: 2, left: 10),
                       expected: .allow, determining: ["compliance-exports"]),
        PolicyScenario("an export spending exactly the budget left", export("carl", "2026-01", requested: 10, left: 10),
                       expected: .allow, determining: ["compliance-exports"]),
        PolicyScenario("an export below the thresholds", export("carl", "tiny", requested: 2, left: 10),
                       expected: .deny, determining: ["export-below-thresholds"]),
        PolicyScenario("an export asking more ε than the budget left", export("carl", "2026-01", requested: 11, left: 10),
                       expected: .deny, determining: ["export-over-budget"]),
        PolicyScenario("the operator asks for an export", export("olga", "2026-01", requested: 2, left: 10),
                       expected: .deny, determining: ["export-by-non-compliance"]),
        PolicyScenario("a member asks for a small month's export over its budget: told only that exports are compliance's",
                       export("bob", "tiny", requested: 11, left: 10),
                       expected: .deny, determining: ["export-by-non-compliance"]),

        // An operator layer on top.
        PolicyScenario("permit-everything cannot let the facilitator read a private entry",
                       ask("fran", "readEntry", entry("diary")), operatorPolicy: permitEverything,
                       expected: .deny, determining: ["not-the-author"]),
        PolicyScenario("permit-everything cannot let compliance read a share",
                       readShared("carl", "diary", via: "toCarl"), operatorPolicy: permitEverything,
                       expected: .deny, determining: ["staff-and-content"]),
        PolicyScenario("permit-everything cannot let the operator enroll itself",
                       ask("olga", "addMember", group("circle"), ["member": .entity(member("olga"))]),
                       operatorPolicy: permitEverything,
                       expected: .deny, determining: ["self-enrollment", "staff-in-group"]),
        PolicyScenario("permit-everything cannot open an expired share",
                       readShared("bob", "diary", via: "share1", at: expiry), operatorPolicy: permitEverything,
                       expected: .deny, determining: ["share-expired"]),
        PolicyScenario("an operator permit adds a right the base policy lacks",
                       ask("bob", "scheduleCycle", cycle("practice")), operatorPolicy: permitEverything,
                       expected: .allow, determining: ["policy0"]),
        PolicyScenario("an operator forbid narrows the base policy",
                       ask("fran", "buildAgenda", cycle("practice")),
                       operatorPolicy: """
                       @id("no-agenda-during-practice")
                       forbid (principal, action == Action::"buildAgenda", resource)
                       when { resource.phase == "practice" };
                       """,
                       expected: .deny, determining: ["no-agenda-during-practice"]),
    ]
}
