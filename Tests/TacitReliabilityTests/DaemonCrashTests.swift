import Foundation
import Glibc
import Testing
import TacitAPI

/// The daemon as a child process, SIGKILLed at random moments while five members write, edit,
/// share, revoke and read over the socket; after every kill it must restart on the same home
/// without `--accept-restore` (never behind its anchor), pass `PRAGMA integrity_check`, verify its
/// audit chain (which holds the record of every acknowledged write, edit, share and revocation),
/// check every member's manifest at unlock, and return every acknowledged write.
///
/// `TACIT_CRASH_KILLS` sets the number of kills (default 20; the soak runs 1,000).
@Suite(.serialized) struct DaemonCrashTests {
    static let groupLayout = ["north": ["fiona", "ali", "bea", "cal", "dee"]]

    @Test func acknowledgedWorkSurvivesSIGKILLOfTheDaemon() async throws {
        let kills = Knobs.int("TACIT_CRASH_KILLS", default: 20)
        let report = try await onThread { try Self.run(kills: kills) }
        Knobs.report("crash: \(report.summary)")
        for problem in report.problems.prefix(20) { Issue.record(Comment(rawValue: problem)) }
        #expect(report.problems.isEmpty, "\(report.problems.count) problems")
        #expect(report.kills == kills)
        #expect(report.figures.writes >= kills, "too little work between kills to mean anything")
        #expect(report.lost == 0)
        #expect(report.wrong == 0)
        #expect(report.sweepHits.isEmpty, "canary found at rest: \(report.sweepHits)")
    }

    struct Report {
        var kills = 0
        var figures = Ledger.Figures()
        var verifiedReads = 0
        var lost = 0
        var wrong = 0
        var problems: [String] = []
        var sweepHits: [String] = []
        var sweptFiles = 0
        var seconds = 0.0
        /// Seconds spent in each phase of a round, over all rounds and over the last 100, so that a
        /// run that slows as the data grows says where.
        var phases = PhaseClock()

        var summary: String {
            "\(kills) SIGKILLs survived in \(String(format: "%.0f", seconds)) s; acknowledged: \(figures.writes) writes, "
                + "\(figures.edits) edits, \(figures.shares) shares, \(figures.revocations) revocations; "
                + "\(figures.inFlightAtKill) requests in flight at a kill; \(verifiedReads) verifying reads; "
                + "lost \(lost), wrong plaintext \(wrong), problems \(problems.count); "
                + "sweep: \(sweptFiles) files, \(sweepHits.count) canaries; seconds per round by phase: \(phases.summary)"
        }
    }

