import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import GRDB
import TacitCrypto
import Logging
import Testing
import TacitAPI
@testable import TacitServer
import TacitVault

/// The API driven as people use it: an operator bootstraps, a group of six enrolls, a cycle runs.
@Suite struct DaemonFlowTests {
    /// An organisation ready for a cycle: operator, a group "north" with facilitator fiona and
    /// members ali, bea, cal, dee, eli, and a compliance officer carl.
    struct Organisation {
        let anonymous: API
        var olivia: API
        var members: [String: API] = [:]
        let group: GroupSummary

        /// Sessions end after 15 idle minutes: after moving the clock, everyone logs in again.
        mutating func loginAgain() async throws {
            olivia = try await anonymous.login("olivia")
            for name in members.keys { members[name] = try await anonymous.login(name) }
        }
    }

    static func organise(_ test: TestDaemon, _ client: any TestClientProtocol) async throws -> Organisation {
        let anonymous = API(client: client)
        let bootstrap = try #require(test.daemon.bootstrapCode)
        let (olivia, _) = try await anonymous.enroll("olivia", code: bootstrap)
        let created = try await olivia.call(.post, "/v1/groups", json: GroupCreateRequest(name: "north"))
        #expect(created.status == .created)
        let group = try olivia.decode(GroupSummary.self, created)
        var organisation = Organisation(anonymous: anonymous, olivia: olivia, group: group)
        let invitations: [(String, String, String?)] = [
            ("fiona", "facilitator", "north"), ("ali", "member", "north"), ("bea", "member", "north"),
            ("cal", "member", "north"), ("dee", "member", "north"), ("eli", "member", "north"), ("carl", "compliance", nil),
        ]
        for (name, role, group) in invitations {
            let invited = try await olivia.call(.post, "/v1/invitations", json: InvitationRequest(name: name, role: role, group: group))
            #expect(invited.status == .created, "invite \(name)")
            let code = try olivia.decode(InvitationResponse.self, invited).code
            organisation.members[name] = try await anonymous.enroll(name, code: code).0
        }
        return organisation
    }

    @Test func bootstrapCodeIsKeptUntilUsedThenRemoved() async throws {
        let test = try await TestDaemon()
        let file = test.home.appendingPathComponent("Keys/bootstrap-code")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        try await test.application.test(.router) { client in
            let anonymous = API(client: client)
            let (olivia, enrolled) = try await anonymous.enroll("olivia", code: test.daemon.bootstrapCode!)
            #expect(enrolled.principal.role == "operator")
            #expect(enrolled.recoveryKey.count > 40)
            #expect(!FileManager.default.fileExists(atPath: file.path))
            // The code works once.
            let again = try await anonymous.call(.post, "/v1/enroll",
                                                 json: EnrollRequest(code: test.daemon.bootstrapCode!, name: "mallory",
                                                                     passphrase: TestDaemon.passphrase))
            #expect(again.status == .unauthorized)
            let me = try olivia.decode(WhoAmIResponse.self, try await olivia.call(.get, "/v1/whoami"))
            #expect(me.principal.name == "olivia")
        }
    }

    /// `--accept-restore` with nothing to accept says so (it had started silently, as if done); a
    /// clock file that does not exist is called missing, not malformed.
    @Test func startOptionsThatFindNothingSaySo() async throws {
        let test = try await TestDaemon()
        await test.daemon.shutDown()
        let again = try await Daemon.prepare(.init(layout: HomeLayout(home: test.home), acceptRestore: true, clockFile: test.clockFile),
                                             logger: Logger(label: "restart"), testingUID: getuid())
        #expect(again.notices.contains { $0.contains("--accept-restore: nothing to restore") }, "\(again.notices)")
        await again.shutDown()
        let missing = test.home.appendingPathComponent("no-such-clock")
        do {
            _ = try await Daemon.prepare(.init(layout: HomeLayout(home: test.home), clockFile: missing),
                                         logger: Logger(label: "restart"), testingUID: getuid())
            Issue.record("a missing clock file was accepted")
        } catch let error as DaemonError {
            #expect("\(error)".contains("does not exist"), "\(error)")
        }
    }

    @Test func aRestartBeforeTheOperatorEnrollsKeepsAWorkingBootstrapCode() async throws {
        let test = try await TestDaemon()
        let file = test.home.appendingPathComponent("Keys/bootstrap-code")
        let first = try #require(test.daemon.bootstrapCode)
        func restart() async throws -> Daemon {
            try await Daemon.prepare(.init(layout: HomeLayout(home: test.home), clockFile: test.clockFile),
                                     logger: Logger(label: "restart"), testingUID: getuid())
        }
        await test.daemon.shutDown()
        // A day later the kept code still works: pointed to, not printed again.
        try test.setTime("2026-03-02T09:00:00Z")
        let again = try await restart()
        #expect(again.bootstrapCode == nil)
        #expect(again.notices.contains { $0.contains("has not enrolled yet") && $0.contains(file.path) }, "\(again.notices)")
        #expect(try String(contentsOf: file, encoding: .utf8).contains(first))
        await again.shutDown()
        // A week later (codes last 72 hours) it has expired: a new code replaces it, and the operator can enroll with it.
        try test.setTime("2026-03-09T09:00:00Z")
        let later = try await restart()
        let second = try #require(later.bootstrapCode)
        #expect(second != first)
        #expect(later.notices.contains { $0.contains("no longer valid") }, "\(later.notices)")
        #expect(try String(contentsOf: file, encoding: .utf8).contains(second))
        let application = Application(router: later.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      logger: later.state.logger)
        try await application.test(.router) { client in
            let stale = try await API(client: client).call(.post, "/v1/enroll",
                                                           json: EnrollRequest(code: first, name: "olivia", passphrase: TestDaemon.passphrase))
            #expect(stale.status == .unauthorized)
            let (_, enrolled) = try await API(client: client).enroll("olivia", code: second)
            #expect(enrolled.principal.role == "operator")
        }
        await later.shutDown()
    }

    /// A database whose Keys/ is gone is not given a new instance key (which would replace the one
    /// its exports were signed with) unless the operator accepts it.
    @Test func aDatabaseWithoutItsKeysWaitsForThemOrForAcceptance() async throws {
        let test = try await TestDaemon()
        await test.daemon.shutDown()
        let keys = test.home.appendingPathComponent("Keys")
        try FileManager.default.removeItem(at: keys)
        func restart(accepting: Bool) async throws -> Daemon {
            try await Daemon.prepare(.init(layout: HomeLayout(home: test.home), acceptRestore: accepting, clockFile: test.clockFile),
                                     logger: Logger(label: "restart"), confirmRestore: { _ in true }, testingUID: getuid())
        }
        do {
            _ = try await restart(accepting: false)
            Issue.record("a database without its keys was served with new ones")
        } catch let error as DaemonError {
            #expect(error.description.contains("Keys/instance.key is missing beside an existing database"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: keys.path), "the refused start made Keys/")
        let accepted = try await restart(accepting: true)
        #expect(accepted.notices.contains { $0.contains("new instance signing key") }, "\(accepted.notices)")
        #expect(FileManager.default.fileExists(atPath: keys.appendingPathComponent("instance.key").path))
        await accepted.shutDown()
    }

    /// A backup copied over the database by hand (the way back from a damaged one) is checked at
    /// `--accept-restore` as an upload is: one whose audit chain was edited is refused, naming the
    /// record, and the database is left as it was; the untouched copy is accepted.
    @Test func aDatabasePutInPlaceByHandIsCheckedBeforeItIsAccepted() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            _ = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
        }
        await test.daemon.shutDown()
        let file = test.home.appendingPathComponent("Data/tacit.sqlite")
        let backup = try Data(contentsOf: file)
        func restart(accepting: Bool) async throws -> Daemon {
            try await Daemon.prepare(.init(layout: HomeLayout(home: test.home), acceptRestore: accepting, clockFile: test.clockFile),
                                     logger: Logger(label: "restart"), confirmRestore: { _ in true }, testingUID: getuid())
        }
        let later = try await restart(accepting: false)
        let application = Application(router: later.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      logger: later.state.logger)
        try await application.test(.router) { client in _ = try await API(client: client).login("olivia") }
        await later.shutDown()

