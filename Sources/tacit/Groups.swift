import ArgumentParser
import Foundation
import TacitAPI

extension Tacit {
    /// `tacit group create|list|show|add|remove|facilitator`.
    struct GroupCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "group",
            abstract: "Peer learning groups: create them, see their rosters, change their members (operator).",
            discussion: "Examples:\n  tacit group create north\n  tacit group add north ali\n  tacit group list",
            subcommands: [Create.self, List.self, Show.self, Add.self, Remove.self, Facilitator.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a group (operator).", discussion: "Example:\n  tacit group create north")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The group's name.") var name: String

            func validate() throws { try Arguments.checkNewGroupName(name, "<name>") }

            func run() async throws {
                let group: GroupSummary = try await Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                    .call(.POST, "/v1/groups", body: GroupCreateRequest(name: name))
                print("created group \(group.name) (\(group.id.lower))")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List every group (rosters are public within the organisation).",
                discussion: "Examples:\n  tacit group list\n  tacit group list --json")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let groups: [GroupSummary] = try await Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                    .call(.GET, "/v1/groups")
                if output.json { return try JSONOutput.print(groups) }
                var table = Table("GROUP", "MEMBERS", "FACILITATOR", "ID")
                for group in groups { table.add(group.name, String(group.memberCount), group.facilitator ?? "-", group.id.short) }
                table.print(empty: "no groups yet — the operator creates one with `tacit group create NAME`")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a group's roster and cycles.", discussion: "Example:\n  tacit group show north")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The group (name or id).") var group: String
            @OptionGroup var output: OutputOptions

            func validate() throws { try Arguments.checkGroup(group, "<group>") }

            func run() async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let group = try await Resolve.group(self.group, account).reference
                let detail: GroupDetail = try await account.call(.GET, "/v1/groups/\(Share.pathComponent(group))")
                if output.json { return try JSONOutput.print(detail) }
                // The daemon's `GroupSizeStatus`, against its configured sizes (by default 3 to 8
                // allowed, 5 or 6 recommended).
                let size: [String: String] = [
                    "below-minimum": "below the minimum size: still forming",
                    "allowed": "an allowed size, outside the recommended one",
                    "recommended": "a good size",
                    "above-maximum": "above the maximum size (groupMaximum was lowered since): no one can join until members leave",
                ]
                // The size is judged on the members who take part; a disabled one still holds a place.
                let disabled = Set(detail.members.filter { $0.disabled == true }.map(\.name))
                let members = detail.members.count.counted("member", "members") + (disabled.isEmpty ? "" : " (\(disabled.count) disabled)")
                print(DisplayText.line("\(detail.group.name) — \(members), \(size[detail.sizeStatus] ?? detail.sizeStatus)"))
                if let facilitator = detail.group.facilitator, disabled.contains(facilitator) {
                    print(DisplayText.line("facilitator: \(facilitator) (disabled) — appoint another with "
                                           + "`tacit group facilitator \(detail.group.name) NAME`"))
                } else {
                    print(DisplayText.line("facilitator: \(detail.group.facilitator ?? "none yet")"))
                }
                let roster = detail.members.map { $0.disabled == true ? "\($0.name) (disabled)" : $0.name }
                print(DisplayText.line("members: \(roster.isEmpty ? "none yet — `tacit group add \(detail.group.name) NAME` (operator)" : roster.joined(separator: ", "))"))
                if detail.cycles.isEmpty {
                    print("cycles: none")
                } else {
                    print("cycles:")
                    for cycle in detail.cycles {
                        print("  \(cycle.id.short)  session 1 \(DateText.day(cycle.session1)), session 2 \(DateText.day(cycle.session2)), \(cycle.phase)")
                    }
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add an enrolled member to a group (operator).", discussion: "Example:\n  tacit group add north ali")
            @OptionGroup var membership: Membership

            func run() async throws { try await membership.change(.add) }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove a member from a group (operator): their seals on the group's shares are deleted at once.",
                discussion: """
                The authors' entries they could read are re-encrypted under fresh keys at each author's next login.

                Adding them back later does not give that access back: each author would share again. At \
                a terminal you are asked first; --yes, or no terminal (a script), removes without asking.

                Example:
                  tacit group remove north eli
                """)
            @OptionGroup var membership: Membership
            @Flag(name: [.customShort("y"), .long], help: "Do not ask before removing.") var yes = false

