import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The controlling terminal: prompts without echo, questions, and whether output goes to a person.
enum Terminal {
    /// Whether standard error is a terminal (progress bars only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    /// Whether standard input is a terminal.
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Whether there is a controlling terminal to ask a question on.
    static var canAsk: Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Before something that cannot be undone: at a terminal, asks `question` (no is the default);
    /// with `yes`, or without a terminal (a script), goes ahead without asking. The question is
    /// built only when it is asked; a nil question means there is nothing to ask about (the
    /// request that follows will say what is wrong).
    ///
    /// - Throws: `ExitCode(1)`, after printing `declined`, unless the answer is yes.
    static func confirmIrreversible(unless yes: Bool, declined: String, _ question: () async throws -> String?) async throws {
        guard !yes && canAsk, let question = try await question() else { return }
        guard confirm(question + " This cannot be undone.", defaultAnswer: false) == true else {
            print(declined)
            throw ExitCode(1)
        }
    }

    /// Everything on standard input, as UTF-8 text (anything else decoded with replacements).
    ///
    /// - Throws: `CLIError` when it cannot be read — a folder given with `< DIR`, which
    ///   `readDataToEndOfFile()` would answer by stopping the process.
    static func readStandardInput() throws -> String {
        do {
            return String(decoding: try FileHandle.standardInput.readToEnd() ?? Data(), as: UTF8.self)
        } catch {
            var status = stat()
            let folder = fstat(STDIN_FILENO, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
            throw CLIError(folder ? "standard input is a folder — give a file with `< FILE` or pipe the text in"
                                  : "cannot read standard input")
        }
    }

    /// Writes to standard error.
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Asks a question on the controlling terminal (`/dev/tty`), with echo off when `secret`.
    ///
    /// - Returns: the line typed, without its newline; nil when there is no terminal.
    static func ask(_ prompt: String, secret: Bool) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var saved = termios()
        let hasAttributes = tcgetattr(fd, &saved) == 0
        if secret && hasAttributes {
            // Echo off (but keep the newline's echo), restored whatever happens below.
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            _ = tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if secret && hasAttributes { _ = tcsetattr(fd, TCSAFLUSH, &saved) }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        for index in bytes.indices { bytes[index] = 0 }
        return line
    }

    /// A yes/no question on the terminal; `defaultAnswer` when the person just presses return,
    /// nil when there is no terminal.
    static func confirm(_ question: String, defaultAnswer: Bool) -> Bool? {
        guard let answer = ask(question + (defaultAnswer ? " [Y/n] " : " [y/N] "), secret: false) else { return nil }
        let trimmed = answer.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.isEmpty { return defaultAnswer }
        return trimmed.hasPrefix("y")
    }
}

/// A progress bar on standard error, drawn only when standard error is a terminal; safe to advance
/// from concurrent tasks.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let total: Int?
    private var done = 0
    private var lastDraw = Date.distantPast
    private let enabled = Terminal.stderrIsTerminal

    /// A bar for `total` units (nil: a running count).
    init(_ label: String, total: Int?) {
        self.label = label
        self.total = total
    }

    /// Adds `count` units and redraws at most ten times a second.
    func advance(by count: Int = 1, unit: String = "") {
        lock.lock()
        defer { lock.unlock() }
        done += count
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || (total != nil && done >= total!) else { return }
        lastDraw = Date()
        var line = "\r\(label) "
        if let total, total > 0 {
            let width = 30
            let filled = min(width, done * width / total)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
        } else {
            line += "\(Self.amount(done, unit: unit))"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled else { return }
        lastDraw = .distantPast
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private static func amount(_ value: Int, unit: String) -> String {
        guard unit == "bytes" else { return "\(value)\(unit.isEmpty ? "" : " " + unit)" }
        if value >= 1 << 20 { return String(format: "%.1f MiB", Double(value) / Double(1 << 20)) }
        if value >= 1 << 10 { return String(format: "%.1f KiB", Double(value) / Double(1 << 10)) }
        return "\(value) bytes"
    }
}
