import ArgumentParser
import Foundation
import TacitAPI

extension Tacit {
    /// `tacit share ID --group G | --with NAME… [--until DATE]`.
    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Share one of your entries with your group or with chosen members of it.",
            discussion: """
            The entry's key is sealed to each reader; `tacit unshare` deletes those seals. A share ends \
            at the end of the entry's cycle unless --until says otherwise. Prints the share's id.

            Examples:
              tacit share 4f1c2a9e --group north
              tacit share 4f1c2a9e --with bea --with cal --until 2026-04-06
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The entry's id (or its first characters).") var id: String
        @Option(help: ArgumentHelp("Share with the whole group (the entry's group, by name).", valueName: "G")) var group: String?
        @Option(name: .customLong("with"), help: ArgumentHelp("Share with this member of the group (repeat for more).", valueName: "NAME"))
        var readers: [String] = []
        @Option(help: ArgumentHelp("End the share after DATE (YYYY-MM-DD: readable through that day).", valueName: "DATE")) var until: String?
        @Flag(help: "Print the share as JSON.") var json = false

        func validate() throws {
            if (group == nil) == readers.isEmpty { throw ValidationError("give either --group G or --with NAME (one or more)") }
            if let group { try Arguments.checkGroup(group, "--group") }
            for reader in readers { try Arguments.checkName(reader, "--with") }
            if let until { _ = try DateText.parseEnd(until, option: "--until") }
        }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let id = try await Resolve.entry(self.id, account)
            if let group {
                let entry: EntryResponse = try await account.call(.GET, "/v1/entries/\(id.lower)")
                let reference = try await Resolve.group(group, account).reference
                let detail: GroupDetail
                do {
                    detail = try await account.call(.GET, "/v1/groups/\(Self.pathComponent(reference))")
                } catch let failure as DaemonFailure where failure.status == 404 {
                    throw CLIError("not found: no group \(group)")
                }
                guard entry.group == detail.group.id else {
                    if entry.group == nil {
                        throw CLIError("this entry is in no group's cycle (it was written outside one), and entries are shared "
                                       + "only within their group: it stays yours", status: .denied)
                    }
                    // The same refusal as sharing with a member of another group: a rule of the journal.
                    let groups: [GroupSummary] = (try? await account.call(.GET, "/v1/groups")) ?? []
                    let own = groups.first { $0.id == entry.group }.map(\.name)
                    throw CLIError("this entry is in \(own.map { "\($0)'s" } ?? "another group's") cycle, not \(detail.group.name)'s: "
                                   + "an entry is shared only within its own group"
                                   + (own.map { " (--group \($0), or --with members of \($0))" } ?? ""), status: .denied)
                }
            }
            // "Readable through that day": the share ends at the next midnight, not a second before it.
            let untilDate = try until.map { try DateText.parseAfter($0, option: "--until") }
            let share: TacitAPI.ShareInfo
            do {
                share = try await account.call(
                    .POST, "/v1/shares", body: ShareRequest(entry: id, group: group != nil, with: readers, until: untilDate))
            } catch let failure as DaemonFailure where failure.policies.contains("share-outside-group") {
                throw await Self.outsideGroup(failure, entry: id, readers: readers, account)
            }
            if json { return try JSONOutput.print(share) }
            print(share.id.lower)
            Terminal.warn("shared with \(share.group ? "the group: " : "")\(share.audience.joined(separator: ", ")) until \(DateText.expiry(share.expiresAt))")
            // The roster changed since the author last shared with the group: a newcomer reads
            // this share, and is named now (README, "Security model").
            // Said as who reads, which is what is known: a newcomer, someone enabled again or whose
            // new key was confirmed; or someone removed, disabled, or with a key not confirmed yet.
            if let joined = share.joinedSinceLastShare, !joined.isEmpty {
                Terminal.warn("note: \(joined.joined(separator: ", ")) \(joined.count == 1 ? "reads" : "read") this share and did not read "
                              + "your last one with the group (new to it, say: compare keys in person with `tacit whois NAME`)")
            }
            if let left = share.leftSinceLastShare, !left.isEmpty {
                Terminal.warn("note: \(left.joined(separator: ", ")) read your last share with the group and \(left.count == 1 ? "does" : "do") "
                              + "not read this one (no longer in it, disabled, or a key not confirmed yet)")
            }
            // Readers this share names who already read the entry through another: revoking one
            // share alone would leave them reading it.
            // The share exists and its id is printed: a failure to list the others is not an error
            // (a script that retried would make a second share).
            let listed: [TacitAPI.ShareInfo] = (try? await account.call(.GET, "/v1/shares")) ?? []
            let others = Self.openShares(of: share.entry, in: listed).filter { $0.id != share.id }
            let overlap = others.map { other in (other, other.audience.filter(share.audience.contains)) }.filter { !$0.1.isEmpty }
            for (other, names) in overlap {
                Terminal.warn("note: \(names.joined(separator: ", ")) can read this entry through share \(other.id.short) as well "
                              + "(\(Self.audience(other))); revoking one share leaves the other open")
            }
        }

        /// The shares of `entry` among `shares` that readers can open now (not revoked, expired or
        /// paused): what `share`, `unshare` and `delete` say readers still have or lose.
        static func openShares(of entry: UUID, in shares: [TacitAPI.ShareInfo]) -> [TacitAPI.ShareInfo] {
            shares.filter { $0.entry == entry && !$0.revoked && !$0.expired && !$0.paused }
        }

        /// The policy's refusal to share outside the entry's group, naming the group and who of the
        /// readers is not in it (it had said only "members of the entry's group"); the refusal as
        /// it came when those cannot be read.
        static func outsideGroup(_ failure: DaemonFailure, entry: UUID, readers: [String], _ account: Authenticated) async -> any Error {
            guard let entry: EntryResponse = try? await account.call(.GET, "/v1/entries/\(entry.lower)"), let group = entry.group,
                  let detail: GroupDetail = try? await account.call(.GET, "/v1/groups/\(group.lower)") else { return failure }
            let roster = Set(detail.members.map(\.name))
            let outside = readers.filter { !roster.contains($0) }
            guard !outside.isEmpty else { return failure }
            return CLIError("\(outside.joined(separator: ", ")) \(outside.count == 1 ? "is not a member" : "are not members") of "
                            + "\(detail.group.name), this entry's group: an entry is shared only within its group "
                            + "(policy: share-outside-group)", status: .denied)
        }

        /// "the group: bea, cal" or "with bea".
        static func audience(_ share: TacitAPI.ShareInfo) -> String {
            (share.group ? "the group: " : "with ") + share.audience.joined(separator: ", ")
        }

        static func pathComponent(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
        }
    }

    /// `tacit shares`.
    struct Shares: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the shares of your entries.",
            discussion: "Examples:\n  tacit shares\n  tacit shares --json")

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let shares: [TacitAPI.ShareInfo] = try await account.call(.GET, "/v1/shares")
            if output.json { return try JSONOutput.print(shares) }
            var table = Table("SHARE", "ENTRY", "TITLE", "WITH", "UNTIL")
            for share in shares {
                table.add(share.id.short, share.entry.short, share.title.isEmpty ? "(untitled)" : share.title,
                          (share.group ? "the group: " : "") + share.audience.joined(separator: ", "),
                          DateText.expiry(share.expiresAt) + (share.expired ? " (expired)" : share.paused ? " (paused)"
                              : share.cycleCloses != nil ? " *" : ""))
            }
            table.print(empty: "no shares — share an entry with `tacit share ID --group G`")
            let closes = Set(shares.compactMap(\.cycleCloses))
            if let close = closes.min() {
                Terminal.warn("*: ends before its cycle closes (\(closes.count == 1 ? "" : "the first: ")\(DateText.expiry(close))), as it was signed — the cycle was moved "
                              + "later, or you chose that end; to reach the close, `tacit unshare SHARE` and share the entry again")
            }
            if shares.contains(where: { $0.paused && !$0.expired }) {
                Terminal.warn("paused: you are no longer in the entry's group, so nobody can read it; it runs again if you are "
                              + "added back (`tacit unshare SHARE` ends it for good)")
            }
        }
    }

    /// `tacit unshare SHARE`.
    struct Unshare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a share: its readers' seals are deleted at once.",
            discussion: """
            Your entry is re-encrypted under a fresh key at your next login, so a key a reader kept \
            opens nothing stored afterwards; until then the policy engine refuses them.

