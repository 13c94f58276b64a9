import ArgumentParser
import Foundation

/// `--passphrase-file FILE`: where a command that unlocks reads the passphrase, before
/// `TACIT_PASSPHRASE` and the no-echo prompt. A passphrase is never a flag value.
struct PassphraseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read the passphrase from the first line of FILE (else $TACIT_PASSPHRASE, else a no-echo prompt).",
                                            valueName: "FILE"))
    var passphraseFile: String?
}

/// Secrets from a file, the environment or a no-echo prompt on the terminal.
enum Secrets {
    /// Reads a secret: the first line of `file`, else `$variable`, else a prompt on the terminal
    /// (asked twice when `confirm`). `what` names the secret in errors ("passphrase", "recovery
    /// key") and `option` is the flag that gives its file.
    ///
    /// - Throws: `CLIError` when the file cannot be read, the variable is set but empty (a script's
    ///   unset value, most likely: asking instead would hide it), the two answers differ, or there
    ///   is no source at all (no file, no variable, no terminal).
    static func read(_ what: String, file: String?, option: String = "--passphrase-file", variable: String = "TACIT_PASSPHRASE",
                     prompt: String, confirm: Bool = false) throws -> String {
        if let file {
            guard !file.isEmpty else { throw CLIError("\(option) is empty: give the file that holds the \(what)", status: .usage) }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CLIError("cannot read the \(what) file \(file): \(unreadable(file))")
            }
            // As ssh does for a key: said, not refused (a script may depend on it).
            var info = stat()
            if stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 != 0 {
                Terminal.warn("note: \(file) holds your \(what) and other users may read it (mode "
                              + "\(String(info.st_mode & 0o777, radix: 8))): chmod 600 \(file)")
            }
            // Any line ending ends the line: "\r\n" is one Character to Swift, so a split on "\n" alone
            // left a Windows-made file's first line holding the whole file.
            let line = text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw CLIError("\(file) is empty: its first line should hold the \(what)") }
            return line
        }
        if let value = ProcessInfo.processInfo.environment[variable] {
            guard !value.isEmpty else { throw CLIError("\(variable) is empty — set it to the \(what), or unset it to be asked") }
            return value
        }
        guard let first = Terminal.ask(prompt, secret: true) else {
            throw CLIError("no terminal to ask for the \(what) — give it with \(option) FILE or set \(variable)")
        }
        guard !first.isEmpty else { throw CLIError("nothing was typed") }
        if confirm {
            guard let second = Terminal.ask("Again, to confirm: ", secret: true), second == first else {
                throw CLIError("the two entries differ; nothing changed")
            }
        }
        return first
    }

    /// Why `file` could not be read as text, in a few words.
    static func unreadable(_ file: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else { return "there is no such file" }
        if isFolder.boolValue { return "it is a folder" }
        guard FileManager.default.isReadableFile(atPath: file) else { return "permission denied" }
        return "it is not UTF-8 text"
    }

    /// Whether a secret can be had without a terminal or with one (an empty variable counts, so
    /// that `read` says it is empty).
    static func available(file: String?, variable: String) -> Bool {
        if file != nil { return true }
        if ProcessInfo.processInfo.environment[variable] != nil { return true }
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        if fd >= 0 { close(fd); return true }
        return false
    }
}