        func putInPlace(_ data: Data) throws {
            try data.write(to: file)
            for sidecar in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file.path + sidecar) }
        }
        try putInPlace(backup)
        let queue = try DatabaseQueue(path: file.path)
        try await queue.write { db in try db.execute(sql: "DELETE FROM audit_record WHERE sequence = 1") }
        try queue.close()
        let anchor = test.home.appendingPathComponent("Keys/anchor")
        let anchored = try Data(contentsOf: anchor)
        do {
            _ = try await restart(accepting: true)
            Issue.record("a database with a broken audit chain was accepted")
        } catch let error as DaemonError {
            #expect(error.description.contains("audit log is broken at record 1") && error.description.contains("nothing changed"), "\(error)")
        }
        #expect(try Data(contentsOf: anchor) == anchored, "the refused start did not re-anchor")
        try putInPlace(backup)
        // The operator is shown how many writes accepting loses.
        let asked = Locked<String>("")
        let accepted = try await Daemon.prepare(.init(layout: HomeLayout(home: test.home), acceptRestore: true, clockFile: test.clockFile),
                                                logger: Logger(label: "restart"),
                                                confirmRestore: { summary in asked.withLock { $0 = summary }; return true },
                                                testingUID: getuid())
        #expect(accepted.notices.contains { $0.contains("accepted the restored database") }, "\(accepted.notices)")
        #expect(asked.withLock { $0 }.range(of: #"\n\d+ writes behind the anchor: they are lost if you accept"#,
                                            options: .regularExpression) != nil, "\(asked.withLock { $0 })")
        await accepted.shutDown()
    }

    /// A home made under a test configuration (cheap scrypt) is not served without it: nobody could
    /// unlock, and a known name's unlock failed differently from an unknown one's.
    @Test func aTestHomeIsNotServedWithoutTheTestConfiguration() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            _ = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
        }
        await test.daemon.shutDown()
        try "{}".write(to: test.home.appendingPathComponent("tacit.json"), atomically: true, encoding: .utf8)
        do {
            _ = try await Daemon.prepare(.init(layout: HomeLayout(home: test.home)), logger: Logger(label: "real"), testingUID: getuid())
            Issue.record("a test home was served under a real configuration")
        } catch let error as DaemonError {
            #expect(error.description.contains("the stored passphrases of 1 principal (olivia)") && error.description.contains("test configuration"),
                    "\(error)")
        }
    }

    /// A database SQLite cannot read stops the start with the way back: the latest backup in its place.
    @Test func anUnreadableDatabaseSaysHowToRestoreIt() async throws {
        let test = try await TestDaemon()
        await test.daemon.shutDown()
        let data = test.home.appendingPathComponent("Data")
        for name in try FileManager.default.contentsOfDirectory(atPath: data.path) {
            try FileManager.default.removeItem(at: data.appendingPathComponent(name))
        }
        try Data(repeating: 0x5a, count: 4096).write(to: data.appendingPathComponent("tacit.sqlite"))
        do {
            _ = try await Daemon.prepare(.init(layout: HomeLayout(home: test.home), clockFile: test.clockFile),
                                         logger: Logger(label: "damaged"), testingUID: getuid())
            Issue.record("a database that is not one was opened")
        } catch let error as DaemonError {
            #expect(error.description.contains("put your latest backup in its place"), "\(error)")
            #expect(error.description.contains("--accept-restore"), "\(error)")
        }
    }

    /// The operator sees the invitations waiting to be used and withdraws one: its code stops
    /// working at once, the withdrawal is audited, and nobody else may list or withdraw them.
    @Test func theOperatorListsAndWithdrawsInvitations() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let org = try await Self.organise(test, client)
            let olivia = org.olivia
            #expect(try olivia.decode([InvitationInfo].self, try await olivia.call(.get, "/v1/invitations")).isEmpty,
                    "used invitations are not listed")
            _ = try await olivia.call(.post, "/v1/groups", json: GroupCreateRequest(name: "south"))
            let hal = try olivia.decode(InvitationResponse.self, try await olivia.call(.post, "/v1/invitations",
                json: InvitationRequest(name: "hal", role: "facilitator", group: "south")))
            _ = try await olivia.call(.post, "/v1/invitations", json: InvitationRequest(name: "gus", role: "compliance", group: nil))
            let listed = try olivia.decode([InvitationInfo].self, try await olivia.call(.get, "/v1/invitations"))
            #expect(listed.map(\.name) == ["gus", "hal"])
            #expect(listed.last?.role == "facilitator" && listed.last?.group == "south" && listed.last?.expired == false)
            #expect(listed.first?.role == "compliance" && listed.first?.group == nil)
            #expect(abs(listed.last!.expiresAt.timeIntervalSince(hal.expiresAt)) < 1)

            // Members and compliance may do neither.
            for other in [org.members["ali"]!, org.members["carl"]!] {
                #expect(try await other.call(.get, "/v1/invitations").status == .forbidden)
                #expect(try await other.call(.delete, "/v1/invitations/hal").status == .forbidden)
            }
            #expect(try await olivia.call(.delete, "/v1/invitations/hal").status == .noContent)
            let again = try await olivia.call(.delete, "/v1/invitations/hal")
            #expect(again.status == .notFound)
            #expect(try olivia.decode(APIErrorBody.self, again).error.message.contains("hal has no invitation waiting to be used"))
            #expect(try olivia.decode([InvitationInfo].self, try await olivia.call(.get, "/v1/invitations")).map(\.name) == ["gus"])
            let late = try await org.anonymous.call(.post, "/v1/enroll", json: EnrollRequest(code: hal.code, name: "hal",
                                                                                           passphrase: TestDaemon.passphrase))
            #expect(late.status == .unauthorized, "a withdrawn code enrolls nobody")
            let records = try await test.daemon.vault.auditRecords { $0.action == "revokeInvitation" }
            #expect(records.map(\.draft.resource) == ["hal"])
            // An invitation's record says who, as what and into which group.
            let invited = try await test.daemon.vault.auditRecords { $0.action == "invite" }.map(\.draft.resource)
            #expect(invited.filter { $0 != "invitee" }.suffix(2) == ["hal (facilitator in south)", "gus (compliance)"], "\(invited)")
        }
    }

    /// The session-2 agenda lists what was shared with the group whoever joined or left it since
    /// (a member removed and added back, a member who joined after the share, an edit that
    /// re-sealed the share), and never what was shared with chosen members — even all of them.
    @Test func theAgendaListsGroupSharesWhateverTheRosterDidSince() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            var org = try await Self.organise(test, client)
            let schedule = CycleCreateRequest(group: "north", session1: date("2026-03-02T09:00:00Z"),
                                              session2: date("2026-04-06T09:00:00Z"), topics: ["Delegation"])
            let cycle = try org.members["fiona"]!.decode(CycleInfo.self, try await org.members["fiona"]!.call(.post, "/v1/cycles", json: schedule))
            #expect(try await org.olivia.call(.delete, "/v1/groups/north/members/eli").status == .noContent)
            try test.setTime("2026-03-10T08:00:00Z")
            try await org.loginAgain()
            let ali = org.members["ali"]!
            func write(_ title: String) async throws -> EntryResponse {
                try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(title: title, body: "notes", topic: "Delegation")))
            }
            let toGroup = try await write("To the group")
            let toChosen = try await write("To everyone, by name")
            let grouped = try ali.decode(TacitAPI.ShareInfo.self, try await ali.call(.post, "/v1/shares", json: ShareRequest(
                entry: toGroup.id, group: true, with: [], until: nil)))
            #expect(grouped.group)
            let named = try ali.decode(TacitAPI.ShareInfo.self, try await ali.call(.post, "/v1/shares", json: ShareRequest(
                entry: toChosen.id, group: false, with: ["bea", "cal", "dee", "fiona"], until: nil)))
            #expect(!named.group)
            #expect(named.audience == grouped.audience, "the same readers either way")

            // eli joins after the share; bea leaves and comes back; ali edits the shared entry.
            #expect(try await org.olivia.call(.post, "/v1/groups/north/members", json: NameRequest(name: "eli")).status == .ok)
            #expect(try await org.olivia.call(.delete, "/v1/groups/north/members/bea").status == .noContent)
            #expect(try await org.olivia.call(.post, "/v1/groups/north/members", json: NameRequest(name: "bea")).status == .ok)
            let edited = try await ali.call(.put, "/v1/entries/\(toGroup.id.uuidString)", json: EntryInput(
                title: "To the group", body: "notes, edited", topic: "Delegation"))
            #expect(edited.status == .ok)

            try test.setTime("2026-04-01T08:00:00Z")
            try await org.loginAgain()
            let fiona = org.members["fiona"]!
            let agenda = try fiona.decode(AgendaResponse.self, try await fiona.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda"))
            #expect(agenda.items.map(\.title) == ["To the group"])
            #expect(agenda.unreadable == 0 && !agenda.markdown.contains("not shown"), "\(agenda.markdown)")
            // The facilitator's own share with the group is on it too (it is in no feed of theirs).
            let own = try fiona.decode(EntryResponse.self, try await fiona.call(.post, "/v1/entries", json: EntryInput(
                title: "Fiona's own", body: "notes", topic: "Delegation")))
            #expect(try await fiona.call(.post, "/v1/shares", json: ShareRequest(entry: own.id, group: true, with: [], until: nil)).status == .created)
            let withOwn = try fiona.decode(AgendaResponse.self, try await fiona.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda"))
            #expect(withOwn.items.map(\.title) == ["Fiona's own", "To the group"], "\(withOwn.items)")
            #expect(withOwn.markdown.contains("**Fiona's own** — fiona (reflection)"), "\(withOwn.markdown)")
            // Handed to eli, who joined after ali's share: what eli cannot read is counted, not
            // hidden, and no topic is called empty for it.
            #expect(try await org.olivia.call(.put, "/v1/groups/north/facilitator", json: NameRequest(name: "eli")).status == .ok)
            try await org.loginAgain()
            let eli = org.members["eli"]!
            let handed = try eli.decode(AgendaResponse.self, try await eli.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda"))
            #expect(handed.items.map(\.title) == ["Fiona's own"] && handed.unreadable == 1, "\(handed)")
            #expect(handed.markdown.contains("1 more entry shared with the group in this cycle is not shown"), "\(handed.markdown)")
            #expect(!handed.markdown.contains("Topics with nothing shared yet:"), "\(handed.markdown)")
            // Shared with eli by name too, it is readable: no longer counted (a named share stays
            // off the agenda all the same).
            let byName = try await org.members["ali"]!.call(.post, "/v1/shares", json: ShareRequest(
                entry: toGroup.id, group: false, with: ["eli"], until: nil))
            #expect(byName.status == .created, "\(String(buffer: byName.body))")
            let toEli = try org.members["ali"]!.decode(TacitAPI.ShareInfo.self, byName)
            let viaName = try eli.decode(AgendaResponse.self, try await eli.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda"))
            #expect(viaName.items.map(\.title) == ["Fiona's own"] && viaName.unreadable == 0, "\(viaName)")
            #expect(try await org.olivia.call(.put, "/v1/groups/north/facilitator", json: NameRequest(name: "fiona")).status == .ok)
            try await org.loginAgain()
            // The author's listing says which share went to the group.
            let mine = try org.members["ali"]!.decode([TacitAPI.ShareInfo].self, try await org.members["ali"]!.call(.get, "/v1/shares"))
            #expect(Dictionary(uniqueKeysWithValues: mine.map { ($0.id, $0.group) }) == [grouped.id: true, named.id: false, toEli.id: false])

            // After the cycle its shares have ended, and the agenda says why it is empty.
            try test.setTime("2026-04-20T08:00:00Z")
            try await org.loginAgain()
            let late = try org.members["fiona"]!.decode(AgendaResponse.self,
                                                       try await org.members["fiona"]!.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda"))
            #expect(late.items.isEmpty)
            #expect(late.markdown.contains("This cycle is closed: what was shared with the group in it ended with it"), "\(late.markdown)")
            #expect(!late.markdown.contains("nothing shared yet"), "its topics had shares; they ended: \(late.markdown)")
        }
    }

    @Test func aWholeCycleThroughTheAPI() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            var org = try await Self.organise(test, client)
            var fiona = org.members["fiona"]!, ali = org.members["ali"]!, bea = org.members["bea"]!
            var carl = org.members["carl"]!
            func advance(to time: String) async throws {
                try test.setTime(time)
                try await org.loginAgain()
                (fiona, ali, bea, carl) = (org.members["fiona"]!, org.members["ali"]!, org.members["bea"]!, org.members["carl"]!)
            }

            // Before any cycle there is nowhere to write.
            let early = try await ali.call(.post, "/v1/entries", json: EntryInput(body: "too early"))
            #expect(early.status == .conflict)
            #expect(ali.errorCode(early) == "no-cycle")
            // The operator keeps no journal, cycle or not: told by the policy that says so.
            let staff = try await org.olivia.call(.post, "/v1/entries", json: EntryInput(body: "an operator's note"))
            #expect(staff.status == .forbidden)
            #expect(try org.olivia.decode(APIErrorBody.self, staff).error.policies?.contains("staff-and-content") == true)

            // The facilitator schedules a cycle; a plain member cannot.
            let schedule = CycleCreateRequest(group: "north", session1: date("2026-03-02T09:00:00Z"),
                                              session2: date("2026-04-06T09:00:00Z"), topics: ["Delegation", "Feedback"])
            let denied = try await ali.call(.post, "/v1/cycles", json: schedule)
            #expect(denied.status == .forbidden)
            let cycleResponse = try await fiona.call(.post, "/v1/cycles", json: schedule)
            #expect(cycleResponse.status == .created)
            let cycle = try fiona.decode(CycleInfo.self, cycleResponse)
            #expect(cycle.topics == ["Delegation", "Feedback"])

            // Session 1: a commitment, kind taken from the phase.
            try await advance(to: "2026-03-02T10:00:00Z")
            let written = try await ali.call(.post, "/v1/entries", json: EntryInput(
                title: "Delegate the weekly report", body: "I will hand the report to Sam and not rewrite it.",
                tags: ["delegation"], topic: "Delegation"))
            #expect(written.status == .created)
            let entry = try ali.decode(EntryResponse.self, written)
            #expect(entry.kind == "commitment")
            #expect(entry.cycle == cycle.id)

            // Private: nobody else learns it exists — not a peer, not the facilitator, not compliance.
            for other in [bea, fiona, carl, org.olivia] {
                let peek = try await other.call(.get, "/v1/entries/\(entry.id.uuidString)")
                #expect(peek.status == .notFound)
                #expect(other.errorCode(peek) == "not-found")
            }
            #expect(try await ali.call(.get, "/v1/entries/\(entry.id.uuidString)").status == .ok)

            // Practice weeks: the default kind follows.
            try await advance(to: "2026-03-10T08:00:00Z")
            let practice = try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(
                title: "Week 1", body: "Handed it over. Resisted fixing the charts.", topic: "Delegation")))
            #expect(practice.kind == "practice")

            // Share with the group; bea reads it, and the read is audited for ali.
            let shareResponse = try await ali.call(.post, "/v1/shares", json: ShareRequest(entry: practice.id, group: true, with: [], until: nil))
            #expect(shareResponse.status == .created)
            let share = try ali.decode(TacitAPI.ShareInfo.self, shareResponse)
            #expect(share.audience == ["bea", "cal", "dee", "eli", "fiona"])
            let feed = try bea.decode([FeedItem].self, try await bea.call(.get, "/v1/feed"))
            #expect(feed.map(\.title) == ["Week 1"])
            #expect(feed.map(\.group) == [true], "the feed says it went to the whole group")
            #expect(feed.map(\.others) == [0], "a group share counts no named readers")
            let read = try await bea.call(.get, "/v1/feed/\(share.id.uuidString)")
            #expect(read.status == .ok)
            #expect(try bea.decode(EntryResponse.self, read).body == "Handed it over. Resisted fixing the charts.")
            // Compliance is never in an audience and reads nothing.
            #expect(try await carl.call(.get, "/v1/feed/\(share.id.uuidString)").status == .notFound)
            // bea cannot re-share ali's entry.
            let reshare = try await bea.call(.post, "/v1/shares", json: ShareRequest(entry: practice.id, group: true, with: [], until: nil))
            #expect(reshare.status == .notFound)

            // The facilitator's agenda lists what was shared with the group, by topic.
            try await advance(to: "2026-04-01T08:00:00Z")
            let agenda = try fiona.decode(AgendaResponse.self, try await fiona.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda"))
            #expect(agenda.items == [.init(title: "Week 1", author: "ali", kind: "practice", topic: "Delegation")])
            #expect(agenda.markdown.contains("## Delegation"))
            #expect(try await bea.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda").status == .forbidden)

            // Revocation: bea's access ends at once.
            #expect(try await ali.call(.delete, "/v1/shares/\(share.id.uuidString)").status == .noContent)
            #expect(try await bea.call(.get, "/v1/feed/\(share.id.uuidString)").status == .notFound)

            // The audit shows ali who read her entry, and the chain verifies.
            try await Task.sleep(for: .milliseconds(50))
            let records = try ali.decode([AuditRecordInfo].self, try await ali.call(.get, "/v1/audit"))
            #expect(records.contains { $0.action == "readShared" && $0.actor == "bea" && $0.resource == practice.id.uuidString.lowercased() })
            let verification = try ali.decode(AuditVerification.self, try await ali.call(.get, "/v1/audit/verify"))
            #expect(verification.ok)
            #expect(verification.records > 10)

            // After session 2's grace days the cycle is closed: no writes into it.
            try await advance(to: "2026-04-20T08:00:00Z")
            let before = try ali.decode(EntryList.self, try await ali.call(.get, "/v1/entries")).total
            let closed = try await ali.call(.post, "/v1/entries", json: EntryInput(body: "late", cycle: cycle.id))
            #expect(closed.status == .forbidden)
            #expect(try ali.decode(APIErrorBody.self, closed).error.policies?.contains("closed-cycle") == true)
            let unknown = try await ali.call(.post, "/v1/entries", json: EntryInput(body: "lost", cycle: UUID()))
            #expect(unknown.status == .notFound)
            // Refused writes leave nothing behind.
            #expect(try ali.decode(EntryList.self, try await ali.call(.get, "/v1/entries")).total == before)
        }
    }

    @Test func operatorCannotEnrollItselfOrReadContent() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let org = try await Self.organise(test, client)
            let selfAdd = try await org.olivia.call(.post, "/v1/groups/north/members", json: NameRequest(name: "olivia"))
            #expect(selfAdd.status == .forbidden)
            let policies = try org.olivia.decode(APIErrorBody.self, selfAdd).error.policies ?? []
            #expect(policies.contains("self-enrollment"))
            let staff = try await org.olivia.call(.post, "/v1/groups/north/members", json: NameRequest(name: "carl"))
            #expect(staff.status == .forbidden)
            // The operator keeps no journal.
            let write = try await org.olivia.call(.post, "/v1/entries", json: EntryInput(body: "operator notes"))
            #expect(write.status == .conflict || write.status == .forbidden)
            // A member cannot administer groups.
            let ali = org.members["ali"]!
            #expect(try await ali.call(.post, "/v1/groups", json: GroupCreateRequest(name: "south")).status == .forbidden)
            #expect(try await ali.call(.post, "/v1/invitations",
                                       json: InvitationRequest(name: "x", role: "member", group: nil)).status == .forbidden)
        }
    }

    /// The organisation in session 1's week (everyone logged in again), ali's entry shared with eli.
    static func aliSharesWithEli(_ test: TestDaemon, _ client: any TestClientProtocol)
        async throws -> (Organisation, TacitAPI.ShareInfo) {
        var org = try await organise(test, client)
        _ = try await org.members["fiona"]!.call(.post, "/v1/cycles", json: CycleCreateRequest(
            group: "north", session1: date("2026-03-02T09:00:00Z"), session2: date("2026-04-06T09:00:00Z"), topics: []))
        try test.setTime("2026-03-05T10:00:00Z")
        try await org.loginAgain()
        let ali = org.members["ali"]!
        let entry = try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(body: "notes")))
        let share = try ali.decode(TacitAPI.ShareInfo.self, try await ali.call(
            .post, "/v1/shares", json: ShareRequest(entry: entry.id, group: false, with: ["eli"], until: nil)))
        return (org, share)
    }

    /// whoami gives the manifest counter as committed: one more after each write of the member's.
    @Test func whoamiGivesTheCommittedManifestCounter() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, _) = try await Self.aliSharesWithEli(test, client)
            let ali = org.members["ali"]!
            let before = try #require(try ali.decode(WhoAmIResponse.self, try await ali.call(.get, "/v1/whoami")).manifestCounter)
            #expect(try await ali.call(.post, "/v1/entries", json: EntryInput(body: "one more")).status == .created)
            #expect(try ali.decode(WhoAmIResponse.self, try await ali.call(.get, "/v1/whoami")).manifestCounter == before + 1)
        }
    }

    @Test func removingAMemberEndsTheirAccessAtOnce() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, share) = try await Self.aliSharesWithEli(test, client)
            let eli = org.members["eli"]!
            #expect(try await eli.call(.get, "/v1/feed/\(share.id.uuidString)").status == .ok)
            #expect(try await org.olivia.call(.delete, "/v1/groups/north/members/eli").status == .noContent)
            #expect(try await eli.call(.get, "/v1/feed/\(share.id.uuidString)").status == .notFound)
            #expect(try eli.decode([FeedItem].self, try await eli.call(.get, "/v1/feed")).isEmpty)
            // Removing them twice says who is not a member of what.
            let again = try await org.olivia.call(.delete, "/v1/groups/north/members/eli")
            #expect(again.status == .notFound)
            #expect(try org.olivia.decode(APIErrorBody.self, again).error.message == "eli is not a member of north")
        }
    }
}