            func run() async throws { try await membership.change(.remove(asking: !yes)) }
        }

        /// What `group add` and `group remove` share: the group, the member, and the change.
        struct Membership: ParsableArguments {
            enum Change {
                case add
                /// `asking`: at a terminal, ask before removing (it cannot be undone).
                case remove(asking: Bool)
            }

            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The group (name or id).") var group: String
            @Argument(help: "The member's name.") var name: String

            func validate() throws {
                try Arguments.checkGroup(group, "<group>")
                try Arguments.checkName(name, "<name>")
            }

            /// Adds the member to the group or removes them, and says what changed.
            func change(_ change: Change) async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let (group, groupName) = try await Resolve.group(self.group, account)
                let members = "/v1/groups/\(Share.pathComponent(group))/members"
                switch change {
                case .add:
                    // Adding a member again changes nothing, and the daemon allows it (after its policy check,
                    // which still decides): the roster before says whether anything changed.
                    let before: GroupDetail = try await account.call(.GET, "/v1/groups/\(Share.pathComponent(group))")
                    let detail: GroupDetail = try await account.call(.POST, members, body: NameRequest(name: name))
                    if before.members.contains(where: { $0.name == name }) {
                        print("\(name) is already in \(detail.group.name)")
                    } else {
                        print("added \(name) to \(detail.group.name) (\(detail.members.count.counted("member", "members")))")
                    }
                case .remove(let asking):
                    try await Terminal.confirmIrreversible(unless: !asking, declined: "nothing changed") {
                        let detail: GroupDetail = try await account.call(.GET, "/v1/groups/\(Share.pathComponent(group))")
                        // Not a member: nothing to ask about; the removal says so.
                        guard detail.members.contains(where: { $0.name == name }) else { return nil }
                        return "Remove \(DisplayText.line(name)) from \(DisplayText.line(detail.group.name))? "
                            + "Their access to what was shared with the group ends now, and adding them back does not restore it."
                    }
                    try await account.send(.DELETE, "\(members)/\(Share.pathComponent(name))")
                    print("removed \(name) from \(groupName); their access to the group's shares ended")
                }
            }
        }

        struct Facilitator: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Appoint a member of the group as its facilitator (operator).",
                discussion: "Example:\n  tacit group facilitator north fiona")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The group (name or id).") var group: String
            @Argument(help: "The member's name.") var name: String

            func validate() throws {
                try Arguments.checkGroup(group, "<group>")
                try Arguments.checkName(name, "<name>")
            }

            func run() async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let group = try await Resolve.group(self.group, account).reference
                let detail: GroupDetail = try await account.call(.PUT, "/v1/groups/\(Share.pathComponent(group))/facilitator",
                                                                 body: NameRequest(name: name))
                print("\(detail.group.facilitator ?? name) facilitates \(detail.group.name)")
            }
        }
    }

    /// `tacit invite NAME --role R [--group G]`.
    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a one-time enrollment code for a new member, facilitator, compliance officer or operator.",
            discussion: """
            Give the code to the person in person or over a channel you trust; it works once.

            Examples:
              tacit invite ali --role member --group north
              tacit invite fiona --role facilitator --group north
              tacit invite carl --role compliance
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The name the person will enroll under.") var name: String
        @Option(help: "member, facilitator, compliance or operator.") var role: String
        @Option(help: ArgumentHelp("The group a member or facilitator joins.", valueName: "G")) var group: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            try Arguments.checkNewName(name, "<name>")
            if let group { try Arguments.checkGroup(group, "--group") }
            guard ["member", "facilitator", "compliance", "operator"].contains(role) else {
                throw ValidationError("--role must be member, facilitator, compliance or operator")
            }
            if role == "facilitator" && group == nil { throw ValidationError("a facilitator is invited into a group: add --group G") }
            if group != nil && (role == "compliance" || role == "operator") {
                throw ValidationError("only members and facilitators join groups: invite \(role == "operator" ? "an operator" : "a compliance officer") without --group")
            }
        }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            var group = self.group
            if let given = group { group = try await Resolve.group(given, account).reference }
            let invitation: InvitationResponse = try await account.call(.POST, "/v1/invitations",
                                                                        body: InvitationRequest(name: name, role: role, group: group))
            if json { return try JSONOutput.print(invitation) }
            print("enrollment code for \(name): \(invitation.code)")
            if invitation.replaced == true {
                print("this replaces the invitation \(name) had not used yet: its code no longer works")
            }
            print("it works once, until \(DateText.minute(invitation.expiresAt)): tacit enroll --code \(invitation.code) --name \(name)")
            // A group has one facilitator: enrolling hands it over, which the one in place had
            // learned only from a denial. Said now, while the invitation can still be revoked.
            if role == "facilitator", let group,
               let summary = (try? await account.call(.GET, "/v1/groups", as: [GroupSummary].self))?
                   .first(where: { $0.name == group || $0.id.lower == group }),
               let current = summary.facilitator, current != name {
                Terminal.warn("note: \(current) facilitates \(summary.name) now; when \(name) enrolls, \(name) takes over and "
                              + "\(current) stays a member (to keep \(current): `tacit invite \(name) --role member --group \(summary.name)`)")
            }
        }
    }

    /// `tacit principal list|disable`.
    struct PrincipalCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "principal",
            abstract: "Everyone enrolled: list them, or disable one (operator).",
            discussion: "Examples:\n  tacit principal list\n  tacit principal disable eli",
            subcommands: [List.self, Disable.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List everyone enrolled.", discussion: "Example:\n  tacit principal list --json")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let principals: [PrincipalInfo] = try await Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                    .call(.GET, "/v1/principals")
                if output.json { return try JSONOutput.print(principals) }
                var table = Table("NAME", "ROLE", "ID", "STATUS")
                for principal in principals {
                    table.add(principal.name, principal.role, principal.id.short, principal.disabled == true ? "disabled" : "")
                }
                table.print(empty: "nobody enrolled")
            }
        }

        struct Disable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Disable a principal: their sessions end and they can no longer log in (operator).",
                discussion: """
                There is no undo: a disabled principal never logs in again. At a terminal you are asked \
                first; --yes, or no terminal (a script), disables without asking.

                Example:
                  tacit principal disable eli
                """)
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The name.") var name: String
            @Flag(name: [.customShort("y"), .long], help: "Do not ask before disabling.") var yes = false

            func validate() throws { try Arguments.checkName(name, "<name>") }

            func run() async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                // Looked up first: a name nobody has is said before any question, and disabling
                // twice changes nothing and says so.
                let found: WhoisResponse = try await account.call(.GET, "/v1/whois/\(Share.pathComponent(name))")
                if found.principal.disabled == true {
                    print("\(name) is already disabled")
                    return
                }
                try await Terminal.confirmIrreversible(unless: yes, declined: "nothing changed") {
                    "Disable \(DisplayText.line(name))? Their sessions end now and they can never log in again."
                }
                try await account.send(.POST, "/v1/principals/\(Share.pathComponent(name))/disable")
                print("disabled \(name); their sessions ended")
            }
        }
    }

    /// `tacit cycle create|list|agenda|reschedule|cancel`.
    struct CycleCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cycle",
            abstract: "A group's learning cycles: session 1, practice weeks, reflection, session 2 (facilitator).",
            discussion: """
            Phases: planning (before session 1), session-1 (its day), practice (until 7 days before \
            session 2), reflection (the last 7 days), session-2 (its day and 7 grace days), closed.

            Examples:
              tacit cycle create north --session1 2026-03-02 --session2 2026-04-06 --topic Delegation --topic Feedback
              tacit cycle list
              tacit cycle agenda 3c9d01aa
              tacit cycle reschedule 3c9d01aa --session2 2026-04-13
            """,
            subcommands: [Create.self, List.self, Agenda.self, Reschedule.self, Cancel.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Schedule a cycle for your group (facilitator).",
                discussion: """
                A date alone means 09:00 local time.

                Example:
                  tacit cycle create north --session1 2026-03-02 --session2 2026-04-06 --topic Delegation
                """)
            /// Fewer days than this between the sessions are allowed and said (a cycle's practice
            /// takes weeks).
            static let usualPracticeDays = 14
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The group (name or id).") var group: String
            @Option(help: ArgumentHelp("Session 1's date (YYYY-MM-DD or 'YYYY-MM-DD HH:MM').", valueName: "DATE")) var session1: String
            @Option(help: ArgumentHelp("Session 2's date.", valueName: "DATE")) var session2: String
            @Option(name: .customLong("topic"), help: ArgumentHelp("A topic (repeat for more).", valueName: "T")) var topics: [String] = []
            @Flag(help: "Print JSON.") var json = false

            func validate() throws {
                try Arguments.checkGroup(group, "<group>")
                if topics.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                    throw ValidationError("--topic is empty: give each topic a name")
                }
                let first = try DateText.parse(session1, option: "--session1", hour: 9)
                let second = try DateText.parse(session2, option: "--session2", hour: 9)
                if second <= first { throw ValidationError("--session2 must come after --session1") }
            }

            func run() async throws {
                let first = try DateText.parse(session1, option: "--session1", hour: 9)
                let second = try DateText.parse(session2, option: "--session2", hour: 9)
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let group = try await Resolve.group(self.group, account).reference
                let cycle: CycleInfo = try await account.call(
                    .POST, "/v1/cycles", body: CycleCreateRequest(group: group, session1: first, session2: second, topics: topics))
                if json { return try JSONOutput.print(cycle) }
                print(cycle.id.lower)
                Terminal.warn("scheduled: session 1 \(DateText.minute(cycle.session1)), session 2 \(DateText.minute(cycle.session2)) (now: \(cycle.phase))")
                Self.noteBegun(cycle)
                Self.noteShortPractice(cycle, fix: "tacit cycle reschedule \(cycle.id.short) --session2 DATE")
            }

            /// A session 1 today begins the cycle at once: from then on it cannot be cancelled and
            /// session 1 keeps its day, which the facilitator hears now rather than when trying.
            static func noteBegun(_ cycle: CycleInfo) {
                guard cycle.phase != "planning" else { return }
                Terminal.warn("note: session 1 is today, so the cycle has begun (\(cycle.phase)): it can no longer be cancelled, "
                              + "and session 1 stays on this day (session 2 can still move)")
            }

            /// Dates typed wrong (a day and a month swapped, a week for a month) make a cycle with
            /// no practice weeks; it is allowed, and said, with `fix`.
            static func noteShortPractice(_ cycle: CycleInfo, fix: String) {
                let days = Int((cycle.session2.timeIntervalSince(cycle.session1) / 86_400).rounded())
                guard days < usualPracticeDays else { return }
                Terminal.warn("note: session 2 is \(days) day\(days == 1 ? "" : "s") after session 1, leaving little time to practise "
                              + "(the last week before session 2 is for reflection); if a date is wrong: \(fix)")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the cycles of your groups, or of one group.",
                discussion: "Examples:\n  tacit cycle list\n  tacit cycle list north --json")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "Only this group (name or id).") var group: String?
            @OptionGroup var output: OutputOptions

            func validate() throws {
                if let group { try Arguments.checkGroup(group, "<group>") }
            }

            func run() async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                var query: [(String, String)] = []
                if let group { query.append(("group", try await Resolve.group(group, account).reference)) }
                let cycles: [CycleInfo] = try await account.call(.GET, "/v1/cycles", query: query)
                if output.json { return try JSONOutput.print(cycles) }
                let groups: [GroupSummary] = (try? await account.call(.GET, "/v1/groups")) ?? []
                var table = Table("CYCLE", "GROUP", "SESSION 1", "SESSION 2", "PHASE", "TOPICS")
                for cycle in cycles {
                    table.add(cycle.id.short, groups.first { $0.id == cycle.group }?.name ?? cycle.group.short,
                              DateText.minute(cycle.session1), DateText.minute(cycle.session2), cycle.phase,
                              cycle.topicsPending == true ? "(sealed to you at a member's next login)"
                                  : cycle.topics.map { $0.isEmpty ? "-" : $0.joined(separator: ", ") } ?? "-")
                }
                // Without a group, only the caller's groups are listed: the operator and compliance
                // are in none, and name the group they mean.
                table.print(empty: group == nil
                    ? "no cycles in your groups — for another group: `tacit cycle list GROUP`; a facilitator schedules one with `tacit cycle create`"
                    : "no cycles — a facilitator schedules one with `tacit cycle create`")
            }
        }

        struct Agenda: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the session-2 agenda in Markdown, from what members shared with the group (facilitator).",
                discussion: "Example:\n  tacit cycle agenda 3c9d01aa > agenda.md")
            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Argument(help: "The cycle (id, its first characters, or the group's name for its current cycle).") var cycle: String
            @Flag(help: "Print JSON.") var json = false

            func validate() throws { try Arguments.checkCycle(cycle, "<cycle>") }

            func run() async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let id = try await Resolve.cycle(cycle, account).id
                let agenda: AgendaResponse = try await account.call(.GET, "/v1/cycles/\(id.lower)/agenda")
                if json { return try JSONOutput.print(agenda) }
                print(DisplayText.block(agenda.markdown.trimmingCharacters(in: .newlines)))
            }
        }
    }
}
