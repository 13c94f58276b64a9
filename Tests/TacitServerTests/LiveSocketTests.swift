import Foundation
import Glibc
import Logging
import Testing
import TacitAPI
import TacitSpawn
import TacitVault
@testable import TacitServer

/// The daemon on its real Unix socket.
@Suite(.serialized) struct LiveSocketTests {
    /// Starts the daemon's `run()` in a task and waits until it listens.
    static func start(_ test: TestDaemon) async throws -> Task<Void, any Error> {
        let ready = AsyncStream<Void>.makeStream()
        let task = Task { try await test.daemon.run(signals: [], onReady: { ready.continuation.yield() }) }
        for await _ in ready.stream { break }
        return task
    }

    /// Enrolls the operator "olivia" with the bootstrap code over the socket and logs in: the token.
    static func enrollOperatorAndLogIn(_ test: TestDaemon) async throws -> String {
        let path = test.daemon.layout.socketPath
        _ = try await UnixHTTP.send(socket: path, "POST", "/v1/enroll", body: String(decoding: try JSONEncoder().encode(
            EnrollRequest(code: test.daemon.bootstrapCode!, name: "olivia", passphrase: TestDaemon.passphrase)), as: UTF8.self))
        let login = try await UnixHTTP.send(socket: path, "POST", "/v1/sessions", body: String(decoding: try JSONEncoder().encode(
            UnlockRequest(name: "olivia", passphrase: TestDaemon.passphrase)), as: UTF8.self))
        return try JSONDecoder().decode([String: JSONAny].self, from: login.body)["token"]!.string!
    }

    @Test func servesHealthOnAPrivateSocketAndCleansUpOnStop() async throws {
        let test = try await TestDaemon()
        let task = try await Self.start(test)
        let path = test.daemon.layout.socketPath
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        let health = try await UnixHTTP.send(socket: path, "GET", "/v1/health")
        #expect(health.status == 200)
        #expect(String(decoding: health.body, as: UTF8.self).contains(#""status":"ok""#))

        // curl, as a user would, when it is installed.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") {
            // Waited for on a thread of its own (see UnixHTTP.send), and bounded.
            let curl = try await onOwnThread {
                try ChildProcess.run("/usr/bin/curl", ["-s", "--max-time", "10", "--unix-socket", path, "http://localhost/v1/health"],
                                     timeout: .seconds(15))
            }
            #expect(curl.outputText.contains("\"ok\""))
        }