extension DaemonFlowTests {
    /// A read's audit record names the policies that permitted it, as the decision found them:
    /// with an operator's policy that also permits, both.
    @Test func aReadIsAuditedWithThePoliciesThatPermittedIt() async throws {
        let test = try await TestDaemon(policy: """
            @id("operator-audience-reads")
            permit (principal, action == Action::"readShared", resource is Entry)
            when { context.share.audience.contains(principal) && principal in resource.group };
            """)
        // The start says which operator policies it decides with.
        #expect(test.daemon.notices.contains { $0.hasSuffix("extra.cedar: 1 policy on top of the base policy (operator-audience-reads)") },
                "\(test.daemon.notices)")
        try await test.application.test(.router) { client in
            let (org, share) = try await Self.aliSharesWithEli(test, client)
            let ali = org.members["ali"]!, eli = org.members["eli"]!
            #expect(try await eli.call(.get, "/v1/feed/\(share.id.uuidString)").status == .ok)
            await test.daemon.state.audit.flush()
            let records = try ali.decode([AuditRecordInfo].self, try await ali.call(.get, "/v1/audit"))
            let read = try #require(records.first { $0.action == "readShared" && $0.actor == "eli" })
            #expect(read.decision == "allow")
            #expect(read.policies == ["audience-reads-share", "operator-audience-reads"])
        }
    }

    /// A forbid that cannot be evaluated on a request denies (it fails closed), and the refusal
    /// says which one that was, rather than reading as if its condition held: the operator's entry
    /// has no cycle, so `closed-cycle` cannot look at one.
    @Test func aForbidThatCouldNotBeEvaluatedIsSaidSo() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (olivia, _) = try await API(client: client).enroll("olivia", code: test.daemon.bootstrapCode!)
            let refused = try await olivia.call(.post, "/v1/entries", json: EntryInput(body: "x"))
            #expect(refused.status == .forbidden)
            let error = try olivia.decode(APIErrorBody.self, refused).error
            #expect(error.policies == ["closed-cycle", "staff-and-content"])
            #expect(error.message.contains("(closed-cycle could not be evaluated on this request"), "\(error.message)")
            #expect(!error.message.contains("staff-and-content could not"))
        }
    }

    /// A share's author refused by an operator's policy is told so (403, naming it), not that the
    /// share does not exist — they had believed an unshare had nothing to undo; anyone else still
    /// learns nothing (404).
    @Test func anAuthorRefusedOnTheirOwnShareIsToldWhy() async throws {
        let test = try await TestDaemon(policy: """
            @id("no-unshare")
            forbid (principal, action in [Action::"revokeShare", Action::"seeReaders"], resource);
            """)
        try await test.application.test(.router) { client in
            let (org, share) = try await Self.aliSharesWithEli(test, client)
            let ali = org.members["ali"]!, eli = org.members["eli"]!
            for (method, path) in [(HTTPRequest.Method.delete, "/v1/shares/\(share.id.uuidString)"),
                                   (.get, "/v1/shares/\(share.id.uuidString)/readers")] {
                let refused = try await ali.call(method, path)
                #expect(refused.status == .forbidden, "\(method) \(path)")
                #expect(try ali.decode(APIErrorBody.self, refused).error.policies == ["no-unshare"])
                #expect(try await eli.call(method, path).status == .notFound, "a reader learns nothing")
            }
            let live = try ali.decode([TacitAPI.ShareInfo].self, try await ali.call(.get, "/v1/shares"))
            #expect(live.map(\.id) == [share.id], "the share still runs")
        }
    }

    /// An entry's audit records commit with the entry's changes: each is in the chain when the
    /// write, the edit or the deletion is answered, without waiting for the audit window, and
    /// nothing about them is left queued.
    @Test func anEntrysAuditRecordsAreThereWhenItsChangesAreAnswered() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, _) = try await ImportRouteTests.organiseInPractice(test, client)
            let ali = org.members["ali"]!
            await test.daemon.state.audit.flush()
            let response = try await ali.call(.post, "/v1/entries", json: EntryInput(body: "audited with its write"))
            #expect(response.status == .created)
            let entry = try ali.decode(EntryResponse.self, response)
            #expect(test.daemon.state.audit.pendingCount == 0)
            let id = entry.id.uuidString.lowercased()
            func recorded(_ action: String) async throws -> [String] {
                try await test.daemon.vault.auditRecords { $0.action == action && $0.actor != nil }.map(\.draft.resource)
            }
            #expect(try await recorded("writeEntry") == [id])

            let edit = try await ali.call(.put, "/v1/entries/\(entry.id.uuidString)", json: EntryInput(body: "edited"))
            #expect(edit.status == .ok)
            #expect(test.daemon.state.audit.pendingCount == 0)
            #expect(try await recorded("editEntry") == [id])

            #expect(try await ali.call(.delete, "/v1/entries/\(entry.id.uuidString)").status == .noContent)
            #expect(test.daemon.state.audit.pendingCount == 0)
            #expect(try await recorded("deleteEntry") == [id])
            #expect(try await test.daemon.vault.auditRecords().suffix(3).allSatisfy { $0.draft.decision == "allow" })
            #expect(try await test.daemon.vault.verifyAuditChain().isIntact)
        }
    }

    /// An entry's ETag is its version; an edit with `If-Match` on a version another edit has
    /// replaced is refused with 412 and changes nothing, and a malformed `If-Match` is a 400.
    @Test func anEditOnAStaleVersionIsRefused() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, _) = try await ImportRouteTests.organiseInPractice(test, client)
            let ali = org.members["ali"]!
            let written = try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(body: "first")))
            let path = "/v1/entries/\(written.id.uuidString)"
            let read = try await ali.call(.get, path)
            #expect(read.headers[.eTag] == "\"1\"")
            // The laptop saves on version 1; the desktop, which read version 1 too, is refused.
            let laptop = try await ali.call(.put, path, json: EntryInput(body: "from the laptop"), headers: [.ifMatch: "\"1\""])
            #expect(laptop.status == .ok)
            #expect(laptop.headers[.eTag] == "\"2\"")
            let desktop = try await ali.call(.put, path, json: EntryInput(body: "from the desktop"), headers: [.ifMatch: "\"1\""])
            #expect(desktop.status == .preconditionFailed)
            let refusal = try ali.decode(APIErrorBody.self, desktop)
            #expect(refusal.error.code == "version-conflict")
            #expect(refusal.error.message.contains("version 2") && !refusal.error.message.contains("desktop"))
            #expect(try ali.decode(EntryResponse.self, try await ali.call(.get, path)).body == "from the laptop")
            for bad in ["1", "\"one\"", "\"0\"", "W/\"2\"", "\"2\", \"3\""] {
                let answer = try await ali.call(.put, path, json: EntryInput(body: "x"), headers: [.ifMatch: bad])
                #expect(answer.status == .badRequest, "If-Match: \(bad)")
            }
            // `*` and no If-Match at all edit whatever version is there (curl users, older clients).
            #expect(try await ali.call(.put, path, json: EntryInput(body: "any"), headers: [.ifMatch: "*"]).status == .ok)
            let plain = try await ali.call(.put, path, json: EntryInput(body: "plain"))
            #expect(try ali.decode(EntryResponse.self, plain).version == 4)
            // Another member's entry gives nothing away: still 404, whatever If-Match says.
            let bea = org.members["bea"]!
            #expect(try await bea.call(.put, path, json: EntryInput(body: "x"), headers: [.ifMatch: "\"1\""]).status == .notFound)
        }
    }

    @Test func listingsComeInPagesNewestFirst() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            var org = try await Self.organise(test, client)
            _ = try await org.members["fiona"]!.call(.post, "/v1/cycles", json: CycleCreateRequest(
                group: "north", session1: date("2026-03-02T09:00:00Z"), session2: date("2026-04-06T09:00:00Z"), topics: []))
            var titles: [String] = []
            for day in 3...7 {
                try test.setTime("2026-03-0\(day)T10:00:00Z")
                try await org.loginAgain()
                let title = "day \(day)"
                _ = try await org.members["ali"]!.call(.post, "/v1/entries", json: EntryInput(title: title, body: "notes"))
                titles.insert(title, at: 0)
            }
            let ali = org.members["ali"]!
            var seen: [String] = []
            var cursor: String? = nil
            var pages = 0
            repeat {
                let path = "/v1/entries?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try ali.decode(EntryList.self, try await ali.call(.get, path))
                #expect(page.entries.count <= 2)
                seen += page.entries.map(\.title)
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == titles)
            #expect(pages == 3)
        }
    }
}

