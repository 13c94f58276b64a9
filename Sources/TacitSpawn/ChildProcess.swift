import CTacitShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program started with `posix_spawn`, for the CLI (the editor, the demo's daemon), the benchmarks
/// and the tests.
///
/// Foundation's `Process.run()` on Linux lists `/proc/self/fd` to find the descriptors to close in
/// the child, and in Swift 6.3.1 that listing can read past its buffer and crash the parent (seen in
/// the test suite; swift-corelibs-foundation PR #5472). Here the child closes every descriptor from 3
/// up itself (`posix_spawn_file_actions_addclosefrom_np`), so nothing is listed, and the child starts
/// with every signal at its default and none blocked, whatever the parent ignores or masks.
public final class ChildProcess: @unchecked Sendable {
    /// How one of the child's standard streams is connected.
    public enum Stream: Sendable, Equatable {
        /// The parent's own descriptor.
        case inherit
        /// `/dev/null`.
        case null
        /// A file: read from for standard input; for output created (mode 0600) or emptied.
        case file(String)
        /// A file the output is appended to, created (mode 0600) when missing.
        case appending(String)
        /// A pipe to the parent: see `standardInput`, `standardOutput`, `standardError`.
        case pipe
        /// For standard error only: wherever standard output goes.
        case standardOutput
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        /// It called `exit` with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)

        /// The exit status, or the signal's number (as `Process.terminationStatus` reports them).
        public var status: Int32 {
            switch self {
            case .exited(let status), .signalled(let status): status
            }
        }

        /// It exited with status 0.
        public var succeeded: Bool { self == .exited(0) }

        public var description: String {
            switch self {
            case .exited(let status): "exit status \(status)"
            case .signalled(let signal): "signal \(signal)"
            }
        }
    }

    /// What `run` saw: how the child ended and everything it wrote.
    public struct Output: Sendable {
        public var termination: Termination
        public var standardOutput: [UInt8]
        public var standardError: [UInt8]
        /// The run's time limit passed and the child was killed.
        public var timedOut: Bool

        /// Standard output as UTF-8 text (invalid bytes replaced).
        public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
        /// Standard error as UTF-8 text (invalid bytes replaced).
        public var errorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    /// A child that could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The child's process id.
    public let pid: pid_t
    /// The parent's end of the child's standard input, when it is `.pipe`.
    public let standardInput: FileHandle?
    /// The parent's end of the child's standard output, when it is `.pipe`.
    public let standardOutput: FileHandle?
    /// The parent's end of the child's standard error, when it is `.pipe`.
    public let standardError: FileHandle?
    /// Whether the child leads a new session (and process group) of its own.
    public let leadsSession: Bool

    private let lock = NSLock()
    private var reaped: Termination?

    private init(pid: pid_t, standardInput: FileHandle?, standardOutput: FileHandle?, standardError: FileHandle?,
                 leadsSession: Bool) {
        self.pid = pid
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.leadsSession = leadsSession
    }

    deinit {
        // A child nobody waited for would stay a zombie until the parent exits.
        if reaped == nil {
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
        }
    }

    /// Starts `executable` (an absolute path; no `PATH` search) with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; `nil` passes the parent's.
    ///   - directory: the child's working directory; `nil` keeps the parent's.
    ///   - newSession: the child leads a new session, so it has no controlling terminal and no
    ///     prompt of it can reach one.
    /// - Throws: `SpawnError` naming the executable and the system's reason when it cannot start
    ///   (missing, not executable, a file that cannot be opened, no descriptors left).
    public static func spawn(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                             directory: String? = nil, input: Stream = .inherit, output: Stream = .inherit,
                             error: Stream = .inherit, newSession: Bool = false) throws -> ChildProcess {
        precondition(input != .standardOutput && output != .standardOutput, "only standard error can follow standard output")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // Pipes are made close-on-exec; the child gets its end through dup2, which clears the flag.
        var parentEnds: [Int32: Int32] = [:]
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        func fail(_ reason: String) -> SpawnError {
            for fd in parentEnds.values { close(fd) }
            return SpawnError(description: "cannot start \(executable): \(reason)")
        }
        func check(_ result: Int32, _ what: String) throws {
            if result != 0 { throw fail("\(what): \(String(cString: strerror(result)))") }
        }
        for (fd, stream) in [(Int32(0), input), (1, output), (2, error)] {
            switch stream {
            case .inherit:
                continue
            case .null:
                try check(posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0), "/dev/null")
            case .file(let path):
                let flags = fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC
                try check(posix_spawn_file_actions_addopen(&actions, fd, path, flags, 0o600), "cannot open a file for it")
            case .appending(let path):
                try check(posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o600),
                          "cannot open a file for it")
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard ctacit_pipe_cloexec(&ends) == 0 else { throw fail("no pipe: \(String(cString: strerror(errno)))") }
                let (childEnd, parentEnd) = fd == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                parentEnds[fd] = parentEnd
                try check(posix_spawn_file_actions_adddup2(&actions, childEnd, fd), "pipe")
            case .standardOutput:
                try check(posix_spawn_file_actions_adddup2(&actions, 1, 2), "standard error")
            }
        }
        try check(ctacit_spawn_addclosefrom(&actions, 3), "closing inherited descriptors")
        if let directory { try check(ctacit_spawn_addchdir(&actions, directory), "directory") }

        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newSession { flags |= Int32(ctacit_spawn_setsid_flag()) }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = [executable] + arguments
        let envp = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argv in
            if let envp {
                return withCStrings(envp) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
            }
            return posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard result == 0 else { throw fail(String(cString: strerror(result))) }
        func handle(_ fd: Int32) -> FileHandle? {
            parentEnds[fd].map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) }
        }
        return ChildProcess(pid: pid, standardInput: handle(0), standardOutput: handle(1), standardError: handle(2),
                            leadsSession: newSession)
    }

    /// Whether the child is still running (it is reaped when it has ended).
    public var isRunning: Bool { termination == nil }

    /// How the child ended, or `nil` while it runs.
    public var termination: Termination? {
        lock.lock()
        defer { lock.unlock() }
        if let reaped { return reaped }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        reaped = Self.termination(status)
        return reaped
    }

    /// Blocks until the child ends and returns how.
    @discardableResult
    public func wait() -> Termination {
        // Wait without reaping, so two waiters never race for the same status; one then reaps under the lock.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        lock.lock()
        defer { lock.unlock() }
        if let reaped { return reaped }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let ended = Self.termination(status)
        reaped = ended
        return ended
    }

    /// Sends `signal` to the child, unless it has been reaped (its pid may then be another's).
    public func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if reaped == nil { kill(pid, signal) }
    }

    /// SIGTERM: asks the child to stop.
    public func terminate() { send(SIGTERM) }

    private static func termination(_ status: Int32) -> Termination {
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Runs `executable` to its end: writes `input` to its standard input, collects standard output and
    /// error (both at once, so a child filling either never blocks), and waits.
    ///
    /// - Parameter timeout: after this long the child (and its process group, with `newSession`) is
    ///   killed and `timedOut` is set.
    /// - Throws: `SpawnError` when the child cannot start.
    public static func run(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                           directory: String? = nil, input: [UInt8] = [], newSession: Bool = false,
                           timeout: Duration? = nil) throws -> Output {
        let child = try spawn(executable, arguments, environment: environment, directory: directory,
                              input: .pipe, output: .pipe, error: .pipe, newSession: newSession)
        var collected: [Int32: [UInt8]] = [:]
        var open: [Int32] = []
        for handle in [child.standardOutput, child.standardError] {
            guard let fd = handle?.fileDescriptor else { continue }
            collected[fd] = []
            open.append(fd)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        var pending = input[...]
        var inputFD: Int32 = child.standardInput!.fileDescriptor
        _ = fcntl(inputFD, F_SETFL, fcntl(inputFD, F_GETFL) | O_NONBLOCK)
        if pending.isEmpty { try? child.standardInput?.close(); inputFD = -1 }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if inputFD >= 0 { polled.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            var wait: Int32 = -1
            if let deadline {
                let left = deadline - .now
                if left <= .zero {
                    timedOut = true
                    kill(child.leadsSession ? -child.pid : child.pid, SIGKILL)
                    break
                }
                let milliseconds = Double(left.components.seconds) * 1000 + Double(left.components.attoseconds) / 1e15
                wait = Int32(min(milliseconds.rounded(.up), 1000))
            }
            let ready = poll(&polled, nfds_t(polled.count), wait)
            if ready < 0 && errno != EINTR { break }
            for entry in polled where entry.revents != 0 {
                if entry.fd == inputFD {
                    let written = writeWithoutSIGPIPE(inputFD, pending)
                    if written > 0 { pending = pending.dropFirst(written) }
                    if written < 0 && errno != EAGAIN && errno != EINTR || pending.isEmpty {
                        try? child.standardInput?.close()
                        inputFD = -1
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[entry.fd]! += buffer[0..<count]
                } else if count == 0 || errno != EAGAIN && errno != EINTR {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        if inputFD >= 0 { try? child.standardInput?.close() }
        let termination = child.wait()
        return Output(termination: termination,
                      standardOutput: child.standardOutput.flatMap { collected[$0.fileDescriptor] } ?? [],
                      standardError: child.standardError.flatMap { collected[$0.fileDescriptor] } ?? [],
                      timedOut: timedOut)
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// `write`, but a reader that has gone away is an `EPIPE` error, not a SIGPIPE that ends the parent:
/// the signal is blocked on this thread for the call and a pending one taken back.
private func writeWithoutSIGPIPE(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int {
    var pipeSignal = sigset_t(), previous = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    let failure = errno
    if written < 0 && failure == EPIPE {
        var none = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeSignal, nil, &none)
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
    errno = failure
    return written
}