    static func run(kills: Int) throws -> Report {
        let started = Date()
        let home = try TemporaryHome(prefix: "tc")
        try home.writeConfiguration()
        let canary = Canary()
        let daemon = try DaemonProcess(home: home)
        try daemon.start()
        let organisation = try Organisation.create(home: home, groups: groupLayout)
        let members = organisation.members
        let names = members.map(\.name)
        let ledger = Ledger()
        var report = Report()
        var verifier = Verifier(ledger: ledger, members: Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) }))
        var audit = AuditTally()

        for round in 0..<kills {
            let stop = StopFlag()
            let clients = members
            let delay = UInt32.random(in: 30_000...450_000)
            let killer = Thread {
                usleep(delay)
                daemon.killHard()
                stop.set()
            }
            killer.start()
            report.phases.begin("load")
            runThreads(clients.count) { index in
                let member = clients[index]
                drive(member, peers: names.filter { $0 != member.name }, round: round, ledger: ledger, canary: canary, stop: stop)
            }
            // `stop` is set (under a lock) once the killer has reaped the daemon; polling
            // `daemon.process` itself read it unsynchronized while the killer cleared it.
            while !stop.isSet { usleep(1_000) }
            report.kills += 1

            // Dead: the files as the kill left them must be a sound database.
            report.phases.begin("integrity")
            let check = try integrityCheck(home.database)
            if check != ["ok"] { ledger.problem("round \(round): integrity_check: \(check.prefix(3))") }
            // An acknowledged write or edit has its audit record: it committed with the change.
            report.phases.begin("records")
            try audit.update(home.database)
            let unrecorded = ledger.entryIDs.filter { audit.count("writeEntry", $0) == 0 }
            if let first = unrecorded.first {
                ledger.problem("round \(round): \(unrecorded.count) acknowledged writes have no audit record, e.g. \(first)")
            }
            let unrecordedEdits = ledger.editCounts.filter { audit.count("editEntry", $0.key) < $0.value }
            if let first = unrecordedEdits.first {
                ledger.problem("round \(round): \(unrecordedEdits.count) entries have fewer editEntry records than acknowledged edits, e.g. \(first.key)")
            }
            // So does a share and a revocation (one settled as done after a kill included: it
            // committed, so its record did).
            let unrecordedShares = ledger.shareIDs.filter { audit.count("shareEntry", $0) == 0 }
            if let first = unrecordedShares.first {
                ledger.problem("round \(round): \(unrecordedShares.count) acknowledged shares have no audit record, e.g. \(first)")
            }
            let unrecordedRevocations = ledger.revokedShareIDs.filter { audit.count("revokeShare", $0) == 0 }
            if let first = unrecordedRevocations.first {
                ledger.problem("round \(round): \(unrecordedRevocations.count) revocations have no audit record, e.g. \(first)")
            }

            // Restart on the same home, without --accept-restore: the database is never behind its anchor.
            report.phases.begin("restart")
            do {
                try daemon.start()
            } catch {
                ledger.problem("round \(round): restart failed: \(error)")
                break
            }
            // Every member unlocks again; the manifest must check (no integrity notice).
            report.phases.begin("unlocks")
            for member in [organisation.operatorMember] + members {
                do {
                    try member.login()
                    for notice in member.lastNotices where notice.hasPrefix("integrity") {
                        ledger.problem("round \(round): \(member.name) unlock: \(notice)")
                    }
                } catch {
                    ledger.problem("round \(round): \(member.name) cannot log in again: \(error)")
                }
            }
            report.phases.begin("chain")
            try verifier.auditChain(organisation.operatorMember, round: round)
            // What the kill left uncertain is settled now; a sample of the rest is read back; all of it
            // every 100 rounds and at the end.
            report.phases.begin("read back")
            let everything = (round + 1) % 100 == 0 || round == kills - 1
            let sample = everything ? ledger.entryIDs : ledger.uncertainEntries + Array(ledger.entryIDs.shuffled().prefix(15))
            try verifier.entries(sample, round: round)
            let shares = everything ? ledger.shareIDs : ledger.uncertainShares + Array(ledger.shareIDs.shuffled().prefix(5))
            try verifier.shares(shares, round: round)
            report.phases.endRound()
            if (round + 1) % 100 == 0 {
                print("[reliability] crash: \(round + 1) rounds, \(ledger.entryIDs.count) entries; seconds per round: \(report.phases.summary)")
            }
        }

        // A graceful stop at the end: SIGTERM, exit 0, a sound database.
        let status = daemon.stop()
        if status != 0 { ledger.problem("the daemon's graceful stop exited \(status)") }
        let check = try integrityCheck(home.database)
        if check != ["ok"] { ledger.problem("after the final stop: integrity_check: \(check.prefix(3))") }

        let sweep = PlaintextSweep.sweep([home.url] + PlaintextSweep.temporaryFiles(since: started), for: canary)
        report.sweepHits = sweep.hits
        report.sweptFiles = sweep.files
        report.figures = ledger.figures
        report.verifiedReads = verifier.reads
        report.lost = verifier.lost
        report.wrong = verifier.wrong
        report.problems = ledger.allProblems
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: one client

    /// One member's loop until the daemon dies under it (an I/O error) or the round stops.
    static func drive(_ member: Member, peers: [String], round: Int, ledger: Ledger, canary: Canary, stop: StopFlag) {
        var serial = 0
        while !stop.isSet {
            serial += 1
            let roll = Int.random(in: 0..<100)
            let own = ledger.ownEntries(of: member.name)
            do {
                if roll < 45 || own.isEmpty {
                    let content = Content.make(canary, author: member.name, serial: round * 10_000 + serial,
                                               length: Int.random(in: 0...3000))
                    let response = try member.call("POST", "/v1/entries", content.input)
                    guard response.status == 201 else { throw unexpected(response, "write") }
                    let entry = try JSON.decode(EntryResponse.self, response)
                    if Content(entry) != content { ledger.problem("\(member.name): a write answered other content") }
                    ledger.wrote(entry.id, author: member.name, content)
                } else if roll < 65 {
                    let id = own.randomElement()!
                    let content = Content.make(canary, author: member.name, serial: round * 10_000 + serial,
                                               length: Int.random(in: 0...3000))
                    ledger.beginEdit(id, content)
                    let response = try member.call("PUT", "/v1/entries/\(id.uuidString)", content.input)
                    guard response.status == 200 else { throw unexpected(response, "edit") }
                    ledger.edited(id, content)
                } else if roll < 77 {
                    let id = own.randomElement()!
                    let toGroup = Bool.random()
                    let chosen = toGroup ? [] : Array(peers.shuffled().prefix(Int.random(in: 1...2)))
                    let response = try member.call("POST", "/v1/shares",
                                                   ShareRequest(entry: id, group: toGroup, with: chosen, until: nil))
                    // The same audience again while its share runs is refused, and nothing changes.
                    if response.status == 409, response.text.contains("already-shared") { continue }
                    guard response.status == 201 else { throw unexpected(response, "share") }
                    let share = try JSON.decode(ShareInfo.self, response)
                    ledger.shared(share.id, entry: id, author: member.name, readers: share.audience)
                } else if roll < 85 {
                    guard let id = ledger.ownShares(of: member.name, state: .live).randomElement() else { continue }
                    ledger.beginRevoke(id)
                    let response = try member.call("DELETE", "/v1/shares/\(id.uuidString)")
                    guard response.status == 204 else { throw unexpected(response, "revoke") }
                    ledger.revoked(id)
                } else if roll < 93 {
                    let id = own.randomElement()!
                    let before = ledger.entry(id)!.acceptable
                    let response = try member.call("GET", "/v1/entries/\(id.uuidString)")
                    guard response.status == 200 else { throw unexpected(response, "read") }
                    if !before.contains(Content(try JSON.decode(EntryResponse.self, response))) {
                        ledger.problem("\(member.name): read of own entry \(id) showed content never written for it")
                    }
                    ledger.countRead(shared: false)
                } else {
                    guard let id = ledger.sharesReadable(by: member.name).randomElement(),
                          let before = ledger.share(id) else { continue }
                    let response = try member.call("GET", "/v1/feed/\(id.uuidString)")
                    let after = ledger.share(id)!
                    if response.status == 200 {
                        let content = Content(try JSON.decode(EntryResponse.self, response))
                        if !(ledger.entry(before.entry)?.history.contains(content) ?? false) {
                            ledger.problem("\(member.name): a shared read showed content never written for entry \(before.entry)")
                        }
                        if before.state == .revoked { ledger.problem("\(member.name): read a revoked share \(id)") }
                    } else if response.status == 404 {
                        if before.state == .live && after.state == .live {
                            ledger.problem("\(member.name): a live share \(id) answered 404")
                        }
                    } else {
                        throw unexpected(response, "shared read")
                    }
                    ledger.countRead(shared: true)
                }
            } catch is SocketClient.IOError {
                // The daemon died under this request: its outcome is unknown, and settled after restart.
                ledger.countInFlight()
                return
            } catch {
                ledger.problem("\(member.name): \(error)")
                return
            }
        }
    }

    static func unexpected(_ response: SocketClient.Response, _ what: String) -> HarnessFailure {
        HarnessFailure("\(what) answered \(response.status): \(response.text.prefix(200))")
    }
}