func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

extension DaemonFlowTests {
    /// `GET /v1/audit` answers the latest 1,000 records the caller may see, oldest first: the
    /// operator's from the end of the whole log, a member's from their own among many others'.
    @Test func theAuditListingIsTheLatestThousand() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, share) = try await Self.aliSharesWithEli(test, client)
            let ali = org.members["ali"]!, eli = org.members["eli"]!
            #expect(try await eli.call(.get, "/v1/feed/\(share.id.uuidString)").status == .ok)
            await test.daemon.state.audit.flush()
            // 1,500 records of others after ali's read was recorded, each naming its number.
            let filler = (1...1500).map { index in
                AuditDraft(actor: nil, action: "filler", resource: "\(index)", decision: "allow", policies: [],
                           policyHash: "h", time: Date())
            }
            try await test.daemon.vault.appendAudit(filler)
            let all = try org.olivia.decode([AuditRecordInfo].self, try await org.olivia.call(.get, "/v1/audit"))
            #expect(all.count == Routes.auditListingLimit)
            #expect(all.map(\.resource) == (501...1500).map(String.init))
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.sequence + 1 == $1.sequence })
            // Ali's view holds eli's read of her entry, which is older than every filler record.
            let own = try ali.decode([AuditRecordInfo].self, try await ali.call(.get, "/v1/audit"))
            #expect(own.contains { $0.action == "readShared" && $0.actor == "eli" })
            #expect(!own.contains { $0.action == "filler" })
        }
    }
}

