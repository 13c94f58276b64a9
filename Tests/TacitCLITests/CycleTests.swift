import Foundation
import TacitAPI
import Testing

/// A group of six runs a whole cycle through the `tacit` command.
@Suite struct CycleTests {
    @Test func aWholeCycle() throws {
        let home = try CLIHarness.started()
        try home.organise()
        // The facilitator schedules; a manager may not (exit 3, denied).
        let cycle = try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06",
                                          "--topic", "Delegation", "--topic", "Feedback"])
        #expect(UUID(uuidString: cycle) != nil)
        let denied = try home.run("ali", ["cycle", "create", "north", "--session1", "2026-05-04", "--session2", "2026-06-08"])
        #expect(denied.status == 3)
        #expect(denied.stderr.contains("denied"))

        // Session 1: the kind follows the phase.
        try home.setTime("2026-03-02T10:00:00Z")
        let commitment = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", [
            "write", "--title", "Delegate the report", "--topic", "Delegation", "--tag", "delegation", "--json",
            "I will hand the weekly report to Sam."]))
        #expect(commitment.kind == "commitment")

        // Practice: write, share with the group, a peer reads it; the facilitator's agenda lists it.
        try home.setTime("2026-03-10T09:00:00Z")
        let written = try home.run("ali", ["write", "--title", "Week 1", "--topic", "delegation", "Sam did it; I did not rewrite it."])
        #expect(written.status == 0 && !written.stderr.contains("note:"), "a planned topic, in any case: \(written.stderr)")
        let practice = written.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // A topic the cycle does not have (a typo) is kept, and said.
        let typo = try home.run("ali", ["write", "--title", "Typo", "--topic", "Delegaton", "A note on a mistyped topic."])
        #expect(typo.status == 0 && typo.stderr.contains("note: 'Delegaton' is not one of this cycle's topics (Delegation, Feedback)"),
                "\(typo.stderr)")
        try home.ok("ali", ["delete", "--yes", String(typo.stdout.prefix(8))])
        let listed = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"]))
        #expect(listed.map(\.kind) == ["practice", "commitment"])
        let share = try home.ok("ali", ["share", String(practice.prefix(8)), "--group", "north"])
        let feed = try CLIHarness.decode([FeedItem].self, try home.ok("bea", ["feed", "--json"]))
        #expect(feed.map(\.title) == ["Week 1"])
        let shown = try home.ok("bea", ["show", String(share.prefix(8))])
        #expect(shown.contains("# Week 1"))
        #expect(shown.contains("Sam did it; I did not rewrite it."))
        #expect(shown.contains("by ali"))
        // The author sees who read it, by the share's id or by the entry's.
        let readers = try CLIHarness.decode([[String: String]].self, try home.ok("ali", ["readers", String(share.prefix(8)), "--json"]))
        #expect(readers.map { $0["reader"] } == ["bea"])
        let byEntry = try home.ok("ali", ["readers", String(practice.prefix(8))])
        #expect(byEntry.contains("bea") && byEntry.contains(String(share.prefix(8))), "\(byEntry)")
        #expect(try home.run("ali", ["readers", String(commitment.id.uuidString.prefix(8))]).stderr.contains("no entry"))
        // Not shared: nobody else learns it exists.
        #expect(try home.run("bea", ["show", commitment.id.uuidString]).status == 1)
        #expect(try home.run("carl", ["show", practice]).status == 1)

        // A share with one member, then revoked.
        let insight = try home.ok("ali", ["write", "--kind", "insight", "--title", "Decisions", "I delegate tasks, not decisions."])
        // A reader outside the entry's group is named, with the group (it said only "members of
        // the entry's group").
        try home.enroll("zed", role: "member", group: nil)
        let outside = try home.run("ali", ["share", insight, "--with", "cal", "--with", "zed"])
        #expect(outside.status == 3 && outside.stderr.contains("zed is not a member of north, this entry's group")
                && !outside.stderr.contains("cal"), "\(outside.stderr)")
        let toCal = try home.ok("ali", ["share", insight, "--with", "cal"])
        #expect(try home.ok("cal", ["show", toCal]).contains("Decisions"))
        // A reader's feed says whether a share by name reached others too (how many, not who).
        func feedRow(_ person: String, _ title: String) throws -> String {
            try home.ok(person, ["feed"]).split(separator: "\n").map(String.init).first { $0.contains(title) } ?? ""
        }
        let calsRow = try feedRow("cal", "Decisions")
        #expect(calsRow.contains(" you ") && !calsRow.contains("other") && calsRow.contains(" end of 2026-04-13 "), "\(calsRow)")
        let pair = try home.ok("ali", ["write", "--kind", "insight", "--title", "Pairing", "Two readers."])
        let toPair = try home.ok("ali", ["share", pair, "--with", "bea", "--with", "dee"])
        let deesRow = try feedRow("dee", "Pairing")
        #expect(deesRow.contains(" you and 1 other "), "\(deesRow)")
        #expect(try CLIHarness.decode([FeedItem].self, try home.ok("bea", ["feed", "--json"])).map(\.others).sorted() == [0, 1])
        try home.ok("ali", ["delete", "--yes", String(pair.prefix(8))])
        #expect(try feedRow("dee", "Pairing").isEmpty, "\(toPair) went with its entry")
        let shares = try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("ali", ["shares", "--json"]))
        #expect(Set(shares.map(\.id.uuidString).map { $0.lowercased() }) == [share, toCal])
        // The entry's id where the share's was meant: its shares are named, nothing is revoked.
        let byEntryID = try home.run("ali", ["unshare", String(insight.prefix(8))])
        #expect(byEntryID.status == 1 && byEntryID.stderr.contains("is an entry of yours; its shares: \(toCal.prefix(8)) (with cal)"),
                "\(byEntryID.stderr)")
        #expect(try home.ok("cal", ["show", toCal]).contains("Decisions"))
        try home.ok("ali", ["unshare", String(toCal.prefix(8))])
        // The share is gone; who read it before stays in the author's audit view.
        #expect(try home.run("ali", ["readers", String(insight.prefix(8))]).stderr.contains("tacit audit"))
        #expect(try home.ok("ali", ["audit"]).contains("cal"))
        let revoked = try home.run("cal", ["show", toCal])
        #expect(revoked.status == 1)
        #expect(revoked.stderr.contains("not found"))

        // --until DAY keeps a share readable through that whole day: it ends at the next midnight.
        let sharing = try home.run("ali", ["share", insight, "--with", "bea", "--until", "2026-03-20"])
        #expect(sharing.status == 0 && sharing.stderr.contains("shared with bea until end of 2026-03-20"), "\(sharing.stderr)")
        let brief = sharing.text
        #expect(try home.ok("ali", ["shares"]).split(separator: "\n").contains { $0.contains("bea") && $0.contains("end of 2026-03-20") })
        let listedBrief = try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("ali", ["shares", "--json"]))
        #expect(listedBrief.first { $0.id.uuidString.lowercased() == brief }.map { ISO8601DateFormatter().string(from: $0.expiresAt) } == "2026-03-21T00:00:00Z")

        // A member leaves: their access ends at once; the author's entries are re-encrypted at her next login.
        // It cannot be undone, so at a terminal the operator is asked first (no is the default).
        let kept = try home.runAtTerminal("olivia", ["group", "remove", "north", "eli"], typing: "\n")
        #expect(kept.status == 1 && kept.stdout.contains("Remove eli from north?") && kept.stdout.contains("nothing changed"),
                "\(kept.stdout)")
        #expect(!(try home.ok("eli", ["feed"]).contains("nothing is shared with you now")))
        // (The roster is by name, the same at every call.)
        #expect(try home.ok("olivia", ["group", "show", "north"]).contains("members: ali, bea, cal, dee, eli, fiona"))
        // Someone who is not a member: nothing to ask about; the removal itself says what is wrong.
        let stranger = try home.runAtTerminal("olivia", ["group", "remove", "north", "carl"], typing: "")
        #expect(stranger.status != 0 && !stranger.stdout.contains("Remove carl") && stranger.stdout.contains("carl is not a member of north"),
                "\(stranger.stdout)")
        try home.ok("olivia", ["group", "remove", "north", "eli"])
        #expect(try home.ok("eli", ["feed"]).contains("nothing is shared with you now"))
        let login = try home.ok("ali", ["login", "--name", "ali"])
        #expect(login.contains("re-encrypted"))

        // Reflection and the session-2 agenda.
        try home.setTime("2026-03-31T09:00:00Z")
        let reflection = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", [
            "write", "--json", "--title", "What I learned", "--topic", "Delegation", "Handing over decisions is the hard part."]))
        #expect(reflection.kind == "reflection")
        try home.ok("ali", ["share", reflection.id.uuidString, "--group", "north"])
        try home.setTime("2026-04-06T08:00:00Z")
        let agenda = try home.ok("fiona", ["cycle", "agenda", "north"])
        #expect(agenda.contains("## Delegation"))
        #expect(agenda.contains("**Week 1** — ali (practice)"))
        #expect(agenda.contains("**What I learned** — ali (reflection)"))
        #expect(try home.run("bea", ["cycle", "agenda", String(cycle.prefix(8))]).status == 3)

        // Ali sees who read her entry; the chain verifies.
        let audit = try CLIHarness.decode([AuditRecordInfo].self, try home.ok("ali", ["audit", "--json"]))
        #expect(audit.contains { $0.actor == "bea" && $0.action == "readShared" })
        #expect(try home.ok("ali", ["audit", "verify"]).contains("intact"))

        // Closed: nothing new goes into the cycle.
        try home.setTime("2026-04-20T08:00:00Z")
        let closed = try home.run("ali", ["write", "--cycle", cycle, "too late"])
        #expect(closed.status == 3)
        #expect(closed.stderr.contains("closed"))
    }

    /// An entry shared with the group and then edited stays on the agenda, under its new title.
    @Test func anEditedSharedEntryStaysOnTheAgenda() throws {
        let home = try CLIHarness.inPractice()
        let id = try home.ok("ali", ["write", "Let Sam run it.", "--title", "Standup", "--topic", "Delegation"])
        try home.ok("ali", ["share", id, "--group", "north"])
        #expect(try home.ok("fiona", ["cycle", "agenda", "north"]).contains("Standup"))
        // A member who left is disabled, not yet removed: the group shared with is still the group.
        try home.ok("olivia", ["principal", "disable", "cal"])
        try home.ok("ali", ["edit", id, "--title", "Standup, week 2"])
        try home.ok("ali", ["edit", id, "-"], stdin: "He ran it; I said nothing.")
        try home.setTime("2026-04-01T10:00:00Z")
        let agenda = try home.ok("fiona", ["cycle", "agenda", "north"])
        #expect(agenda.contains("Standup, week 2"), "\(agenda)")
    }

    /// Nothing is sealed to a disabled member (asked for by name, it is refused; a group share
    /// leaves them out), and a share that would end before it begins — its cycle over — is refused
    /// unless it is given an end.
    @Test func sharesGoToWhoCanReadThemWhileTheyLast() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("olivia", ["principal", "disable", "cal"])
        let id = try home.ok("ali", ["write", "Let Sam run it.", "--title", "Standup"])
        let refused = try home.run("ali", ["share", id, "--with", "cal"])
        #expect(refused.status != 0 && refused.stderr.contains("cal is disabled and reads nothing"), "\(refused.stderr)")
        try home.ok("ali", ["share", id, "--group", "north"])
        let shares = try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("ali", ["shares", "--json"]))
        #expect(shares.count == 1 && !shares[0].audience.contains("cal") && shares[0].audience.contains("bea"), "\(shares)")
        #expect(try home.ok("fiona", ["cycle", "agenda", "north"]).contains("Standup"))

        let late = try home.ok("ali", ["write", "Written in the last days.", "--title", "Late"])
        try home.setTime("2026-04-20T10:00:00Z")
        let over = try home.run("ali", ["share", late, "--group", "north"])
        #expect(over.status != 0 && over.stderr.contains("the entry's cycle is over"), "\(over.stderr)")
        try home.ok("ali", ["share", late, "--group", "north", "--until", "2026-05-01"])
        // The listing marks the share that ended with its cycle, by the daemon's clock.
        let listed = try home.ok("ali", ["shares"]).split(separator: "\n")
        #expect(listed.filter { $0.hasSuffix("(expired)") }.count == 1 && listed.contains { $0.contains("Standup") && $0.hasSuffix("(expired)") },
                "\(listed)")
        #expect(try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("ali", ["shares", "--json"])).map(\.expired).sorted { !$0 && $1 } == [false, true])
        // Its author hears why an entry of a closed cycle is not edited (it had read "not found").
        let closed = try home.run("ali", ["edit", late, "--title", "Later"])
        #expect(closed.status == 3 && closed.stderr.contains("the cycle is closed"), "\(closed.stderr)")
        // A new entry waits for the next cycle; a member taken out of the group hears that instead.
        let waiting = try home.run("ali", ["write", "After the cycle."])
        #expect(waiting.status == 1 && waiting.stderr.contains("your group has no cycle open now"), "\(waiting.stderr)")
        try home.ok("olivia", ["group", "remove", "north", "bea", "--yes"])
        let outside = try home.run("bea", ["write", "Still writing."])
        #expect(outside.status == 1 && outside.stderr.contains("you are in no group"), "\(outside.stderr)")
    }

    /// A topic or a tag given twice is kept once: the agenda had shown the topic's section twice.
    @Test func aTopicOrTagGivenTwiceIsKeptOnce() throws {
        let home = try CLIHarness.started()
        try home.organise()
        let empty = try home.run("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06", "--topic", " "])
        #expect(empty.status == 2 && empty.stderr.contains("--topic is empty"), "\(empty.stderr)")
        let cycle = try CLIHarness.decode(CycleInfo.self, try home.ok("fiona", [
            "cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06",
            "--topic", "Delegation", "--topic", "Feedback", "--topic", "Delegation", "--json"]))
        #expect(cycle.topics == ["Delegation", "Feedback"])
        try home.setTime("2026-03-10T10:00:00Z")
        let id = try home.ok("ali", ["write", "Let Sam run it.", "--tag", "dup", "--tag", "other", "--tag", "dup"])
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", id, "--json"])).tags == ["dup", "other"])
    }

    /// A cycle planned on the wrong dates is cancelled by its id and planned again.
    @Test func aCyclePlannedOnTheWrongDatesIsCancelled() throws {
        let home = try CLIHarness.started()
        try home.organise()
        let planned = try home.run("fiona", ["cycle", "create", "north", "--session1", "2026-05-04", "--session2", "2026-05-06"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let wrong = planned.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // Two days apart is allowed, and said, with the way back.
        #expect(planned.stderr.contains("note: session 2 is 2 days after session 1"), "\(planned.stderr)")
        #expect(planned.stderr.contains("tacit cycle reschedule \(wrong.prefix(8)) --session2 DATE"), "\(planned.stderr)")
        // One day holds no cycle: its phases could not follow one another.
        let sameDay = try home.run("fiona", ["cycle", "create", "north", "--session1", "2026-05-20 09:00", "--session2", "2026-05-20 15:00"])
        #expect(sameDay.status != 0 && sameDay.stderr.contains("session 2 must be on a later day than session 1"), "\(sameDay.stderr)")
        // By id only: a group's name is not enough to cancel something.
        let byName = try home.run("fiona", ["cycle", "cancel", "north"])
        #expect(byName.status == 2 && byName.stderr.contains("as `tacit cycle list` shows it"), "\(byName.stderr)")
        #expect(try home.run("ali", ["cycle", "cancel", String(wrong.prefix(8))]).status == 3)
        // The operator, in no group, names the cycle as `cycle list north` shows it and is refused
        // by a policy (it had been told there was no such cycle).
        let operatorTry = try home.run("olivia", ["cycle", "cancel", String(wrong.prefix(8))])
        #expect(operatorTry.status == 3 && operatorTry.stderr.contains("denied"), "\(operatorTry.stderr)")
        let cancelled = try home.ok("fiona", ["cycle", "cancel", String(wrong.prefix(8))])
        #expect(cancelled.contains("cancelled cycle \(wrong.prefix(8)) (session 1 was to be 2026-05-04"), "\(cancelled)")
        #expect(!(try home.ok("fiona", ["cycle", "list"]).contains(String(wrong.prefix(8)))))
        let replanned = try home.run("fiona", ["cycle", "create", "north", "--session1", "2026-05-04", "--session2", "2026-06-08"])
        #expect(replanned.status == 0 && !replanned.stderr.contains("note:"), "five weeks apart is a usual cycle: \(replanned.stderr)")
        // The operator is in no group: their own list is empty and says how to see a group's.
        #expect(try home.ok("olivia", ["cycle", "list"]).contains("no cycles in your groups — for another group: `tacit cycle list GROUP`"))
        #expect(try home.ok("olivia", ["cycle", "list", "north"]).contains("2026-05-04"))
    }

    /// Session 2 moves a week later once practice has begun; the command says which shares keep
    /// the old close, and refuses to move session 1 off its day.
    @Test func aCycleIsRescheduled() throws {
        let home = try CLIHarness.started()
        try home.organise()
        let cycle = try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        let short = String(cycle.prefix(8))
        let none = try home.run("fiona", ["cycle", "reschedule", short])
        #expect(none.status == 2 && none.stderr.contains("give --session1, --session2 or both"), "\(none.stderr)")
        try home.setTime("2026-03-10T10:00:00Z")
        let entry = try home.ok("ali", ["write", "Let Sam run the Monday meeting."])
        try home.ok("ali", ["share", entry, "--group", "north"])
        // A share between two other members is theirs: the facilitator's note does not count it
        // (it said "2 shares" with this one), not even as a number.
        let aside = try home.ok("ali", ["write", "For bea only."])
        try home.ok("ali", ["share", aside, "--with", "bea"])
        #expect(try home.run("ali", ["cycle", "reschedule", short, "--session2", "2026-04-13"]).status == 3)
        let moved = try home.run("fiona", ["cycle", "reschedule", short, "--session2", "2026-04-13"])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout.contains("rescheduled cycle \(short): session 1 2026-03-02 09:00, session 2 2026-04-13 09:00 (now: practice)"),
                "\(moved.stdout)")
        #expect(moved.stderr.contains("note: 1 share of this cycle's entries ends before its close (the first end of 2026-04-13). "
                                      + "Authors set a share's end"), "\(moved.stderr)")
        #expect(try home.ok("fiona", ["cycle", "list"]).contains("2026-04-13 09:00"))
        // The author learns it too: their listing marks the shares that now end before the close.
        let listed = try home.run("ali", ["shares"])
        #expect(listed.stdout.split(separator: "\n").contains { $0.contains("the group") && $0.hasSuffix("end of 2026-04-13 *") },
                "\(listed.stdout)")
        #expect(listed.stderr.contains("*: ends before its cycle closes (end of 2026-04-20)"), "\(listed.stderr)")
        let closes = try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("ali", ["shares", "--json"])).compactMap(\.cycleCloses)
        #expect(closes.count == 2, "the group share and the one with bea: \(closes)")
        let again = try home.ok("fiona", ["cycle", "reschedule", short, "--session2", "2026-04-13"])
        #expect(again.contains("already has these dates"), "\(again)")
        // Moved again, past the share's end: still said, and the agenda's loss with it.
        let further = try home.run("fiona", ["cycle", "reschedule", short, "--session2", "2026-04-27"])
        #expect(further.stderr.contains("(the first end of 2026-04-13); it is shared with the group and ends by session 2, "
                                        + "so the agenda will not list it"), "\(further.stderr)")
        let first = try home.run("fiona", ["cycle", "reschedule", short, "--session1", "2026-03-16"])
        #expect(first.status == 3 && first.stderr.contains("session 1 stays on its day"), "\(first.stderr)")
        // The agenda marks what will be gone by session 2, and once it is gone counts it instead
        // of calling the cycle empty.
        let agenda = try home.ok("fiona", ["cycle", "agenda", "north"])
        #expect(agenda.contains("— ali (practice) — shared until 2026-04-13, before session 2"), "\(agenda)")
        try home.setTime("2026-04-20T10:00:00Z")
        let later = try home.ok("fiona", ["cycle", "agenda", "north"])
        #expect(later.contains("1 entry shared with the group in this cycle is no longer listed: its share ended at the end its "
                               + "author set") && !later.contains("Nothing has been shared"), "\(later)")
        // Closed, the cycle is named by its id, which the refusal gives.
        try home.setTime("2026-05-10T10:00:00Z")
        let byGroup = try home.run("fiona", ["cycle", "agenda", "north"])
        #expect(byGroup.status == 1 && byGroup.stderr.contains("group north has no open cycle: the last, \(short), is closed"),
                "\(byGroup.stderr)")
        #expect(try home.ok("fiona", ["cycle", "agenda", short]).contains("This cycle is closed"))
    }

    /// Moving session 1 onto today begins the cycle at once, and the facilitator hears what that
    /// closes off; a move between days ahead says nothing of it.
    @Test func movingSessionOneOntoTodaySaysTheCycleHasBegun() throws {
        let home = try CLIHarness.started()
        try home.organise()
        try home.setTime("2026-02-20T08:00:00Z")
        let cycle = try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        // (A local time may be written the ISO 8601 way, with a T.)
        let ahead = try home.run("fiona", ["cycle", "reschedule", String(cycle.prefix(8)), "--session1", "2026-02-27T11:30"])
        #expect(ahead.status == 0 && !ahead.stderr.contains("has begun"), "\(ahead.stderr)")
        #expect(ahead.stdout.contains("session 1 2026-02-27 11:30"), "\(ahead.stdout)")
        let today = try home.run("fiona", ["cycle", "reschedule", String(cycle.prefix(8)), "--session1", "2026-02-20 10:00"])
        #expect(today.status == 0 && today.stderr.contains("note: session 1 is today, so the cycle has begun (session-1): "
                                                           + "it can no longer be cancelled"), "\(today.stderr)")
    }

    /// A member of two groups lists one group's entries, of all its cycles, with --group (by name
    /// or id prefix); --cycle GROUP names only its current cycle.
    @Test func aMemberOfTwoGroupsListsOneGroupsEntries() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("olivia", ["group", "create", "south"])
        try home.enroll("sam", role: "facilitator", group: "south")
        try home.ok("olivia", ["group", "add", "south", "ali"])
        try home.ok("sam", ["cycle", "create", "south", "--session1", "2026-03-10", "--session2", "2026-04-20"])
        let north = try home.ok("ali", ["write", "--cycle", "north", "In north."])
        let south = try home.ok("ali", ["write", "--cycle", "south", "In south."])
        func listed(_ arguments: [String]) throws -> Set<String> {
            Set(try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json"] + arguments)).map { $0.id.uuidString.lowercased() })
        }
        #expect(try listed(["--group", "south"]) == [south])
        #expect(try listed(["--group", "north"]).contains(north) && !(try listed(["--group", "north"])).contains(south))
        let groups = try CLIHarness.decode([GroupSummary].self, try home.ok("ali", ["group", "list", "--json"]))
        let southID = try #require(groups.first { $0.name == "south" }).id.uuidString.lowercased()
        #expect(try listed(["--group", String(southID.prefix(8))]) == [south])
        #expect(try listed(["--group", southID.uppercased()]) == [south], "a full id in capitals")
        let nowhere = try home.run("ali", ["list", "--group", "west"])
        #expect(nowhere.status != 0 && nowhere.stderr.contains("west"), "\(nowhere.stderr)")
    }

    /// Sharing with the group says when its roster changed since the author's last share with it
    /// (README, "Security model": a newcomer — perhaps a stand-in the operator enrolled — reads
    /// what is shared from then on, and the author is told by name).
    @Test func sharingWithTheGroupSaysWhoJoinedOrLeftSince() throws {
        let home = try CLIHarness.inPractice()
        func shareWithGroup(_ text: String) throws -> CLIHarness.Run {
            let entry = try home.ok("ali", ["write", text])
            return try home.run("ali", ["share", entry, "--group", "north"])
        }
        let first = try shareWithGroup("First to the group.")
        #expect(first.status == 0 && !first.stderr.contains("your last"), "\(first.stderr)")
        try home.enroll("hal", role: "member", group: "north")
        let second = try shareWithGroup("Second to the group.")
        #expect(second.stderr.contains("note: hal reads this share and did not read your last one with the group (new to it, say"),
                "\(second.stderr)")
        try home.ok("olivia", ["group", "remove", "north", "bea", "--yes"])
        let third = try shareWithGroup("Third to the group.")
        #expect(third.stderr.contains("note: bea read your last share with the group and does not read this one")
                && !third.stderr.contains("reads this share"), "\(third.stderr)")
        let again = try shareWithGroup("Fourth to the group.")
        #expect(!again.stderr.contains("your last"), "nothing changed: \(again.stderr)")
        // By name, nothing is said of the roster.
        let named = try home.run("ali", ["share", try home.ok("ali", ["write", "To cal."]), "--with", "cal"])
        #expect(named.status == 0 && !named.stderr.contains("your last"), "\(named.stderr)")
    }

    /// A cycle's dates are checked as dates before any policy: one mistyped into the past is said
    /// to be past (it had been refused as "a closed cycle's dates are history"), and one mistyped
    /// far ahead (session 2 in 9999), which had refused every later cycle of the group, is refused.
    @Test func aCyclesDatesAreCheckedAsDates() throws {
        let home = try CLIHarness.started()
        try home.organise()
        try home.setTime("2026-02-20T08:00:00Z")
        let cases: [([String], String)] = [
            (["--session1", "2020-01-01", "--session2", "2020-02-01"], "session 1 is on a day already past"),
            (["--session1", "2026-03-02", "--session2", "9999-12-31"], "a cycle's practice weeks are at most 26"),
            (["--session1", "2028-03-02", "--session2", "2028-04-06"], "session 1 is more than a year ahead"),
        ]
        for (dates, message) in cases {
            let refused = try home.run("fiona", ["cycle", "create", "north"] + dates)
            #expect(refused.status == 1 && refused.stderr.contains(message), "\(dates): \(refused.stderr)")
        }
        let cycle = try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-08-31"])
        let far = try home.run("fiona", ["cycle", "reschedule", String(cycle.prefix(8)), "--session2", "2027-03-01"])
        #expect(far.status == 1 && far.stderr.contains("a cycle's practice weeks are at most 26"), "\(far.stderr)")
        #expect(try home.ok("fiona", ["cycle", "list", "north"]).contains("2026-08-31"))
    }

    /// An edit made before the author's next login re-seals the entry's shares itself: what that
    /// left out is said with the edit (the login after it has nothing left to tell).
    @Test func anEditSaysWhoNoLongerReadsTheEntry() throws {
        let home = try CLIHarness.inPractice()
        let entry = try home.ok("ali", ["write", "For dee only."])
        try home.ok("ali", ["share", entry, "--with", "dee"])
        try home.ok("olivia", ["group", "remove", "north", "dee", "--yes"])
        let edited = try home.run("ali", ["edit", entry, "--title", "Retitled"])
        #expect(edited.status == 0 && edited.stdout.contains("updated") && edited.stderr.contains("note: dee no longer reads your shares: removed from the group")
                && edited.stderr.contains("note: 1 share ended with no reader left (of entry \(entry.prefix(8)))"),
                "\(edited.status) \(edited.stdout) / \(edited.stderr)")
        let plain = try home.run("ali", ["edit", entry, "--title", "Again"])
        #expect(plain.status == 0 && !plain.stderr.contains("no longer reads"), "said once: \(plain.stderr)")
    }

    /// Re-encrypting an entry after a reader left makes a new version, not an edit: `show` says
    /// "edited" only when its author changed it.
    @Test func aReencryptedEntryIsNotShownAsEdited() throws {
        let home = try CLIHarness.started()
        try home.organise()
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-10T10:00:00Z")
        let entry = try home.ok("ali", ["write", "Let Sam run the stand-up."])
        try home.ok("ali", ["share", entry, "--group", "north"])
        // A share whose only reader leaves ends; the author is told who no longer reads and that
        // (their listing had only lost it, without a word).
        let toEli = try home.ok("ali", ["write", "For eli only."])
        try home.ok("ali", ["share", toEli, "--with", "eli"])
        try home.ok("olivia", ["group", "remove", "north", "eli"])
        try home.setTime("2026-03-11T10:00:00Z")
        let login = try home.ok("ali", ["login", "--name", "ali"])
        #expect(login.contains("re-encrypted") && login.contains("note: eli no longer reads your shares: removed from the group")
                && login.contains("note: 1 share ended with no reader left (of entry \(toEli.prefix(8)))")
                && !login.contains("key changed"), "\(login)")
        #expect(!(try home.ok("bea", ["login", "--name", "bea"])).contains("no longer reads"), "bea shared nothing")
        #expect(try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", entry, "--json"])).version == 2)
        let shown = try home.ok("ali", ["show", entry])
        #expect(!shown.contains("edited"), "\(shown)")
        try home.setTime("2026-03-12T10:00:00Z")
        try home.ok("ali", ["edit", entry, "--title", "Stand-up"])
        #expect(try home.ok("ali", ["show", entry]).contains("edited 2026-03-12 10:00"))
    }

    /// A member removed from the group keeps their shares into it, paused: `shares` says so (it had
    /// listed them as running while nobody could read them), and re-adding them runs them again.
    @Test func aRemovedAuthorsSharesAreShownPaused() throws {
        let home = try CLIHarness.started()
        try home.organise()
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-10T10:00:00Z")
        let entry = try home.ok("eli", ["write", "Asked for feedback first."])
        try home.ok("eli", ["share", entry, "--group", "north"])
        #expect(try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("eli", ["shares", "--json"])).map(\.paused) == [false])
        #expect(try CLIHarness.decode([FeedItem].self, try home.ok("ali", ["feed", "--json"])).map(\.author) == ["eli"])
        try home.ok("olivia", ["group", "remove", "north", "eli"])
        let listed = try home.run("eli", ["shares"])
        #expect(listed.status == 0 && listed.stdout.contains("(paused)") && listed.stderr.contains("paused: you are no longer in the entry's group"),
                "\(listed.stdout)\(listed.stderr)")
        #expect(try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("eli", ["shares", "--json"])).map(\.paused) == [true])
        #expect(try CLIHarness.decode([FeedItem].self, try home.ok("ali", ["feed", "--json"])).isEmpty, "nobody reads a paused share")
        try home.ok("olivia", ["group", "add", "north", "eli"])
        #expect(try CLIHarness.decode([TacitAPI.ShareInfo].self, try home.ok("eli", ["shares", "--json"])).map(\.paused) == [false])
        #expect(!(try home.ok("eli", ["shares"]).contains("paused")))
    }

    /// Someone who joins after the cycle was planned sees that its topics are on their way (not
    /// "no topics"), and reads them after any member who holds them logs in — not only the facilitator.
    @Test func aNewcomerReadsTheTopicsAfterAnyMembersLogin() throws {
        let home = try CLIHarness.started()
        try home.organise()
        try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06", "--topic", "Delegation"])
        try home.enroll("gus", role: "member", group: "north")
        let pending = try CLIHarness.decode([CycleInfo].self, try home.ok("gus", ["cycle", "list", "--json"]))
        #expect(pending.map(\.topicsPending) == [true] && pending.first?.topics == nil)
        #expect(try home.ok("gus", ["cycle", "list"]).contains("(sealed to you at a member's next login)"))
        let login = try home.ok("ali", ["login", "--name", "ali"])
        #expect(login.contains("1 new member of your group can now read its cycle topics"), "\(login)")
        let sealed = try CLIHarness.decode([CycleInfo].self, try home.ok("gus", ["cycle", "list", "--json"]))
        #expect(sealed.first?.topics == ["Delegation"] && sealed.first?.topicsPending == nil)
    }

    /// A member of two groups with cycles open is told which group's cycle an entry went to, and
    /// how to choose; naming the cycle, or being in one group, brings no note.
    @Test func aMemberOfTwoGroupsIsToldWhereAnEntryWent() throws {
        let home = try CLIHarness.started()
        try home.organise()
        let north = try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.ok("olivia", ["group", "create", "south"])
        for name in ["fiona", "ali", "bea", "cal"] { try home.ok("olivia", ["group", "add", "south", name]) }
        try home.ok("olivia", ["group", "facilitator", "south", "fiona"])
        let south = try home.ok("fiona", ["cycle", "create", "south", "--session1", "2026-03-03", "--session2", "2026-04-07"])
        try home.setTime("2026-03-10T10:00:00Z")
        let guessed = try home.run("ali", ["write", "Asked Sam to chair."])
        #expect(guessed.status == 0, "\(guessed.stderr)")
        #expect(guessed.stderr.contains("note: written in north's cycle \(north.prefix(8)) (practice)")
                && guessed.stderr.contains("--cycle GROUP"), "\(guessed.stderr)")
        let chosen = try home.run("ali", ["write", "Asked Lee to chair.", "--cycle", "south"])
        #expect(chosen.status == 0 && !chosen.stderr.contains("written in"), "\(chosen.stderr)")
        let entry = try CLIHarness.decode(EntryResponse.self, try home.ok("ali", ["show", chosen.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--json"]))
        #expect(entry.cycle?.uuidString.lowercased() == south)
        let single = try home.run("dee", ["write", "One group only."])
        #expect(single.status == 0 && !single.stderr.contains("note:"), "\(single.stderr)")
        // Another group's cycle is refused before anything is written (it had said "no open cycle").
        let other = try home.run("dee", ["write", "Not my group.", "--cycle", "south"])
        #expect(other.status == 1 && other.stderr.contains("you are not in group south"), "\(other.stderr)")
        let byID = try home.run("dee", ["write", "Not my group.", "--cycle", south])
        #expect(byID.status == 1 && byID.stderr.contains("is not one of your groups' cycles"), "\(byID.stderr)")
        #expect(try CLIHarness.decode([EntrySummary].self, try home.ok("dee", ["list", "--json"])).count == 1)
    }

    @Test func everyListingPrintsJSON() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali", "bea", "cal", "dee"])
        let cycle = try home.ok("fiona", ["cycle", "create", "north", "--session1", "2026-03-02", "--session2", "2026-04-06"])
        try home.setTime("2026-03-05T09:00:00Z")
        let entry = try home.ok("ali", ["write", "--tag", "t1", "searchable words here"])
        try home.ok("ali", ["share", entry, "--with", "bea"])
        let listings: [(String, [String])] = [
            ("ali", ["list", "--json"]), ("ali", ["search", "searchable", "--json"]), ("ali", ["shares", "--json"]),
            ("bea", ["feed", "--json"]), ("ali", ["group", "list", "--json"]), ("ali", ["group", "show", "north", "--json"]),
            ("fiona", ["cycle", "list", "--json"]), ("olivia", ["principal", "list", "--json"]), ("ali", ["audit", "--json"]),
            ("ali", ["whoami", "--json"]), ("ali", ["whois", "bea", "--json"]), ("ali", ["audit", "verify", "--json"]),
            ("fiona", ["cycle", "agenda", cycle, "--json"]),
        ]
        for (person, arguments) in listings {
            let output = try home.ok(person, arguments)
            #expect((try? JSONSerialization.jsonObject(with: Data(output.utf8))) != nil, "\(arguments) printed: \(output)")
        }
        let found = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["search", "searchable", "--json"]))
        #expect(found.map(\.id.uuidString).map { $0.lowercased() } == [entry])
        let filtered = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json", "--tag", "nope"]))
        #expect(filtered.isEmpty)
        let byKind = try CLIHarness.decode([EntrySummary].self, try home.ok("ali", ["list", "--json", "--kind", "practice",
                                                                                     "--since", "2026-03-01", "--until", "2026-03-05"]))
        #expect(byKind.count == 1)
        // Output into a pipe whose reader stopped (`| head`, a pager quit) ends quietly: JSON had
        // trapped on EPIPE with a backtrace and exit 132.
        for arguments in [["list", "--json"], ["search", "searchable", "--json"], ["export", "--format", "json"], ["list"]] {
            let piped = try home.runIntoClosedPipe("ali", arguments)
            #expect(piped.status == 0 && !piped.stderr.contains("Fatal error"), "\(arguments): \(piped.status) \(piped.stderr.prefix(300))")
        }
    }
}

