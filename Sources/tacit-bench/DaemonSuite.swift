import Foundation
import Logging
import TacitCrypto
import TacitServer
import TacitVault
import TacitSpawn

/// The daemon suite: Tacit's API on its Unix socket beside nginx (the ceiling for an HTTP server on
/// these cores) and a bare Hummingbird hello (the framework's floor), in the same run, with
/// `../shared/bench/udsload.c` as the load generator.
///
/// Needs gcc (to build udsload), curl (setup), and for the nginx column `nginx-light`.
/// `TACIT_BENCH_DAEMON_ONLY=health,read,roster,write,sessions` runs only those steps; `hold` keeps the
/// daemon up for loading and profiling by hand.
enum DaemonSuite {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/bench")

    static func run() async throws {
        let only = ProcessInfo.processInfo.environment["TACIT_BENCH_DAEMON_ONLY"].map { Set($0.split(separator: ",").map(String.init)) }
        func wanted(_ step: String) -> Bool { only?.contains(step) ?? true }
        let work = URL(fileURLWithPath: "/tmp/tb-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: work) }
        let udsload = work.appendingPathComponent("udsload").path
        guard shell("/usr/bin/gcc", ["-O2", "-o", udsload, shared.appendingPathComponent("udsload.c").path]).status == 0 else {
            print("daemon suite: cannot build udsload (gcc, ../shared/bench/udsload.c); skipped")
            return
        }
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

        // The references: nginx and a bare Hummingbird hello, each on its own socket.
        let nginxSocket = work.appendingPathComponent("nginx.sock").path
        var nginx: ChildProcess?
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") {
            nginx = try start(shared.appendingPathComponent("reference-nginx").path, [nginxSocket])
        } else {
            print("nginx not installed (apt-get install -y nginx-light): its column is empty")
        }
        let helloSocket = work.appendingPathComponent("hello.sock").path
        let hello = try start(binaries.appendingPathComponent("tacit-hello").path, [helloSocket])
        defer {
            hello.terminate(); hello.wait()
            if let nginx { nginx.send(SIGQUIT); nginx.wait() }
        }

        // Tacit, in this process, on a fresh home with fast scrypt so setup is quick (setup only).
        let home = work.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try #"{"testing": true, "scryptLog2N": 10, "sessionAbsoluteSeconds": 86400, "sessionIdleSeconds": 86400}"#
            .write(to: home.appendingPathComponent("tacit.json"), atomically: true, encoding: .utf8)
        let logger = Logger(label: "bench") { DaemonLogHandler(label: $0, logLevel: .error) }
        let daemon = try await Daemon.prepare(.init(layout: HomeLayout(home: home)), logger: logger)
        let ready = AsyncStream<Void>.makeStream()
        let serving = Task { try await daemon.run(signals: [], onReady: { ready.continuation.yield() }) }
        for await _ in ready.stream { break }
        let socket = daemon.layout.socketPath
        for path in [helloSocket, nginxSocket] where nginx != nil || path == helloSocket { try await waitFor(path) }

        let setup = try Setup(socket: socket, bootstrap: daemon.bootstrapCode!)

        // For profiling by hand: the daemon stays up with its bench group for
        // TACIT_BENCH_HOLD_SECONDS (default 600) and says how to load it.
        if wanted("hold") {
            let seconds = Double(ProcessInfo.processInfo.environment["TACIT_BENCH_HOLD_SECONDS"] ?? "") ?? 600
            print("holding the daemon for \(Int(seconds)) s; pid \(getpid()); udsload \(udsload)")
            print("shared read: -s \(socket) -p /v1/feed/\(setup.share) -H 'Authorization: Bearer \(setup.readerToken)'")
            print("own read:    -s \(socket) -p /v1/entries/\(setup.entry) -H 'Authorization: Bearer \(setup.writerToken)'")
            print("bare Hummingbird: -s \(helloSocket) -p /v1/health")
            try await Task.sleep(for: .seconds(seconds))
        }

        if wanted("health") {
            print("GET /v1/health, req/s (p99 µs), 5 s after 1 s warm-up; ratio = Tacit / bare Hummingbird")
            var rows: [[String]] = []
            for connections in [1, 8, 64] {
                let ng = nginx == nil ? nil : await load(udsload, nginxSocket, connections, path: "/v1/health")
                let hb = await load(udsload, helloSocket, connections, path: "/v1/health")
                let tc = await load(udsload, socket, connections, path: "/v1/health")
                rows.append(["\(connections)", ng.map(\.summary) ?? "-", hb.summary, tc.summary,
                             Measure.format(tc.rate / hb.rate), ng.map { Measure.format(tc.p99 / $0.p99) } ?? "-"])
            }
            Measure.table(["conns", "nginx", "bare Hummingbird", "Tacit", "Tacit/HB", "p99 Tacit/nginx"], rows)
            print("goal: ≥ 0.9× bare Hummingbird at every concurrency; p99 at 1 connection ≤ 2× nginx's\n")
        }

        /// Two authenticated GETs, each beside bare Hummingbird's health in the same round, at 1 and
        /// 8 connections, as one table: req/s (p50 µs, p99 µs) and the ratios.
        func besideHummingbird(_ first: (title: String, path: String, token: String),
                               _ second: (title: String, path: String, token: String)) async {
            var rows: [[String]] = []
            for connections in [1, 8] {
                let hb = await load(udsload, helloSocket, connections, path: "/v1/health")
                let a = await load(udsload, socket, connections, path: first.path, token: first.token)
                let b = await load(udsload, socket, connections, path: second.path, token: second.token)
                rows.append(["\(connections)", a.detail, Measure.format(a.rate / hb.rate), b.detail,
                             Measure.format(b.rate / hb.rate), "\(a.errors + b.errors)"])
            }
            Measure.table(["conns", first.title, "ratio to bare HB", second.title, "ratio to bare HB", "errors"], rows)
        }

        if wanted("read") {
            print("GET /v1/feed/{share}: session, policy, decrypt, cached signature check, audit record; req/s (p50 µs, p99 µs)")
            print("beside it GET /v1/entries/{id}, the author reading the same entry: session, policy, decrypt, no audit record")
            await besideHummingbird(("Tacit read shared", "/v1/feed/\(setup.share)", setup.readerToken),
                                    ("author's own read", "/v1/entries/\(setup.entry)", setup.writerToken))
            print("goal: ≥ 0.3× bare Hummingbird at 8 connections; p99 at 1 connection ≤ 1000 µs")
            // The same read in this process, without HTTP, sessions, policy or audit: what the
            // vault's own work costs, so the table above can be read as vault + daemon.
            if let id = ShareID(setup.share) {
                let reader = try await daemon.vault.unlock(name: "bea", passphrase: SecretBytes(utf8: Setup.passphrase))
                _ = try await reader.sharedEntry(id)
                let count = Int(ProcessInfo.processInfo.environment["TACIT_BENCH_INPROCESS_READS"] ?? "") ?? 3000
                let start = Measure.now()
                for _ in 0..<count { _ = try await reader.sharedEntry(id) }
                let perRead = (Measure.now() - start) / Double(count) * 1e6
                // Eight tasks at once on the pool's threads: whether the vault's read itself scales
                // across the cores (the pool has a thread per core, the vault a short-read connection per core).
                let start8 = Measure.now()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 { group.addTask { for _ in 0..<(count / 8) { _ = try await reader.sharedEntry(id) } } }
                    try await group.waitForAll()
                }
                let rate8 = Double(count / 8 * 8) / (Measure.now() - start8)
                reader.lock()
                print("the same read in process (MemberSession.sharedEntry, one task): \(Measure.format(perRead, 1)) µs, "
                      + "\(Measure.format(1e6 / perRead, 0)) reads/s; eight tasks at once: \(Measure.format(rate8, 0)) reads/s\n")
            }
        }