extension DaemonFlowTests {
    /// Shares, revocations, imports and membership changes commit with their audit records, as
    /// entries do: each record is in the chain when the change is answered, and nothing is queued.
    @Test func sharesImportsAndMembershipChangesAreRecordedWithThem() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, _) = try await ImportRouteTests.organiseInPractice(test, client)
            let ali = org.members["ali"]!, olivia = org.olivia
            await test.daemon.state.audit.flush()
            func recorded(_ action: String) async throws -> [String] {
                try await test.daemon.vault.auditRecords { $0.action == action && $0.actor != nil }.map(\.draft.resource)
            }
            func answered(_ response: TestResponse, _ status: HTTPResponse.Status, _ action: String,
                          sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
                #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
                #expect(test.daemon.state.audit.pendingCount == 0, "\(action) was queued", sourceLocation: sourceLocation)
                return try await recorded(action)
            }

            let entry = try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(body: "to share")))
            let shared = try await ali.call(.post, "/v1/shares", json: ShareRequest(entry: entry.id, group: true, with: [], until: nil))
            let share = try ali.decode(TacitAPI.ShareInfo.self, shared)
            #expect(try await answered(shared, .created, "shareEntry") == [share.id.uuidString.lowercased()])
            let revoked = try await ali.call(.delete, "/v1/shares/\(share.id.uuidString)")
            #expect(try await answered(revoked, .noContent, "revokeShare") == [share.id.uuidString.lowercased()])

            let imported = try await ali.call(.post, "/v1/entries/import", json: EntryImportRequest(entries: [
                ImportedEntry(body: "one", created: date("2025-06-01T08:00:00Z")),
                ImportedEntry(body: "two", created: date("2025-06-02T08:00:00Z")),
            ]))
            #expect(try await answered(imported, .created, "importEntries") == ["2 entries"])

            let created = try await olivia.call(.post, "/v1/groups", json: GroupCreateRequest(name: "south"))
            let south = try olivia.decode(GroupSummary.self, created)
            #expect(try await answered(created, .created, "createGroup").last == south.id.uuidString.lowercased())
            let southID = south.id.uuidString.lowercased()
            let removed = try await olivia.call(.delete, "/v1/groups/north/members/eli")
            #expect(try await answered(removed, .noContent, "removeMember").count == 1)
            let added = try await olivia.call(.post, "/v1/groups/south/members", json: NameRequest(name: "eli"))
            #expect(try await answered(added, .ok, "addMember") == [southID])
            let appointed = try await olivia.call(.put, "/v1/groups/south/facilitator", json: NameRequest(name: "eli"))
            #expect(try await answered(appointed, .ok, "appointFacilitator") == [southID])
            let disabled = try await olivia.call(.post, "/v1/principals/eli/disable")
            #expect(try await answered(disabled, .noContent, "disable").count == 1)
            #expect(try await test.daemon.vault.verifyAuditChain().isIntact)
        }
    }
}