/// Reads acknowledged work back through the API after a restart.
struct Verifier {
    let ledger: Ledger
    let members: [String: Member]
    var reads = 0
    var lost = 0
    var wrong = 0

    mutating func entries(_ ids: [UUID], round: Int) throws {
        for id in Set(ids) {
            guard let state = ledger.entry(id), let author = members[state.author] else { continue }
            let response = try author.call("GET", "/v1/entries/\(id.uuidString)")
            reads += 1
            switch response.status {
            case 200:
                let content = Content(try JSON.decode(EntryResponse.self, response))
                if state.acceptable.contains(content) {
                    ledger.settle(id, to: content)
                } else {
                    wrong += 1
                    ledger.problem("round \(round): entry \(id) of \(state.author) reads other content than acknowledged")
                }
            case 404:
                lost += 1
                ledger.problem("round \(round): acknowledged entry \(id) of \(state.author) is gone")
            default:
                lost += 1
                ledger.problem("round \(round): acknowledged entry \(id) answers \(response.status): \(response.text.prefix(200))")
            }
        }
    }

    mutating func shares(_ ids: [UUID], round: Int) throws {
        for id in Set(ids) {
            guard let share = ledger.share(id), let readerName = share.readers.first, let reader = members[readerName] else { continue }
            let response = try reader.call("GET", "/v1/feed/\(id.uuidString)")
            reads += 1
            switch (response.status, share.state) {
            case (200, .revoked):
                ledger.problem("round \(round): revoked share \(id) is readable again")
            case (200, _):
                let content = Content(try JSON.decode(EntryResponse.self, response))
                if !(ledger.entry(share.entry)?.history.contains(content) ?? false) {
                    wrong += 1
                    ledger.problem("round \(round): share \(id) shows content never written for its entry")
                }
                ledger.settleShare(id, live: true)
            case (404, .live):
                lost += 1
                ledger.problem("round \(round): acknowledged share \(id) is gone")
            case (404, _):
                ledger.settleShare(id, live: false)
            default:
                ledger.problem("round \(round): share \(id) answers \(response.status): \(response.text.prefix(200))")
            }
        }
    }

    func auditChain(_ operatorMember: Member, round: Int) throws {
        let response = try operatorMember.call("GET", "/v1/audit/verify")
        guard response.status == 200 else {
            ledger.problem("round \(round): audit verify answered \(response.status)")
            return
        }
        let verification = try JSON.decode(AuditVerification.self, response)
        if !verification.ok {
            ledger.problem("round \(round): the audit chain is broken at \(verification.brokenAt.map(String.init) ?? "?")")
        }
    }
}