/// What a share leaves open: a reader named by two shares of one entry reads it through either,
/// so sharing and revoking say so; a share "until" a day is read through its last second; a share
/// with another group is a rule's refusal (exit 3) that names the entry's own group.
@Suite struct ShareOverlapTests {
    @Test func sharingAndRevokingSayWhoStillReads() throws {
        let home = try CLIHarness.inPractice()
        let entry = try home.ok("ali", ["write", "--title", "Standup", "Let Sam run it."]).trimmingCharacters(in: .whitespacesAndNewlines)
        let group = try home.ok("ali", ["share", entry, "--group", "north"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let toBea = try home.run("ali", ["share", entry, "--with", "bea"])
        #expect(toBea.status == 0)
        #expect(toBea.stderr.contains("note: bea can read this entry through share \(group.prefix(8)) as well (the group: ")
                && toBea.stderr.contains("revoking one share leaves the other open"), "\(toBea.stderr)")
        let beaShare = toBea.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let revoked = try home.run("ali", ["unshare", String(beaShare.prefix(8))])
        #expect(revoked.status == 0 && revoked.stdout.contains("revoked \(beaShare)"))
        #expect(revoked.stderr.contains("note: bea can still read this entry through share \(group.prefix(8))")
                && revoked.stderr.contains("`tacit unshare \(group.prefix(8))` ends that one"), "\(revoked.stderr)")
        #expect(try home.ok("bea", ["show", entry]).contains("Let Sam run it."))
        // A share with nobody else's readers says nothing more.
        let alone = try home.run("ali", ["unshare", String(group.prefix(8))])
        #expect(alone.status == 0 && !alone.stderr.contains("note:"), "\(alone.stderr)")
        // Deleting an entry ends its shares, and says whom that reaches.
        let other = try home.ok("ali", ["write", "--title", "Retro", "Asked first."]).trimmingCharacters(in: .whitespacesAndNewlines)
        try home.ok("ali", ["share", other, "--with", "cal"])
        try home.ok("ali", ["share", other, "--with", "dee", "--with", "cal"])
        let deleted = try home.run("ali", ["delete", "--yes", other])
        #expect(deleted.status == 0 && deleted.stderr.contains("its 2 shares ended: cal, dee no longer read it"), "\(deleted.stderr)")
        // Gone, by its id or its first characters: the same sentence.
        for text in [beaShare, String(beaShare.prefix(8))] {
            let again = try home.run("ali", ["unshare", text])
            #expect(again.status == 1 && again.stderr.contains("not found: no share \(text) of yours — `tacit shares` lists them"),
                    "\(text): \(again.stderr)")
        }
    }

    @Test func aShareUntilADayIsReadThroughItsLastSecond() throws {
        let home = try CLIHarness.inPractice()
        let entry = try home.ok("ali", ["write", "--title", "Retro", "Asked before advising."]).trimmingCharacters(in: .whitespacesAndNewlines)
        let past = try home.run("ali", ["share", entry, "--with", "cal", "--until", "2026-03-09"])
        #expect(past.status != 0 && past.stderr.contains("until (the share's end) must be in the future: it is 2026-03-10 10:00 UTC now"), "\(past.stderr)")
        try home.ok("ali", ["share", entry, "--with", "cal", "--until", "2026-03-12"])
        try home.setTime("2026-03-12T23:59:59Z")
        #expect(try home.ok("cal", ["show", entry]).contains("Asked before advising."))
        try home.setTime("2026-03-13T00:00:00Z")
        #expect(try home.run("cal", ["show", entry]).status == 1)
    }

    @Test func sharingWithAnotherGroupIsARefusalNamingTheEntrysGroup() throws {
        let home = try CLIHarness.inPractice()
        try home.ok("olivia", ["group", "create", "south"])
        try home.enroll("sam", role: "member", group: "south")
        let entry = try home.ok("ali", ["write", "--title", "Retro", "Asked before advising."]).trimmingCharacters(in: .whitespacesAndNewlines)
        let refused = try home.run("ali", ["share", entry, "--group", "south"])
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("this entry is in north's cycle, not south's")
                && refused.stderr.contains("(--group north, or --with members of north)"), "\(refused.stderr)")
    }
}