extension DaemonFlowTests {
    /// Listings and search mark the entries that have a live share, and only those.
    @Test func listingsAndSearchMarkSharedEntries() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let (org, share) = try await Self.aliSharesWithEli(test, client)
            let ali = org.members["ali"]!
            let other = try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(body: "more notes")))
            let search = try ali.decode(EntryList.self, try await ali.call(.get, "/v1/search?q=notes"))
            let list = try ali.decode(EntryList.self, try await ali.call(.get, "/v1/entries"))
            for entries in [search.entries, list.entries] {
                #expect(entries.count == 2)
                #expect(entries.filter(\.shared).map(\.id) == [share.entry])
                #expect(entries.contains { $0.id == other.id && !$0.shared })
            }
            #expect(try await ali.call(.delete, "/v1/shares/\(share.id.uuidString)").status == .noContent)
            let after = try ali.decode(EntryList.self, try await ali.call(.get, "/v1/search?q=notes"))
            #expect(after.entries.count == 2 && !after.entries.contains(where: \.shared))
        }
    }
}

extension DaemonFlowTests {
    /// What leaves the daemon or changes a credential is on disk in the audit chain before the
    /// response: invitations, exports and backups in a commit of their own; sessions, enrollments,
    /// passphrase changes, jots and cycles in the change's own transaction. The audit window here is a minute, so a record that
    /// was only queued would be missing — as a shared read's still is, by design.
    @Test func recordsOfWhatLeavesTheDaemonAreOnDiskBeforeTheAnswer() async throws {
        let test = try await TestDaemon(auditWindow: .seconds(60))
        let marker = "CANARY\(UUID().uuidString.prefix(8))"
        try await test.application.test(.router) { client in
            func recorded(_ action: String) async throws -> Int {
                let records = try await test.daemon.vault.auditRecords(where: { $0.action == action && $0.decision == "allow" })
                return records.count
            }
            // Three groups of five, their cycles, a compliance officer: every enrollment, invitation,
            // cycle and login of it answered, each with its record already in the chain.
            let carl = try await MetricsExportTests.organisation(test, client, groups: 3, marker: marker)
            #expect(try await recorded("enroll") == 17)
            // Each names the principal it enrolled, as actor and resource (filled in inside the transaction).
            let enrolled = try await test.daemon.vault.auditRecords(where: { $0.action == "enroll" }).map(\.draft)
            #expect(enrolled.allSatisfy { $0.actor != nil && $0.actor?.description == $0.resource })
            #expect(try await recorded("invite") == 16)
            #expect(try await recorded("scheduleCycle") == 3)
            #expect(try await recorded("unlock") >= 18)

            let exported = try await carl.call(.post, "/v1/metrics/exports", raw: #"{"period": "2026-03"}"#)
            #expect(exported.status == .created, "\(String(buffer: exported.body))")
            #expect(try await recorded("exportMetrics") == 1)

            let anonymous = API(client: client)
            let olivia = try await anonymous.login("olivia")
            let backup = try await olivia.call(.get, "/v1/backup")
            #expect(backup.status == .ok && backup.body.readableBytes > 0)
            #expect(try await recorded("backup") == 1)

            let session = try olivia.decode(SessionResponse.self, try await anonymous.call(
                .post, "/v1/sessions", json: UnlockRequest(name: "m0-1", passphrase: TestDaemon.passphrase)))
            let jot = try await anonymous.call(.post, "/v1/jots", json: JotRequest(text: "\(marker) jot", agreementKey: session.agreementKey),
                                               headers: [.authorization: "Capture \(session.captureToken)"])
            #expect(jot.status == .created)
            #expect(try await recorded("jot") == 1)

            let member = try await anonymous.login("m0-2")
            let changed = try await member.call(.post, "/v1/passphrase",
                                                raw: #"{"current": "\#(TestDaemon.passphrase)", "new": "another long practice passphrase"}"#)
            #expect(changed.status == .ok, "\(String(buffer: changed.body))")
            #expect(try await recorded("passphrase") == 1)
            #expect(try await member.call(.delete, "/v1/sessions").status == .noContent)
            #expect(try await recorded("logoutAll") == 1)

            // A shared read answers without waiting for its record: queued, not yet in the chain.
            let reader = try await anonymous.login("m0-1")
            let feed = try reader.decode([FeedItem].self, try await reader.call(.get, "/v1/feed"))
            let share = try #require(feed.first).share
            #expect(try await reader.call(.get, "/v1/feed/\(share.uuidString)").status == .ok)
            #expect(try await recorded("readShared") == 0)
            #expect(test.daemon.state.audit.pendingCount == 1)
            #expect(try await test.daemon.vault.verifyAuditChain().isIntact)
        }
    }
}

extension DaemonFlowTests {
    /// A cycle planned on the wrong dates is cancelled by its facilitator before it begins, and
    /// only then: not by a member, not once session 1 has come, not with entries in it.
    @Test func aCycleIsCancelledOnlyBeforeItBegins() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            var org = try await Self.organise(test, client)
            let fiona = org.members["fiona"]!, ali = org.members["ali"]!
            func schedule(_ first: String, _ second: String) async throws -> CycleInfo {
                let response = try await fiona.call(.post, "/v1/cycles", json: CycleCreateRequest(
                    group: "north", session1: date(first + "T09:00:00Z"), session2: date(second + "T09:00:00Z"), topics: ["Delegation"]))
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return try fiona.decode(CycleInfo.self, response)
            }
            let wrong = try await schedule("2026-05-04", "2026-06-08")
            #expect(try await ali.call(.delete, "/v1/cycles/\(wrong.id.uuidString)").status == .forbidden)
            let cancelled = try await fiona.call(.delete, "/v1/cycles/\(wrong.id.uuidString)")
            #expect(cancelled.status == .noContent, "\(String(buffer: cancelled.body))")
            let left = try fiona.decode([CycleInfo].self, try await fiona.call(.get, "/v1/cycles?group=north"))
            #expect(left.isEmpty)
            #expect(try await fiona.call(.delete, "/v1/cycles/\(wrong.id.uuidString)").status == .notFound)
            await test.daemon.state.audit.flush()
            #expect(try await test.daemon.vault.auditRecords { $0.action == "cancelCycle" }.map(\.draft.resource) == [wrong.id.uuidString.lowercased()])

            // With an entry written in it (a member's next cycle takes their notes before it
            // begins), a cycle not begun stays; begun, it stays too. Each refusal says why.
            let next = try await schedule("2026-03-02", "2026-04-06")
            let written = try await ali.call(.post, "/v1/entries", json: EntryInput(body: "a practice note"))
            #expect(written.status == .created, "\(String(buffer: written.body))")
            let used = try await fiona.call(.delete, "/v1/cycles/\(next.id.uuidString)")
            #expect(used.status == .forbidden && String(buffer: used.body).contains("an entry was already written in this cycle")
                    && String(buffer: used.body).contains("their authors can delete them"), "\(String(buffer: used.body))")
            try test.setTime("2026-03-10T10:00:00Z")
            try await org.loginAgain()
            let begun = try await org.members["fiona"]!.call(.delete, "/v1/cycles/\(next.id.uuidString)")
            #expect(begun.status == .forbidden && String(buffer: begun.body).contains("this cycle has begun"), "\(String(buffer: begun.body))")
        }
    }
    /// A cycle's sessions move through the socket: by its facilitator, both while it is planned,
    /// only session 2 once session 1's day has come, not at all once it is closed; each refusal says
    /// why, and each move is in the audit log.
    @Test func aCycleIsRescheduledByItsFacilitator() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            var org = try await Self.organise(test, client)
            let fiona = org.members["fiona"]!, ali = org.members["ali"]!
            let created = try await fiona.call(.post, "/v1/cycles", json: CycleCreateRequest(
                group: "north", session1: date("2026-03-02T09:00:00Z"), session2: date("2026-04-06T09:00:00Z"), topics: ["Delegation"]))
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let cycle = try fiona.decode(CycleInfo.self, created)
            let path = "/v1/cycles/\(cycle.id.uuidString)/schedule"

            let byMember = try await ali.call(.put, path, json: CycleScheduleRequest(session1: nil, session2: date("2026-04-13T09:00:00Z")))
            #expect(byMember.status == .forbidden, "\(String(buffer: byMember.body))")
            #expect(try await fiona.call(.put, path, raw: "{}").status == .badRequest)
            #expect(try await fiona.call(.put, path, raw: #"{"session2": "2026-04-13T09:00:00Z", "topic": "x"}"#).status == .badRequest)
            #expect(try await fiona.call(.put, "/v1/cycles/\(UUID().uuidString)/schedule",
                                         json: CycleScheduleRequest(session1: nil, session2: date("2026-04-13T09:00:00Z"))).status == .notFound)

            // Planned: both sessions move, a week later each.
            let both = try await fiona.call(.put, path, json: CycleScheduleRequest(session1: date("2026-03-09T09:00:00Z"),
                                                                                   session2: date("2026-04-13T09:00:00Z")))
            #expect(both.status == .ok, "\(String(buffer: both.body))")
            let moved = try fiona.decode(CycleScheduleResponse.self, both)
            #expect(moved.cycle.session1 == date("2026-03-09T09:00:00Z") && moved.cycle.session2 == date("2026-04-13T09:00:00Z"))
            #expect(moved.cycle.topics == ["Delegation"])
            let listed = try fiona.decode([CycleInfo].self, try await fiona.call(.get, "/v1/cycles?group=north"))
            #expect(listed.map(\.session1) == [date("2026-03-09T09:00:00Z")])

            // Begun: session 1 stays on its day; session 2 moves, and the phase follows it.
            try test.setTime("2026-04-08T10:00:00Z")
            try await org.loginAgain()
            let fionaNow = org.members["fiona"]!
            #expect(try fionaNow.decode([CycleInfo].self, try await fionaNow.call(.get, "/v1/cycles?group=north")).first?.phase == "reflection")
            let first = try await fionaNow.call(.put, path, json: CycleScheduleRequest(session1: date("2026-03-16T09:00:00Z"), session2: nil))
            #expect(first.status == .forbidden && String(buffer: first.body).contains("session 1 stays on its day"), "\(String(buffer: first.body))")
            let past = try await fionaNow.call(.put, path, json: CycleScheduleRequest(session1: nil, session2: date("2026-04-07T09:00:00Z")))
            #expect(past.status == .badRequest && String(buffer: past.body).contains("already past"), "\(String(buffer: past.body))")
            let second = try await fionaNow.call(.put, path, json: CycleScheduleRequest(session1: nil, session2: date("2026-04-27T09:00:00Z")))
            #expect(second.status == .ok, "\(String(buffer: second.body))")
            #expect(try fionaNow.decode(CycleScheduleResponse.self, second).cycle.phase == "practice")

            // Closed: it stays as it ran, and the policy says so.
            try test.setTime("2026-06-01T10:00:00Z")
            try await org.loginAgain()
            let closed = try await org.members["fiona"]!.call(.put, path, json: CycleScheduleRequest(session1: nil, session2: date("2026-06-08T09:00:00Z")))
            #expect(closed.status == .forbidden, "\(String(buffer: closed.body))")
            await test.daemon.state.audit.flush()
            #expect(try await test.daemon.vault.auditRecords { $0.action == "rescheduleCycle" }.count == 2)
        }
    }
    /// Leaving a share out of a listing is not a refused read: the feed and the agenda record no
    /// denial for a paused share (an author removed from the group), while opening it does.
    @Test func aListingRecordsNoDenialForWhatItLeavesOut() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            let org = try await Self.organise(test, client)
            let fiona = org.members["fiona"]!, eli = org.members["eli"]!, bea = org.members["bea"]!
            let cycle = try fiona.decode(CycleInfo.self, try await fiona.call(.post, "/v1/cycles", json: CycleCreateRequest(
                group: "north", session1: date("2026-03-02T09:00:00Z"), session2: date("2026-04-06T09:00:00Z"), topics: [])))
            let written = try eli.decode(EntryResponse.self, try await eli.call(.post, "/v1/entries", json: EntryInput(body: "a practice note")))
            let shared = try await eli.call(.post, "/v1/shares", json: ShareRequest(entry: written.id, group: true, with: [], until: nil))
            #expect(shared.status == .created, "\(String(buffer: shared.body))")
            let share = try eli.decode(TacitAPI.ShareInfo.self, shared).id
            #expect(try await org.olivia.call(.delete, "/v1/groups/north/members/eli").status == .noContent)
            #expect(try bea.decode([FeedItem].self, try await bea.call(.get, "/v1/feed")).isEmpty)
            #expect(try await fiona.call(.get, "/v1/cycles/\(cycle.id.uuidString)/agenda").status == .ok)
            await test.daemon.state.audit.flush()
            #expect(try await test.daemon.vault.auditRecords { $0.action == "readShared" }.isEmpty, "listings recorded denied reads")
            #expect(try await bea.call(.get, "/v1/feed/\(share.uuidString)").status == .notFound)
            await test.daemon.state.audit.flush()
            #expect(try await test.daemon.vault.auditRecords { $0.action == "readShared" && $0.decision == "deny" }.count == 1)
        }
    }
}