        await test.daemon.stop()
        try await task.value
        #expect(!FileManager.default.fileExists(atPath: path), "the socket is removed on stop")
        // The anchor was written at shutdown and the database reopens cleanly.
        let reopened = try await Vault.open(directory: test.daemon.layout.data, keysDirectory: test.daemon.layout.keys,
                                            configuration: .testing())
        try reopened.close()
    }

    /// The daemon runs with umask 077: the database, its -wal and -shm, Keys/ and Data/ are the
    /// owner's alone, whatever umask the daemon was started with. Only instance.pub is 0644, by
    /// its own explicit mode (tacit.json and clock are the test's files, written before the daemon).
    /// With `socketGroup` the socket is 0660 and that group's; a group that does not exist stops
    /// the start before the home is touched (the daemon used to serve a 0600 socket and log an error).
    /// A body streamed without a Content-Length is found too large only while it is read: it is
    /// the same 413 as a declared one (it was a 500), before and after logging in.
    @Test func aStreamedBodyOverTheLimitIs413() async throws {
        let test = try await TestDaemon()
        let task = try await Self.start(test)
        let path = test.daemon.layout.socketPath
        let token = try await Self.enrollOperatorAndLogIn(test)
        for (target, token) in [("/v1/sessions", nil), ("/v1/enroll", nil), ("/v1/groups", token), ("/v1/entries/import", token)] {
            let response = try await UnixHTTP.postChunked(socket: path, target, token: token, size: 1_048_576 + 65_536)
            #expect(response.status == 413, "\(target): \(response.status) \(String(decoding: response.body, as: UTF8.self))")
            #expect(String(decoding: response.body, as: UTF8.self).contains("too-large"), "\(target)")
            #expect(String(decoding: response.body, as: UTF8.self).contains("limit of 1048576 bytes (1 MiB)"), "\(target)")
        }
        await test.daemon.stop()
        try await task.value
    }

    /// A client that stops halfway through a request — in its headers, or in a body shorter than
    /// its Content-Length — is let go of after `connectionIdleSeconds`, instead of holding its
    /// connection (and the handler waiting for the body) for ever; so is one idle between requests.
    /// The daemon logs no error for it and goes on serving.
    @Test func aClientThatStopsSendingIsLetGo() async throws {
        let test = try await TestDaemon(configuration: #", "connectionIdleSeconds": 1"#)
        let task = try await Self.start(test)
        let path = test.daemon.layout.socketPath
        let stalls = [
            "POST /v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"name\":",
            "GET /v1/health HTTP/1.1\r\nHost: local",
            "",
        ]
        for stall in stalls {
            let (closed, seconds) = try await onOwnThread { () throws -> (Bool, Double) in
                let descriptor = try UnixHTTP.connect(path)
                defer { close(descriptor) }
                var tv = timeval(tv_sec: 15, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                let bytes = Array(stall.utf8)
                _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                let started = ContinuousClock.now
                var buffer = [UInt8](repeating: 0, count: 4096)
                var n = recv(descriptor, &buffer, buffer.count, 0)
                // A reply before the close is allowed; the connection must end all the same.
                while n > 0 { n = recv(descriptor, &buffer, buffer.count, 0) }
                let elapsed = ContinuousClock.now - started
                return (n == 0, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
            #expect(closed, "the daemon closes the connection of \(stall.debugDescription)")
            #expect(seconds < 10, "\(stall.debugDescription): closed after \(seconds) s")
        }
        #expect(try await UnixHTTP.send(socket: path, "GET", "/v1/health").status == 200)
        #expect(!test.logs.text.contains("unexpected error"), "a stalled client is not the daemon's fault")
        await test.daemon.stop()
        try await task.value
    }

    /// Bytes HTTP's parser cannot read get the daemon's JSON 400 like any other refusal (they had
    /// an empty 400 from Hummingbird), and the connection ends; the daemon serves on.
    @Test func whatIsNotHTTPGetsAJSONBadRequest() async throws {
        let test = try await TestDaemon()
        let task = try await Self.start(test)
        let path = test.daemon.layout.socketPath
        let garbage = [
            "HELLO THERE\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\nHost localhost\r\n\r\n",
            "POST /v1/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Length: many\r\n\r\n{}",
            "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(String(repeating: "x", count: 120_000))\r\n\r\n",
        ]
        for bytes in garbage {
            let response = try UnixHTTP.parse(try await UnixHTTP.exchange(socket: path, bytes))
            #expect(response.status == 400, "\(bytes.debugDescription)")
            #expect(response.headers["content-type"]?.hasPrefix("application/json") == true, "\(response.headers)")
            let error = try? JSONDecoder().decode(APIErrorBody.self, from: response.body)
            #expect(error?.error.code == "bad-request", "\(bytes.debugDescription): \(String(decoding: response.body, as: UTF8.self))")
        }
        // Pipelined behind requests being answered, the garbage never overtakes their answers.
        let health = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
        let pipelined = String(decoding: try await UnixHTTP.exchange(socket: path, health + health + "HELLO THERE\r\n\r\n"),
                               as: UTF8.self)
        let statuses = pipelined.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
        #expect(statuses == ["200", "200", "400"], "\(pipelined)")
        #expect(pipelined.hasSuffix(String(decoding: ProtocolErrorHandler.body.readableBytesView, as: UTF8.self)), "\(pipelined)")
        // A body broken after its request was answered (health reads no body) gets no second
        // answer: one 200, and the connection ends.
        for broken in ["GET /v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                       "GET /v1/nothing HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n"] {
            let answers = String(decoding: try await UnixHTTP.exchange(socket: path, broken), as: UTF8.self)
            let statuses = answers.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
            #expect(statuses.count == 1 && statuses.first != "400", "\(broken.debugDescription): \(answers)")
        }
        // A body broken while its route reads it gets that route's one JSON 400, and no second.
        let reading = "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
            + "3\r\n{\"a\r\nXYZ\r\n"
        let once = String(decoding: try await UnixHTTP.exchange(socket: path, reading), as: UTF8.self)
        #expect(once.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) } == ["400"], "\(once)")
        #expect(once.contains("application/json") && once.contains("\"bad-request\""), "\(once)")
        #expect(try await UnixHTTP.send(socket: path, "GET", "/v1/health").status == 200)
        await test.daemon.stop()
        try await task.value
    }

    @Test func aConfiguredSocketGroupGetsTheSocketOrTheStartIsRefused() async throws {
        let group = try #require(getgrgid(getegid())).pointee
        let name = String(cString: group.gr_name)
        let test = try await TestDaemon(configuration: #", "socketGroup": "\#(name)""#)
        let task = try await Self.start(test)
        var info = stat()
        #expect(stat(test.daemon.layout.socketPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(info.st_gid == group.gr_gid)
        await test.daemon.stop()
        try await task.value

        let home = "/tmp/tacit-group-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: home) }
        try #"{"socketGroup": "no-such-group-\#(UUID().uuidString.prefix(6).lowercased())"}"#
            .write(toFile: home + "/tacit.json", atomically: true, encoding: .utf8)
        do {
            _ = try await Daemon.prepare(Daemon.Options(layout: HomeLayout(home: URL(fileURLWithPath: home))), logger: Logger(label: "group"))
            Issue.record("a socket group that does not exist was accepted")
        } catch let error as DaemonError {
            #expect(error.description.contains("does not exist") && error.description.contains("socketGroup"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: home) == ["tacit.json"])
    }

    @Test func everyFileTheDaemonCreatesIsPrivate() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let test = try await TestDaemon()
        let task = try await Self.start(test)
        _ = try await Self.enrollOperatorAndLogIn(test)
        let home = test.daemon.layout.home.path
        var checked: [String] = []
        let walker = FileManager.default.enumerator(atPath: home)
        while let relative = walker?.nextObject() as? String {
            guard !["tacit.json", "clock", "Keys/instance.pub"].contains(relative) else { continue }
            var info = stat()
            guard lstat(home + "/" + relative, &info) == 0 else { continue }
            #expect(info.st_mode & 0o077 == 0, "\(relative) has mode \(String(info.st_mode & 0o777, radix: 8))")
            checked.append(relative)
        }
        #expect(checked.contains("Data/tacit.sqlite"))
        #expect(checked.contains("Data/tacit.sqlite-wal"))
        #expect(checked.contains("Data/tacit.sqlite-shm"))
        var info = stat()
        #expect(stat(home + "/Keys/instance.pub", &info) == 0 && info.st_mode & 0o777 == 0o644)
        await test.daemon.stop()
        try await task.value
    }

    @Test func aStaleSocketIsReplacedButALiveOneIsNot() async throws {
        let test = try await TestDaemon()
        let path = test.daemon.layout.socketPath
        // A socket file nobody listens on: what a killed daemon leaves.
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(descriptor)
        #expect(FileManager.default.fileExists(atPath: path))

        let task = try await Self.start(test)
        #expect(try await UnixHTTP.send(socket: path, "GET", "/v1/health").status == 200)
        // A second daemon on the same live socket refuses to start.
        do {
            try SocketPlacement.prepare(path: path)
            Issue.record("a live socket was accepted")
        } catch let problem as SocketPlacement.Problem {
            #expect(problem.description.contains("already listening"))
        }
        await test.daemon.stop()
        try await task.value
    }

    @Test func refusesLongPathsAndWorldWritableFolders() throws {
        let long = "/tmp/" + String(repeating: "x", count: 120) + ".sock"
        #expect(throws: SocketPlacement.Problem.self) { try SocketPlacement.prepare(path: long) }
        let open = "/tmp/tacit-open-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        defer { try? FileManager.default.removeItem(atPath: open) }
        do {
            try SocketPlacement.prepare(path: open + "/tacit.sock")
            Issue.record("a world-writable folder was accepted")
        } catch let problem as SocketPlacement.Problem {
            #expect(problem.description.contains("writable by other users"))
        }
        // A regular file in the socket's place is never removed.
        let regular = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-socket-\(UUID().uuidString.prefix(6))")
        try Data("keep me".utf8).write(to: regular)
        defer { try? FileManager.default.removeItem(at: regular) }
        #expect(throws: SocketPlacement.Problem.self) { try SocketPlacement.prepare(path: regular.path) }
        #expect(FileManager.default.fileExists(atPath: regular.path))
    }

    /// The socket's place is checked before the home is touched: a refused start leaves no Keys/
    /// or Data/, and a second daemon on a served home never opens the first one's database.
    @Test func aRefusedStartTouchesNothingInTheHome() async throws {
        let open = "/tmp/tacit-open-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        defer { try? FileManager.default.removeItem(atPath: open) }
        do {
            _ = try await Daemon.prepare(Daemon.Options(layout: HomeLayout(home: URL(fileURLWithPath: open))), logger: Logger(label: "open"))
            Issue.record("a home others can write was served")
        } catch let error as DaemonError {
            #expect(error.description.contains("writable by other users"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: open).isEmpty)
        // With its socket elsewhere too; and a configuration or policy file others can write,
        // which would let any local user set the daemon's rules.
        let socketFolder = "/tmp/tacit-s-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: socketFolder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: socketFolder) }
        let home = URL(fileURLWithPath: socketFolder + "/home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let openHome = HomeLayout(home: URL(fileURLWithPath: open), socketPath: socketFolder + "/t.sock")
        let config = home.appendingPathComponent("tacit.json"), policy = home.appendingPathComponent("extra.cedar")
        try Data(#"{"testing": true, "scryptLog2N": 10}"#.utf8).write(to: config)
        try Data("permit (principal, action, resource) when { false };\n".utf8).write(to: policy)
        chmod(config.path, 0o664)  // group-writable is refused too, for a group not the owner's own
        chown(config.path, getuid(), 100)
        chmod(policy.path, 0o666)
        for (options, named) in [(Daemon.Options(layout: openHome), open),
                                 (Daemon.Options(layout: HomeLayout(home: home, socketPath: socketFolder + "/t.sock")), config.path),
                                 (Daemon.Options(layout: HomeLayout(home: home, socketPath: socketFolder + "/t.sock"), policyFile: policy),
                                  policy.path)] {
            if named == policy.path { chmod(config.path, 0o600) }
            if named == config.path, Daemon.isPrivateGroup(100, of: getuid()) { continue }
            do {
                _ = try await Daemon.prepare(options, logger: Logger(label: "open"))
                Issue.record("\(named), writable by other users, was accepted")
            } catch let error as DaemonError {
                #expect(error.description.contains("(\(named)) is writable by other users (mode 6") || named == open, "\(error)")
                #expect(error.description.contains("writable by other users"), "\(error)")
            }
        }
        // A home not made yet, in a folder others can write: refused at its first start, not its second.
        do {
            _ = try await Daemon.prepare(Daemon.Options(layout: HomeLayout(home: URL(fileURLWithPath: open + "/child"),
                                                                           socketPath: socketFolder + "/t.sock")),
                                         logger: Logger(label: "child"))
            Issue.record("a home in a folder others can write was made")
        } catch let error as DaemonError {
            #expect(error.description.contains("is in \(open), which other users can write"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: open).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path).sorted() == ["extra.cedar", "tacit.json"])
        // A umask of 002 makes files writable by the owner's private group, which is only them: accepted.
        if let me = getpwuid(getuid())?.pointee, Daemon.isPrivateGroup(me.pw_gid, of: getuid()) {
            try Data(#"{"testing": true, "scryptLog2N": 10}"#.utf8).write(to: config)
            chown(config.path, getuid(), me.pw_gid)
            chmod(config.path, 0o664)
            let accepted = try await Daemon.prepare(Daemon.Options(layout: HomeLayout(home: home, socketPath: socketFolder + "/t.sock")),
                                                    logger: Logger(label: "private"))
            await accepted.shutDown()
            for made in ["Keys", "Data"] { try FileManager.default.removeItem(at: home.appendingPathComponent(made)) }
            chmod(config.path, 0o600)
        }
        // scrypt's memory is checked before the home is touched too (it had left Keys/ behind).
        try Data(#"{"scryptLog2N": 19}"#.utf8).write(to: config)
        do {
            _ = try await Daemon.prepare(Daemon.Options(layout: HomeLayout(home: home, socketPath: socketFolder + "/t.sock")),
                                         logger: Logger(label: "scrypt"))
            Issue.record("scryptLog2N 19 was accepted")
        } catch let error as DaemonError {
            #expect(error.description.contains("scryptLog2N"), "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.path).sorted() == ["extra.cedar", "tacit.json"])

        let test = try await TestDaemon()
        let task = try await Self.start(test)
        do {
            _ = try await Daemon.prepare(Daemon.Options(layout: test.daemon.layout), logger: Logger(label: "second"))
            Issue.record("a second daemon opened a served home")
        } catch let error as DaemonError {
            #expect(error.description.contains("already listening"))
        }
        // Nor with a socket of its own: the home is locked, and the refusal names the process.
        let folder = "/tmp/tacit-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let elsewhere = folder + "/t.sock"
        let second = Daemon.Options(layout: HomeLayout(home: test.daemon.layout.home, socketPath: elsewhere))
        do {
            _ = try await Daemon.prepare(second, logger: Logger(label: "second"))
            Issue.record("a second daemon opened a served home through another socket")
        } catch let error as DaemonError {
            #expect(error.description.contains("another tacit daemon (process \(getpid())) is serving \(test.daemon.layout.home.path)"),
                    "\(error)")
        }
        #expect(try await UnixHTTP.send(socket: test.daemon.layout.socketPath, "GET", "/v1/health").status == 200)
        await test.daemon.stop()
        try await task.value
        // Stopped, the home is free again.
        let next = try await Daemon.prepare(second, logger: Logger(label: "next"))
        await next.shutDown()
    }

    @Test func gracefulStopFinishesRequestsInFlight() async throws {
        // scrypt at 2^15 takes tens of milliseconds, so the unlocks are still running at stop.
        let test = try await TestDaemon(scryptLog2N: 15)
        let task = try await Self.start(test)
        let path = test.daemon.layout.socketPath
        _ = try await UnixHTTP.send(socket: path, "POST", "/v1/enroll", body: String(decoding: try JSONEncoder().encode(
            EnrollRequest(code: test.daemon.bootstrapCode!, name: "olivia", passphrase: TestDaemon.passphrase)), as: UTF8.self))
        let body = String(decoding: try JSONEncoder().encode(UnlockRequest(name: "olivia", passphrase: TestDaemon.passphrase)), as: UTF8.self)
        let derivationsBefore = test.daemon.vault.derivationsRun
        // Blocking clients on threads of their own, not on the cooperative pool.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try await UnixHTTP.send(socket: path, "POST", "/v1/sessions", body: body).status }
            }
            // Stop once the daemon is deriving for at least one of them: not before it took one up.
            let deadline = Date().addingTimeInterval(20)
            while test.daemon.vault.derivationsRun == derivationsBefore, Date() < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            await test.daemon.stop()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Every request the daemon took up before the stop got its whole answer (201); one still in
        // the listen queue may be closed unanswered (0) — never answered in part, never with an error.
        #expect(statuses.allSatisfy { $0 == 201 || $0 == 0 }, "\(statuses)")
        #expect(statuses.contains(201), "the unlocks under way when the stop came finished")
        try await task.value
        #expect(!FileManager.default.fileExists(atPath: path))
        // The operator is told it stopped cleanly, with the keys of each session the unlocks opened wiped.
        let opened = statuses.filter { $0 == 201 }.count
        #expect(test.logs.text.contains("stopped cleanly") && test.logs.text.contains("\"sessionsWiped\": \(opened)"), "\(test.logs.text.suffix(300))")
    }

    @Test func aTokenPresentedFromAnotherUIDIsRefused() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            print("skipped: needs root, setpriv and curl to act as a second local user")
            return
        }
        let test = try await TestDaemon()
        let task = try await Self.start(test)
        let path = test.daemon.layout.socketPath
        let token = try await Self.enrollOperatorAndLogIn(test)
        // Let another user reach the socket at all (a deployment would use the tacit group), then
        // present the stolen token as that user.
        chmod(test.home.path, 0o755)
        chmod(path, 0o666)
        let curl = try await onOwnThread {
            try ChildProcess.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/curl", "-s",
                                                      "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", path,
                                                      "-H", "Authorization: Bearer \(token)", "http://localhost/v1/whoami"],
                                 timeout: .seconds(15))
        }
        let output = curl.outputText
        #expect(output == "401")
        // The owner's uid still works.
        #expect(try await UnixHTTP.send(socket: path, "GET", "/v1/whoami", token: token).status == 200)
        await test.daemon.stop()
        try await task.value
    }

    /// The uid is asked of the kernel once per connection and kept only while it is open: a new
    /// connection (perhaps at a freed channel's address) is asked again.
    @Test func peerUIDsAreKeptPerOpenConnectionOnly() async throws {
        let test = try await TestDaemon()
        let task = try await Self.start(test)
        let path = test.daemon.layout.socketPath
        let token = try await Self.enrollOperatorAndLogIn(test)
        for _ in 0..<20 { #expect(try await UnixHTTP.send(socket: path, "GET", "/v1/whoami", token: token).status == 200) }
        // Each request above used its own connection and closed it: nothing may stay kept.
        let peers = test.daemon.state.peers
        let deadline = Date().addingTimeInterval(10)
        while peers.keptCount > 0, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(peers.keptCount == 0)
        await test.daemon.stop()
        try await task.value
    }

    @Test func unknownNamesCostTheSameDerivationAsKnownOnes() async throws {
        let test = try await TestDaemon()
        let vault = test.daemon.state.vault
        _ = try await vault.enroll(code: test.daemon.bootstrapCode!, name: "olivia", passphrase: .init(utf8: TestDaemon.passphrase))
        let before = vault.derivationsRun
        await #expect(throws: VaultError.self) { _ = try await vault.unlock(name: "olivia", passphrase: .init(utf8: "wrong passphrase!")) }
        let afterKnown = vault.derivationsRun
        await #expect(throws: VaultError.self) { _ = try await vault.unlock(name: "nobody-here", passphrase: .init(utf8: "wrong passphrase!")) }
        let afterUnknown = vault.derivationsRun
        #expect(afterKnown - before == 1)
        #expect(afterUnknown - afterKnown == 1)
    }
}

/// Just enough of JSON to read one string field in tests.
enum JSONAny: Decodable {
    case string(String)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = (try? container.decode(String.self)).map(JSONAny.string) ?? .other
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
}