        // Small reads of a member's own world: who am I, my group's roster (not goals of the issue;
        // they show what a read handed to another thread costs next to one on the request's own).
        if wanted("roster") {
            print("GET /v1/whoami and GET /v1/groups/bench as a member: session, a few indexed lookups, JSON; req/s (p50 µs, p99 µs)")
            await besideHummingbird(("whoami", "/v1/whoami", setup.readerToken), ("group show", "/v1/groups/bench", setup.readerToken))
            print("")
        }

        // The vault's own durable write rate, in this process, against the API's at 1 and 8 connections.
        if wanted("write") {
            let session = try await daemon.vault.unlock(name: "ali", passphrase: SecretBytes(utf8: Setup.passphrase))
            // As long as each API load (1 s warm-up, 5 s counted): a few hundred writes were too
            // few to be the same measurement twice (4,033-4,440/s over three runs).
            func vaultWrites(for seconds: Double) async throws -> (count: Int, seconds: Double) {
                let start = Measure.now()
                var count = 0
                while Measure.now() - start < seconds {
                    _ = try await session.write(.init(body: "durable write \(count)"))
                    count += 1
                }
                return (count, Measure.now() - start)
            }
            _ = try await vaultWrites(for: 1)
            let vaultBefore = daemon.vault.writeStatistics
            let vault = try await vaultWrites(for: 5)
            let vaultAfter = daemon.vault.writeStatistics
            let vaultRate = Double(vault.count) / vault.seconds
            session.lock()
            let body = #"{"body":"a practice note written through the API, about a kilobyte or less"}"#
            /// The writer thread's CPU per committed write between two readings, in µs.
            func writerCPU(_ before: WriteStatistics, _ after: WriteStatistics) -> String {
                let writes = after.writes - before.writes
                return writes > 0 ? Measure.format(Double(after.writerCPUNanoseconds - before.writerCPUNanoseconds) / Double(writes) / 1000, 0) : "-"
            }
            var writeRows: [[String]] = [["vault, in process", Measure.format(vaultRate, 0), "-", "-", "1.00", "1.0",
                                          writerCPU(vaultBefore, vaultAfter)]]
            for connections in [1, 8] {
                let before = daemon.vault.writeStatistics
                let writes = await load(udsload, socket, connections, path: "/v1/entries", token: setup.writerToken, method: "POST", body: body)
                let after = daemon.vault.writeStatistics
                let perCommit = Double(after.writes - before.writes) / Double(max(after.commits - before.commits, 1))
                writeRows.append(["API, \(connections) conn", Measure.format(writes.rate, 0), Measure.format(writes.p50, 0), Measure.format(writes.p99, 0),
                                  Measure.format(writes.rate / vaultRate), Measure.format(perCommit, 1), writerCPU(before, after)])
            }
            print("durable entry writes (each acknowledged after its commit), writes/s; every write, audit records included")
            Measure.table(["what", "writes/s", "p50 µs", "p99 µs", "ratio to vault", "writes per commit", "writer CPU µs/write"], writeRows)
            print("goal: ≥ 0.5× the vault at 1 connection; ≥ 2× at 8 (by committing concurrent writes together)\n")
        }