extension DaemonFlowTests {
    /// An operator policy with several problems stops the start with all of them, as `tacit policy
    /// check` lists them (the daemon had shown only the first).
    @Test func aBadOperatorPolicyStopsTheStartWithEveryProblem() async throws {
        do {
            _ = try await TestDaemon(policy: """
                permit (principal, action == Action::"readEntry", resource) when { resource.title == "x" };
                forbid (principal == Member::"bea", action == Action::"writeEntry", resource);
                """)
            Issue.record("a bad operator policy started")
        } catch let error as DaemonError {
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 2, "\(error)")
            #expect(lines.first?.contains("extra.cedar:1:") == true && lines.last?.contains("extra.cedar:2:") == true, "\(error)")
        }
    }
}

extension DaemonFlowTests {
    /// An edit re-seals the entry's shares; its answer says who that left out and which share
    /// ended, in words for the author.
    @Test func anEditsAnswerSaysWhoNoLongerReadsTheEntry() async throws {
        let test = try await TestDaemon()
        try await test.application.test(.router) { client in
            var org = try await Self.organise(test, client)
            let schedule = CycleCreateRequest(group: "north", session1: date("2026-03-02T09:00:00Z"),
                                              session2: date("2026-04-06T09:00:00Z"), topics: [])
            #expect(try await org.members["fiona"]!.call(.post, "/v1/cycles", json: schedule).status == .created)
            try test.setTime("2026-03-10T08:00:00Z")
            try await org.loginAgain()
            let ali = org.members["ali"]!
            let entry = try ali.decode(EntryResponse.self, try await ali.call(.post, "/v1/entries", json: EntryInput(title: "t", body: "b")))
            #expect(try await ali.call(.post, "/v1/shares", json: ShareRequest(entry: entry.id, group: false, with: ["eli"], until: nil)).status == .created)
            #expect(try await org.olivia.call(.delete, "/v1/groups/north/members/eli").status == .noContent)
            let edited = try ali.decode(EntryResponse.self, try await ali.call(.put, "/v1/entries/\(entry.id.uuidString)",
                                                                                 json: EntryInput(title: "t2", body: "b")))
            let after = try await test.daemon.vault.shareMetadata(ofEntry: EntryID(entry.id))
            #expect(edited.notices == ["eli no longer reads your shares: removed from the group",
                                       "1 share ended with no reader left (of entry \(entry.id.uuidString.lowercased().prefix(8)))"],
                    "\(String(describing: edited.notices))")
            #expect(after.isEmpty, "the share to eli alone ended with the edit")
        }
    }
}
