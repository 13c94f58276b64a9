import ArgumentParser
import Foundation
import TacitAPI
import TacitVault

extension Tacit {
    /// `tacit enroll --code CODE --name NAME`.
    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enroll with the one-time code the operator gave you, and set your passphrase.",
            discussion: """
            Prints your recovery key once. Store it offline: it is the only way back into your journal \
            if you forget your passphrase — nobody else, not the operator, can recover it.

            Example:
              tacit enroll --code 7KQ2-M4XD-9PLT-RW3F-HBNA-C6JE-QU --name ali
            """
        )

        @OptionGroup var connection: Connection
        @Option(help: "The enrollment code (else --code-file, else a prompt).") var code: String?
        @Option(help: ArgumentHelp("Read the enrollment code from FILE.", valueName: "FILE")) var codeFile: String?
        @Option(help: "The name to enroll under (the one the operator invited).") var name: String
        @OptionGroup var passphrase: PassphraseOptions

        func validate() throws {
            try Arguments.checkNewName(name, "--name")
            if code?.isEmpty == true { throw ValidationError("--code is empty: give the enrollment code the operator gave you") }
        }

        func run() async throws {
            let code: String
            if let given = self.code {
                code = given
            } else if let codeFile {
                guard let text = try? String(contentsOfFile: codeFile, encoding: .utf8) else { throw CLIError("cannot read \(codeFile): \(Secrets.unreadable(codeFile))") }
                code = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                guard let typed = Terminal.ask("Enrollment code: ", secret: false) else {
                    throw CLIError("give the enrollment code with --code or --code-file")
                }
                code = typed
            }
            let secret = try Secrets.read("passphrase", file: passphrase.passphraseFile,
                                          prompt: "Choose a passphrase (12 characters or more): ", confirm: true)
            let response: EnrollResponse
            do {
                response = try await connection.client.call(.POST, "/v1/enroll",
                                                            body: EnrollRequest(code: code, name: name, passphrase: secret))
            } catch let failure as DaemonFailure where failure.code == "weak-passphrase" {
                throw CLIError("that passphrase is too weak: \(failure.message)")
            } catch let failure as DaemonFailure where failure.status == 401 {
                throw CLIError("the enrollment code does not work: \(failure.message)")
            }
            let facilitates = response.facilitates ?? []
            let memberOf = (response.groups ?? []).filter { !facilitates.contains($0) }
            var described = Self.role(response.principal.role, facilitating: facilitates)
            if !memberOf.isEmpty {
                let list = memberOf.joined(separator: ", ")
                described = described == "member" ? "member of \(list)" : "\(described), member of \(list)"
            }
            print(DisplayText.line("enrolled \(response.principal.name) (\(described))"))
            print("key fingerprint: \(response.fingerprint)")
            print("")
            print("RECOVERY KEY — shown this once. Write it down and keep it offline.")
            print("It resets your passphrase; without it and your passphrase nobody can open your journal.")
            print("")
            for line in Self.grouped(response.recoveryKey) { print("    \(line)") }
            print("")
            print("next: tacit login --name \(response.principal.name)")
        }

        /// "member", or "member, facilitator of north" for a member who facilitates groups.
        static func role(_ role: String, facilitating groups: [String]) -> String {
            groups.isEmpty ? role : "\(role), facilitator of \(groups.joined(separator: ", "))"
        }

        /// The recovery key in lines of four groups of four characters.
        static func grouped(_ key: String) -> [String] {
            let characters = key.filter { $0.isLetter || $0.isNumber }
            let groups = stride(from: 0, to: characters.count, by: 4).map { start -> String in
                let from = characters.index(characters.startIndex, offsetBy: start)
                let to = characters.index(from, offsetBy: min(4, characters.count - start))
                return String(characters[from..<to])
            }
            return stride(from: 0, to: groups.count, by: 4).map { groups[$0..<min($0 + 4, groups.count)].joined(separator: "-") }
        }
    }

    /// `tacit login --name NAME`.
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unlock your journal: start a session on the daemon.",
            discussion: """
            The session token is cached for this socket under $XDG_RUNTIME_DIR/tacit (mode 0600) until \
            `tacit logout`; the capture token for `tacit jot` is kept under $XDG_STATE_HOME/tacit.

            Example:
              tacit login --name ali
              tacit login --name ali --passphrase-file ~/.config/tacit/passphrase
            """
        )

        @OptionGroup var connection: Connection
        @Option(help: "Your name.") var name: String
        @OptionGroup var passphrase: PassphraseOptions
        @Flag(help: "Accept a manifest counter lower than the one this computer saw before (after a restore the operator announced).")
        var acceptRollback = false

        func validate() throws { try Arguments.checkName(name, "--name") }

        func run() async throws {
            let secret = try Secrets.read("passphrase", file: passphrase.passphraseFile, prompt: "Passphrase for \(name): ")
            let store = SessionStore(socketPath: connection.socketPath)
            let response = try await Self.unlock(client: connection.client, store: store, name: name, passphrase: secret,
                                                 acceptRollback: acceptRollback)
            let minutes = response.idleSeconds / 60
            var role = response.principal.role
            if role == "member" {
                // A facilitator is a member appointed in a group: say where, as `tacit whoami` does.
                let me: WhoAmIResponse? = try? await connection.client.call(.GET, "/v1/whoami", credential: .bearer(response.token))
                role = Enroll.role(role, facilitating: (me?.groups ?? []).filter { $0.facilitator == response.principal.name }.map(\.name))
            }
            print(DisplayText.line("logged in as \(response.principal.name) (\(role)) until \(DateText.minute(response.expiresAt)); "
                                   + "locks after \(minutes) idle minutes"))
            for notice in response.notices { print("note: \(notice)") }
        }

        /// Unlocks, checks the manifest counter against the one remembered, and caches the tokens.
        ///
        /// - Throws: `CLIError` for a counter lower than remembered (the journal may have been rolled
        ///   back), wrong credentials, or a backoff.
        static func unlock(client: DaemonClient, store: SessionStore, name: String, passphrase: String,
                           acceptRollback: Bool) async throws -> SessionResponse {
            let response: SessionResponse
            do {
                response = try await client.call(.POST, "/v1/sessions", body: UnlockRequest(name: name, passphrase: passphrase))
            } catch let failure as DaemonFailure where failure.code == "invalid-credentials" {
                // Names are lowercase: `Ali` is (almost always) ali mistyped. The hint is the
                // naming rule's, so it says nothing about who exists.
                let lower = name.lowercased()
                if lower != name, (try? Names.checkPrincipal(lower)) != nil {
                    throw CLIError("\(failure.cliError.message) — names are lowercase: did you mean --name \(lower)?")
                }
                throw failure.cliError
            } catch let failure as DaemonFailure {
                throw failure.cliError
            }
            var state = store.state()
            let principal = response.principal.name
            if let remembered = state.members[principal]?.manifestCounter, response.manifestCounter < remembered, !acceptRollback {
                _ = try? await client.send(.DELETE, "/v1/sessions/current", credential: .bearer(response.token))
                throw CLIError("""
                    WARNING: the daemon reports manifest counter \(response.manifestCounter) for \(principal), \
                    lower than \(remembered) seen before from this computer.
                    Your journal may have been rolled back to an older copy: entries written since could be missing.
                    Ask the operator whether a backup was restored. To accept it, log in with --accept-rollback.
                    """)
            }
            state.lastName = principal
            state.members[principal] = SessionStore.Member(captureToken: response.captureToken,
                                                            agreementKey: response.agreementKey,
                                                            manifestCounter: response.manifestCounter)
            try store.save(state)
            try store.save(SessionStore.Session(socket: store.socketPath, name: principal, token: response.token,
                                                expiresAt: response.expiresAt))
            return response
        }
    }

    /// `tacit logout [--all]`.
    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lock your journal: end this session (or, with --all, every session and the jot token).",
            discussion: """
            Example:
              tacit logout
              tacit logout --all      # also revokes the capture token `tacit jot` uses
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Flag(help: "End every session of yours, revoke the capture token and forget it on this computer (logs in first if it must).")
        var all = false

        func run() async throws {
            let store = SessionStore(socketPath: connection.socketPath)
            guard all else {
                let session = store.session()
                if let session {
                    // A session the daemon already ended needs no more than forgetting.
                    do {
                        try await connection.client.send(.DELETE, "/v1/sessions/current", credential: .bearer(session.token))
                    } catch let failure as DaemonFailure where failure.needsLogin {}
                }
                store.forgetSession()
                print(session == nil ? "not logged in" : "logged out")
                return
            }
            // Revoking the jot token takes a live session: with none (logged out, or ended), log in
            // first as the last name, from the passphrase file, the variable or the terminal.
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let name = account.name
            try await account.send(.DELETE, "/v1/sessions")
            store.forgetSession()
            var state = store.state()
            if let name {
                state.members[name] = nil
                if state.lastName == name { state.lastName = nil }
                try store.save(state)
            }
            print("logged out everywhere; the jot token is revoked")
        }
    }

    /// `tacit whoami`.
    struct WhoAmI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whoami",
            abstract: "Show who is logged in, their groups and key fingerprint.",
            discussion: "Example:\n  tacit whoami")

        @OptionGroup var connection: Connection
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let me: WhoAmIResponse = try await Authenticated(connection).call(.GET, "/v1/whoami")
            if output.json { return try JSONOutput.print(me) }
            print(DisplayText.line("\(me.principal.name) (\(me.principal.role))"))
            print("key fingerprint: \(me.fingerprint)")
            print(DisplayText.line("groups: \(me.groups.isEmpty ? "none" : me.groups.map { $0.facilitator == me.principal.name ? "\($0.name) (facilitator)" : $0.name }.joined(separator: ", "))"))
            print("session ends: \(DateText.minute(me.expiresAt))")
        }
    }

    /// `tacit passphrase [--rotate]`.
    struct Passphrase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change your passphrase (with --rotate, also replace your root key).",
            discussion: """
            The current passphrase comes from --passphrase-file, $TACIT_PASSPHRASE or a prompt; the new one \
            from --new-passphrase-file, $TACIT_NEW_PASSPHRASE or a prompt (asked twice). With --rotate your old \
            recovery key stops working and a new one is printed, once: store it offline.

            Example:
              tacit passphrase
              tacit passphrase --rotate
            """
        )

        @OptionGroup var connection: Connection
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: ArgumentHelp("Read the new passphrase from FILE.", valueName: "FILE")) var newPassphraseFile: String?
        @Flag(help: "Also replace the root key and re-wrap everything under it (ends every session).") var rotate = false

        func run() async throws {
            let account = Authenticated(connection, passphraseFile: passphrase.passphraseFile)
            let current = try Secrets.read("current passphrase", file: passphrase.passphraseFile, prompt: "Current passphrase: ")
            let new = try Secrets.read("new passphrase", file: newPassphraseFile, option: "--new-passphrase-file", variable: "TACIT_NEW_PASSPHRASE",
                                       prompt: "New passphrase (12 characters or more): ", confirm: true)
            let change = PassphraseChangeRequest(current: current, new: new, rotate: rotate)
            do {
                if rotate {
                    let rotated: RotationResponse = try await account.call(.POST, "/v1/passphrase", body: change)
                    account.store.forgetSession()
                    print(current == new ? "root key rotated (the passphrase is unchanged); every session ended — log in again"
                                         : "passphrase changed and root key rotated; every session ended — log in again")
                    print("")
                    print("NEW RECOVERY KEY — shown this once; the old one no longer works. Write it down and keep it offline.")
                    print("")
                    for line in Enroll.grouped(rotated.recoveryKey) { print("    \(line)") }
                    print("")
                } else {
                    let changed: PassphraseChangeResponse = try await account.call(.POST, "/v1/passphrase", body: change)
                    account.store.replaceCaptureToken(changed.captureToken)
                    print("passphrase changed; your sessions and jots elsewhere ended (this one goes on)")
                }
            } catch let failure as DaemonFailure where failure.code == "weak-passphrase" {
                throw CLIError("that passphrase is too weak: \(failure.message)")
            } catch let failure as DaemonFailure where failure.code == "invalid-credentials" {
                // The session is good: only the current passphrase can have been wrong.
                throw CLIError("wrong current passphrase; nothing changed")
            }
        }
    }

    /// `tacit recover --name NAME`.
    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new passphrase with your recovery key.",
            discussion: """
            The recovery key comes from --recovery-key-file, $TACIT_RECOVERY_KEY or a prompt (spaces and \
            dashes ignored); the new passphrase from --passphrase-file (or --new-passphrase-file, as \
            `tacit passphrase` names it), $TACIT_PASSPHRASE or a prompt.

            Example:
              tacit recover --name ali
            """
        )

        @OptionGroup var connection: Connection
        @Option(help: "Your name.") var name: String
        @Option(help: ArgumentHelp("Read the recovery key from FILE.", valueName: "FILE")) var recoveryKeyFile: String?
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: ArgumentHelp("Read the new passphrase from FILE (the same as --passphrase-file here).", valueName: "FILE"))
        var newPassphraseFile: String?

        func validate() throws {
            try Arguments.checkName(name, "--name")
            if passphrase.passphraseFile != nil, newPassphraseFile != nil {
                throw ValidationError("give the new passphrase once: --passphrase-file or --new-passphrase-file")
            }
        }

        func run() async throws {
            let key = try Secrets.read("recovery key", file: recoveryKeyFile, option: "--recovery-key-file", variable: "TACIT_RECOVERY_KEY",
                                       prompt: "Recovery key: ")
            let new = try Secrets.read("new passphrase", file: newPassphraseFile ?? passphrase.passphraseFile, option: "--new-passphrase-file",
                                       prompt: "New passphrase (12 characters or more): ", confirm: true)
            // A slip in typing the key is said here, where it was typed (the daemon's answer repeats
            // nothing of it): how many characters it has, and a 1, which is I or L.
            let characters = key.filter { !"- \t".contains($0) }
            let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz23456708")
            if characters.count != 52 || !characters.allSatisfy(alphabet.contains) {
                throw CLIError("this is not a recovery key: it has 52 characters, letters A–Z and digits 2–7 (\(characters.count) given"
                               + (characters.contains("1") ? "; 1 is not one of them — it is I or L" : "") + ")")
            }
            do {
                try await connection.client.send(.POST, "/v1/recover", body: RecoverRequest(name: name, recoveryKey: key, passphrase: new))
            } catch let failure as DaemonFailure where failure.status == 401 {
                // As at login: the naming rule's hint, which says nothing about who exists.
                let lower = name.lowercased()
                if lower != name, (try? Names.checkPrincipal(lower)) != nil {
                    throw CLIError("wrong name or recovery key — names are lowercase: did you mean --name \(lower)?")
                }
                throw CLIError("wrong name or recovery key")
            } catch let failure as DaemonFailure where failure.code == "weak-passphrase" {
                throw CLIError("that passphrase is too weak: \(failure.message)")
            }
            SessionStore(socketPath: connection.socketPath).forgetSession()
            print("new passphrase set for \(name); every session and jot token ended — log in with `tacit login --name \(name)`")
            print("your recovery key still works; if someone else may have seen it, replace it: `tacit passphrase --rotate`")
        }
    }
}