        // Resident memory with 1,000 live sessions.
        if wanted("sessions") {
            let before = residentMiB()
            for _ in 0..<1000 { _ = try setup.login("bea") }
            print("resident memory of this process: \(Measure.format(before, 1)) MiB before, \(Measure.format(residentMiB(), 1)) MiB with 1,000 more live sessions (goal ≤ 150 MiB)")
        }

        await daemon.stop()
        try await serving.value
    }

    // MARK: helpers

    struct Load {
        let rate: Double, p50: Double, p99: Double, errors: Int
        var summary: String { "\(Measure.format(rate, 0)) (\(Measure.format(p99, 0)))" }
        var detail: String { "\(Measure.format(rate, 0)) (\(Measure.format(p50, 0)), \(Measure.format(p99, 0)))" }
    }

    /// One udsload run, on a thread of its own. Waiting for it on the task's thread would block
    /// a thread of Swift's cooperative pool (as wide as the machine has cores, two here) for the
    /// whole run: the daemon in this process served every load with one thread instead of two.
    static func load(_ udsload: String, _ socket: String, _ connections: Int, path: String, token: String? = nil,
                     method: String = "GET", body: String? = nil) async -> Load {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: loadBlocking(udsload, socket, connections, path: path, token: token, method: method, body: body))
            }.start()
        }
    }

    private static func loadBlocking(_ udsload: String, _ socket: String, _ connections: Int, path: String, token: String?,
                                     method: String, body: String?) -> Load {
        var arguments = ["-s", socket, "-c", "\(connections)", "-d", "5", "-w", "1", "-p", path, "-m", method]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let body { arguments += ["-b", body, "-H", "Content-Type: application/json"] }
        let output = shell(udsload, arguments).output
        func field(_ name: String) -> Double {
            guard let range = output.range(of: "\(name)=") ?? output.range(of: "\(name) ") else { return 0 }
            let rest = output[range.upperBound...].prefix { $0.isNumber || $0 == "." }
            return Double(rest) ?? 0
        }
        return Load(rate: field("req_per_s"), p50: field("p50_us"), p99: field("p99_us"), errors: Int(field("errors")))
    }

    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }

    static func start(_ path: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess.spawn(path, arguments, input: .null, output: .null, error: .null)
    }

    static func waitFor(_ socket: String) async throws {
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(25)) }
    }

    @discardableResult
    static func shell(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        do {
            let result = try ChildProcess.run(path, arguments)
            return (result.termination.status, result.outputText + result.errorText)
        } catch {
            return (127, "\(error)")
        }
    }

    /// An organisation for the read and write measurements, made through the API with curl.
    struct Setup {
        static let passphrase = "a benchmark passphrase"
        let socket: String
        let share: String
        let entry: String
        let readerToken: String
        let writerToken: String

        init(socket: String, bootstrap: String) throws {
            self.socket = socket
            func field(_ object: [String: Any], _ name: String) throws -> String {
                guard let value = object[name] as? String else {
                    throw SetupFailure(description: "no \(name) in \(object)")
                }
                return value
            }
            func call(_ method: String, _ path: String, _ body: String?, _ token: String? = nil) throws -> [String: Any] {
                var arguments = ["-s", "--unix-socket", socket, "-X", method, "http://localhost\(path)"]
                if let body { arguments += ["-H", "Content-Type: application/json", "-d", body] }
                if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
                let output = DaemonSuite.shell("/usr/bin/curl", arguments).output
                guard let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
                    throw SetupFailure(description: "\(method) \(path) answered: \(output.prefix(200))")
                }
                return object
            }
            let pass = Self.passphrase
            _ = try call("POST", "/v1/enroll", #"{"code":"\#(bootstrap)","name":"olivia","passphrase":"\#(pass)"}"#)
            let olivia = try field(try call("POST", "/v1/sessions", #"{"name":"olivia","passphrase":"\#(pass)"}"#), "token")
            _ = try call("POST", "/v1/groups", #"{"name":"bench"}"#, olivia)
            for (name, role) in [("fiona", "facilitator"), ("ali", "member"), ("bea", "member")] {
                let code = try field(try call("POST", "/v1/invitations", #"{"name":"\#(name)","role":"\#(role)","group":"bench"}"#, olivia), "code")
                _ = try call("POST", "/v1/enroll", #"{"code":"\#(code)","name":"\#(name)","passphrase":"\#(pass)"}"#)
            }
            let fiona = try field(try call("POST", "/v1/sessions", #"{"name":"fiona","passphrase":"\#(pass)"}"#), "token")
            let formatter = ISO8601DateFormatter()
            let now = Date()
            _ = try call("POST", "/v1/cycles", #"{"group":"bench","session1":"\#(formatter.string(from: now.addingTimeInterval(60)))","session2":"\#(formatter.string(from: now.addingTimeInterval(30 * 86_400)))","topics":["Delegation"]}"#, fiona)
            writerToken = try field(try call("POST", "/v1/sessions", #"{"name":"ali","passphrase":"\#(pass)"}"#), "token")
            entry = try field(try call("POST", "/v1/entries", #"{"title":"Week 1","body":"\#(String(repeating: "practice notes ", count: 60))"}"#, writerToken), "id")
            share = try field(try call("POST", "/v1/shares", #"{"entry":"\#(entry)","group":true,"with":[]}"#, writerToken), "id")
            readerToken = try field(try call("POST", "/v1/sessions", #"{"name":"bea","passphrase":"\#(pass)"}"#), "token")
        }

        struct SetupFailure: Error, CustomStringConvertible {
            let description: String
        }

        func login(_ name: String) throws -> String {
            let output = DaemonSuite.shell("/usr/bin/curl", ["-s", "--unix-socket", socket, "-X", "POST", "http://localhost/v1/sessions",
                                                             "-H", "Content-Type: application/json",
                                                             "-d", #"{"name":"\#(name)","passphrase":"\#(Self.passphrase)"}"#]).output
            return output
        }
    }
}