            Example:
              tacit unshare 9b2e0c41
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The share's id (or its first characters), from `tacit shares`.") var share: String

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let id = try await Self.resolve(share, account)
            let shares: [TacitAPI.ShareInfo] = (try? await account.call(.GET, "/v1/shares")) ?? []
            do {
                try await account.send(.DELETE, "/v1/shares/\(id.lower)")
            } catch let failure as DaemonFailure where failure.status == 404 {
                throw CLIError("not found: no share \(share) of yours — `tacit shares` lists them")
            }
            print("revoked \(id.lower)")
            // What this share's readers can still read: the entry's other shares stay open.
            guard let revoked = shares.first(where: { $0.id == id }) else { return }
            for other in Share.openShares(of: revoked.entry, in: shares) where other.id != id {
                let still = other.audience.filter(revoked.audience.contains)
                guard !still.isEmpty else { continue }
                Terminal.warn("note: \(still.joined(separator: ", ")) can still read this entry through share \(other.id.short) "
                              + "(\(Share.audience(other))): `tacit unshare \(other.id.short)` ends that one")
            }
        }

        static func resolve(_ text: String, _ account: Authenticated) async throws -> UUID {
            if let id = UUID(uuidString: text) { return id }
            try Resolve.checkPrefix(text, listedBy: "tacit shares")
            let shares: [TacitAPI.ShareInfo] = try await account.call(.GET, "/v1/shares")
            let prefix = text.lowercased()
            let matching = shares.filter { $0.id.lower.hasPrefix(prefix) }
            // An entry's id where a share's was meant: name its shares rather than only "no share".
            let ofEntry = shares.filter { $0.entry.lower.hasPrefix(prefix) && !$0.revoked }
            if matching.isEmpty, !ofEntry.isEmpty {
                let listed = ofEntry.map { "\($0.id.short) (with \(DisplayText.line($0.audience.joined(separator: ", "))))" }
                throw CLIError("not found: no share \(text) — \(text) is an entry of yours; its shares: \(listed.joined(separator: ", "))."
                               + " Unshare one of them by its id.")
            }
            guard !matching.isEmpty else { throw CLIError("not found: no share \(text) of yours — `tacit shares` lists them") }
            return try Resolve.single(matching.map(\.id), text, what: "share")
        }
    }

    /// `tacit readers SHARE|ENTRY`.
    struct Readers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show who has read one of your shares, or any share of one of your entries, and when they first did.",
            discussion: """
            Give a share's id (from `tacit shares`) or an entry's id (from `tacit list`); for an entry, \
            the readers of each of its shares are listed. A revoked share is gone: who read it is in \
            `tacit audit`.

            Examples:
              tacit readers 9b2e0c41
              tacit readers 3f1a77d0
            """)

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The share's or the entry's id (or its first characters).") var share: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let (shares, ofEntry) = try await Self.shares(named: share, account)
            var reads: [[String: String]] = []
            for id in shares {
                let some: [[String: String]] = try await account.call(.GET, "/v1/shares/\(id.lower)/readers")
                reads += some.map { $0.merging(["share": id.lower]) { kept, _ in kept } }
            }
            reads.sort { ($0["firstRead"] ?? "", $0["reader"] ?? "") < ($1["firstRead"] ?? "", $1["reader"] ?? "") }
            if output.json { return try JSONOutput.print(reads) }
            let firstRead = { (read: [String: String]) in read["firstRead"].flatMap(DateText.parseISO).map(DateText.minute) ?? "?" }
            if ofEntry {
                var table = Table("READER", "FIRST READ", "SHARE")
                for read in reads {
                    table.add(read["reader"] ?? "?", firstRead(read), UUID(uuidString: read["share"] ?? "")?.short ?? "?")
                }
                table.print(empty: "nobody has read it yet (\(shares.count.counted("share", "shares")))")
            } else {
                var table = Table("READER", "FIRST READ")
                for read in reads { table.add(read["reader"] ?? "?", firstRead(read)) }
                table.print(empty: "nobody has read it yet")
            }
        }

        /// The shares `text` names: the one share whose id it is or begins, or else every share of the
        /// one entry whose id it is or begins (`ofEntry`).
        ///
        /// - Throws: `CLIError` when neither a share nor a shared entry matches, or several do.
        static func shares(named text: String, _ account: Authenticated) async throws -> (shares: [UUID], ofEntry: Bool) {
            if UUID(uuidString: text) == nil { try Resolve.checkPrefix(text, listedBy: "tacit shares` or `tacit list") }
            let all: [TacitAPI.ShareInfo] = try await account.call(.GET, "/v1/shares")
            let prefix = text.lowercased()
            let byShare = all.filter { $0.id.lower.hasPrefix(prefix) }.map(\.id)
            if !byShare.isEmpty { return ([try Resolve.single(byShare, text, what: "share")], false) }
            let entries = all.filter { $0.entry.lower.hasPrefix(prefix) }.map(\.entry)
            guard !entries.isEmpty else {
                throw CLIError("not found: no share \(text), and no entry \(text) that you share now — see `tacit shares`; reads of revoked shares are in `tacit audit`")
            }
            let entry = try Resolve.single(entries, text, what: "shared entry")
            return (all.filter { $0.entry == entry }.map(\.id), true)
        }
    }

    /// `tacit feed`.
    struct Feed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the entries others shared with you (read one with `tacit show SHARE`).",
            discussion: "Examples:\n  tacit feed\n  tacit show 9b2e0c41")

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let items: [FeedItem] = try await account.call(.GET, "/v1/feed")
            if output.json { return try JSONOutput.print(items) }
            // UNTIL: when the share ends and the entry leaves the feed (a reader could not tell).
            var table = Table("SHARE", "SHARED", "FROM", "TO", "UNTIL", "KIND", "TITLE")
            for item in items {
                let to = item.group ? "the group" : item.others == 0 ? "you" : "you and \(item.others) other\(item.others == 1 ? "" : "s")"
                table.add(item.share.short, DateText.minute(item.sharedAt), item.author, to, DateText.expiry(item.expiresAt),
                          item.kind, item.title.isEmpty ? "(untitled)" : item.title)
            }
            table.print(empty: "nothing is shared with you now")
        }
    }

    /// `tacit jot TEXT`.
    struct Jot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal a quick note without unlocking; at your next login it becomes a practice entry (a note outside a cycle) under the id printed.",
            discussion: """
            Uses the capture token of your last `tacit login` on this computer; it can only add notes to \
            your own journal. `tacit logout --all` revokes it.

            Example:
              tacit jot "Caught myself rewriting Sam's slides again"
            """
        )

        @OptionGroup var connection: Connection
        @Argument(help: "The note; - reads standard input.") var text: [String]

        func validate() throws {
            if text.isEmpty { throw ValidationError("give the note's text (or - for standard input)") }
        }

        func run() async throws {
            let store = SessionStore(socketPath: connection.socketPath)
            let state = store.state()
            guard let name = state.lastName, let member = state.members[name] else {
                throw CLIError("no capture token on this computer — log in once with `tacit login --name NAME`")
            }
            let note = text == ["-"] ? try Terminal.readStandardInput()
                : text.joined(separator: " ")
            guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError("nothing to jot: the text is empty", status: .usage)
            }
            do {
                let created: CreatedResponse = try await connection.client.call(
                    .POST, "/v1/jots", body: JotRequest(text: note, agreementKey: member.agreementKey),
                    credential: .capture(member.captureToken))
                print(created.id.lower)
            } catch {
                // Text typed into standard input exists nowhere else: keep it for a second try.
                if text == ["-"] {
                    Terminal.warn(try Write.kept(note, first: Write.firstStep(after: error), saveWith: "tacit jot -"))
                }
                if let failure = error as? DaemonFailure, failure.status == 401 {
                    throw CLIError("the capture token no longer works (`logout --all`, a passphrase change elsewhere or a recovery "
                                   + "revokes it) — log in again with `tacit login --name \(name)`")
                }
                throw error
            }
        }
    }

    /// `tacit whois NAME [--confirm FINGERPRINT]`.
    struct Whois: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a member's key fingerprint to compare in person; --confirm accepts a changed key.",
            discussion: """
            Your journal pins each peer's key the first time you share with them. A member's keys stay \
            theirs through passphrase changes, recovery and rotation, so a key that changes means the \
            key stored for them was replaced: sharing with them is refused until you compare the new \
            fingerprint with them in person and confirm it.

            Examples:
              tacit whois bea
              tacit whois bea --confirm 5K3M-…
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Argument(help: "The member's name.") var name: String
        @Option(help: ArgumentHelp("Accept their current key after comparing this fingerprint in person.", valueName: "FINGERPRINT"))
        var confirm: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws { try Arguments.checkName(name, "<name>") }

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let path = "/v1/whois/\(Share.pathComponent(name))"
            let answer: WhoisResponse
            if let confirm {
                answer = try await account.call(.POST, path + "/confirm", body: ConfirmKeyRequest(fingerprint: confirm))
            } else {
                answer = try await account.call(.GET, path)
            }
            if json { return try JSONOutput.print(answer) }
            let disabled = answer.principal.disabled == true ? ", disabled by the operator" : ""
            print(DisplayText.line("\(answer.principal.name) (\(answer.principal.role)\(disabled))"))
            if confirm != nil, answer.pin == "pinned" { print("confirmed: your journal now knows this key") }
            print("fingerprint: \(answer.fingerprint)")
            switch answer.pin {
            case "pinned": print("pinned: this is the key your journal knows")
            case "changed": print("CHANGED: differs from the key your journal pinned — compare in person, then `tacit whois \(name) --confirm FINGERPRINT`")
            case _ where answer.relation == "you": print("this is you: the fingerprint others compare with you in person")
            case _ where answer.principal.role != "member":
                print("not pinned: \(answer.principal.role == "operator" ? "operators" : "compliance staff") are never shared with")
            case _ where answer.relation == "outside-your-groups":
                print("not pinned: you are in no group with \(answer.principal.name), so nothing is shared between you")
            default: print("not pinned yet: it is pinned the first time you share with \(answer.principal.name)")
            }
        }
    }

    /// `tacit audit`, `tacit audit verify`.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the audit log: your actions and every read of your shared entries (the operator sees all).",
            discussion: "Examples:\n  tacit audit\n  tacit audit verify",
            subcommands: [Show.self, Verify.self],
            defaultSubcommand: Show.self
        )

        /// `tacit audit [show]`.
        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show", abstract: "List the latest 1,000 audit records you may see, oldest first (the default).",
                discussion: "Example:\n  tacit audit --json")

            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let (records, headers) = try await account.getReadingHeaders("/v1/audit", as: [AuditRecordInfo].self)
                // A record edited in the database reads as well as a true one: the listing is only
                // as good as the chain, so the chain is checked with it and records from its first
                // break on are marked.
                let check: AuditVerification? = try? await account.call(.GET, "/v1/audit/verify")
                let brokenAt = check.flatMap { $0.ok ? nil : $0.brokenAt }
                // Records the daemon could not read are left out and named: the intact ones still
                // show, and the exit status says the log is damaged.
                if output.json {
                    try JSONOutput.print(records)
                } else {
                    var table = Table("#", "TIME", "WHO", "ACTION", "ON", "DECISION")
                    for record in records {
                        var decision = record.decision
                        if !record.policies.isEmpty { decision += " (\(record.policies.joined(separator: ", ")))" }
                        let resource = UUID(uuidString: record.resource)?.short ?? record.resource
                        let suspect = brokenAt.map { record.sequence >= $0 } ?? false
                        table.add((suspect ? "!" : "") + String(record.sequence), DateText.minute(record.time), record.actor,
                                  record.action, resource, decision)
                    }
                    table.print(empty: "no audit records")
                }
                var warnings: [String] = []
                if let unreadable = headers.first(name: "Tacit-Unreadable-Audit-Records") {
                    warnings.append("WARNING: audit records \(DisplayText.line(unreadable)) cannot be read and are not shown "
                                    + "— `tacit audit verify` checks the chain")
                }
                if let brokenAt {
                    warnings.append("WARNING: the audit chain is broken at record \(brokenAt): records from there on (marked ! in "
                                    + "the table) may have been changed in the database — `tacit audit verify` checks it")
                }
                if !warnings.isEmpty {
                    FileHandle.standardError.write(Data((warnings.joined(separator: "\n") + "\n").utf8))
                    throw ExitCode(1)
                }
            }
        }

        /// `tacit audit verify`.
        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Recompute the audit log's hash chain; exit 1 if it is broken.",
                discussion: "Example:\n  tacit audit verify")

            @OptionGroup var connection: Connection
            @OptionGroup var passphrase: PassphraseOptions
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
                let check: AuditVerification = try await account.call(.GET, "/v1/audit/verify")
                if json { try JSONOutput.print(check) } else if check.ok {
                    print("audit chain intact: \(check.records) records, head \(check.head.prefix(16))…")
                } else {
                    if let broken = check.brokenAt, broken > check.records {
                        print("AUDIT CHAIN BROKEN after its last record (\(check.records)): records were removed from its end")
                    } else {
                        print("AUDIT CHAIN BROKEN at record \(check.brokenAt.map(String.init) ?? "?") of \(check.records)")
                    }
                }
                if !check.ok { throw ExitCode(1) }
            }
        }
    }
}
