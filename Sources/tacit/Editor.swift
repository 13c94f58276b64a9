import Foundation
import TacitCrypto
import TacitSpawn

/// `$VISUAL`, `$EDITOR` or `vi` on a private temporary file: 0600 in a 0700 folder under
/// `$XDG_RUNTIME_DIR` when set, every file in it overwritten with zeros and removed afterwards
/// (the editor's swap and backup files too).
enum Editor {
    /// Opens `text` in the editor and returns what was saved.
    ///
    /// - Throws: `CLIError` when no private file can be made or the editor fails.
    static func edit(_ text: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty }
        // vi, the fallback, needs a terminal: without one it hung (standard input closed) or
        // wrote its screen into a pipe. An editor someone chose may not need one (`code --wait`).
        guard chosen != nil || (isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) else {
            throw CLIError("no text was given and there is no terminal for an editor: give `-` to read the text from "
                           + "standard input (`- < file`; `tacit write` also takes it as words), or set $EDITOR", status: .usage)
        }
        let base: String
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty, FileManager.default.fileExists(atPath: runtime) {
            base = runtime
        } else {
            base = NSTemporaryDirectory()
        }
        var template = Array((URL(fileURLWithPath: base).appendingPathComponent("tacit-edit-XXXXXX").path).utf8CString)
        guard let folderPointer = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError("cannot make a private folder in \(base): \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: folderPointer)
        defer { wipe(folder: folder) }
        let file = folder + "/entry.md"
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError("cannot create \(file)") }
        // The file ends with a line break, as editors expect: a line added at its end starts a
        // line of its own (it had been glued to the text's last word). Taken off again below.
        let added = !text.hasSuffix("\n")
        let bytes = Array((added ? text + "\n" : text).utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)

        let editor = chosen ?? "vi"
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn("/bin/sh", ["-c", "\(editor) \"$1\"", "sh", file])
        } catch {
            throw CLIError("cannot start the editor \(editor): \(error)")
        }
        // While the editor runs, Ctrl-C belongs to it; the temporary file is still wiped afterwards.
        // Terminated or hung up on (a closed terminal) meanwhile, the command stops the editor and
        // wipes the file before it exits as the signal would have: the plaintext had stayed on disk.
        let previous = signal(SIGINT, SIG_IGN)
        let stopping = Locked(false)
        let traps = SignalTraps([SIGTERM, SIGHUP]) { number in
            stopping.withLock { $0 = true }
            kill(child.pid, SIGKILL)
            wipe(folder: folder)
            exit(128 + number)
        }
        let end = child.wait()
        // The editor ended because a signal's clean-up stopped it: that clean-up exits.
        while stopping.withLock({ $0 }) { pause() }
        traps.release()
        signal(SIGINT, previous)
        guard end.succeeded else {
            throw CLIError("the editor (\(editor)) ended with \(end); nothing was saved")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError("the editor left no file; nothing was saved")
        }
        // An editor that saves Windows line ends: read as this file was written.
        let edited = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        return added && edited.hasSuffix("\n") ? String(edited.dropLast()) : edited
    }

    /// Overwrites every regular file in `folder` with zeros, syncs, removes it, then the folder.
    static func wipe(folder: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names {
            let path = folder + "/" + name
            var status = stat()
            if lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
                let fd = open(path, O_WRONLY | O_CLOEXEC)
                if fd >= 0 {
                    let zeros = [UInt8](repeating: 0, count: 64 * 1024)
                    var left = Int(status.st_size)
                    while left > 0 {
                        let written = zeros.withUnsafeBytes { write(fd, $0.baseAddress, min(left, zeros.count)) }
                        if written <= 0 { break }
                        left -= written
                    }
                    fsync(fd)
                    close(fd)
                }
            }
            if (status.st_mode & S_IFMT) == S_IFDIR { wipe(folder: path) } else { unlink(path) }
        }
        rmdir(folder)
    }
}

/// The small front matter of an entry in the editor: `title:`, `tags:`, `topic:` and `kind:` lines
/// between two `---` lines; `#` lines in it are comments.
struct FrontMatter: Equatable {
    var title = ""
    var tags: [String] = []
    var topic = ""
    var kind = ""
    var body = ""

    /// Tags are a set: the same tags in another order (or one given twice) are no change.
    static func == (a: FrontMatter, b: FrontMatter) -> Bool {
        a.title == b.title && Set(a.tags) == Set(b.tags) && a.topic == b.topic && a.kind == b.kind && a.body == b.body
    }

    /// The text to put in the editor.
    func render(comment: String? = nil) -> String {
        var text = "---\n"
        if let comment { text += comment.split(separator: "\n").map { "# \($0)\n" }.joined() }
        text += "title: \(title)\ntags: \(tags.joined(separator: ", "))\ntopic: \(topic)\nkind: \(kind)\n---\n"
        return text + body
    }

    /// Text read from standard input: its front matter when it begins with a well-formed one (as
    /// the editor and a kept `tacit-unsaved-*.md` file have), `nil` when it is all body — a text
    /// that only looks like front matter (a Markdown rule, then prose) is kept whole as the body.
    static func fromInput(_ text: String) -> (matter: FrontMatter, keys: Set<String>)? {
        guard text.hasPrefix("---"), let parsed = try? parseNamingKeys(text), parsed.matter.body != text else { return nil }
        return parsed
    }

    /// Parses editor text; text without front matter is all body.
    ///
    /// - Throws: `CLIError` for an unknown key in the front matter.
    static func parse(_ text: String) throws -> FrontMatter { try parseNamingKeys(text).matter }

    /// `parse`, also naming the keys the front matter gave (`tag` is `tags`): an edit keeps the
    /// fields its front matter leaves out.
    ///
    /// - Throws: `CLIError` for an unknown key in the front matter.
    static func parseNamingKeys(_ text: String) throws -> (matter: FrontMatter, keys: Set<String>) {
        var result = FrontMatter()
        var keys: Set<String> = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            result.body = text
            return (result, keys)
        }
        for line in lines[1..<end] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw CLIError("front matter: '\(trimmed)' is not 'key: value'")
            }
            let key = trimmed[..<colon].lowercased()
            keys.insert(key == "tag" ? "tags" : key)
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "title": result.title = unquoted(value)
            case "tags", "tag":
                // `tacit export` writes the tags as a JSON array of quoted strings.
                let listed = value.hasPrefix("[") ? (try? JSONDecoder().decode([String].self, from: Data(value.utf8))) : nil
                result.tags = (listed ?? value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                    .map { $0.hasPrefix("#") || $0.hasPrefix("@") ? String($0.dropFirst()) : $0 }.filter { !$0.isEmpty }
            case "topic": result.topic = unquoted(value)
            case "kind": result.kind = unquoted(value).lowercased()
            // What `tacit export` adds for the reader: a new entry gets an id and a date of its own.
            case "id", "date": break
            default: throw CLIError("front matter: unknown key '\(key)' (use title, tags, topic, kind)")
            }
        }
        // The blank line `tacit export` leaves after the front matter is not part of the text.
        var body = lines[(end + 1)...]
        if keys.contains("id"), body.first?.isEmpty == true { body = body.dropFirst() }
        result.body = body.joined(separator: "\n")
        return (result, keys)
    }

    /// A value as `tacit export` writes it — a JSON string, quoted and escaped — or as typed.
    private static func unquoted(_ value: String) -> String {
        guard value.hasPrefix("\""), let text = try? JSONDecoder().decode(String.self, from: Data(value.utf8)) else { return value }
        return text
    }
}

/// The guiding questions of each phase of the learning cycle.
enum GuidingQuestions {
    /// The kind a new entry takes in `phase` (DESIGN.md, "The learning cycle").
    static func kind(forPhase phase: String) -> String {
        switch phase {
        case "session-1": "commitment"
        case "practice": "practice"
        case "reflection": "reflection"
        default: "note"
        }
    }

    /// The template body for a kind: its questions as headings to answer under.
    static func template(forKind kind: String) -> String {
        let questions: [String]
        switch kind {
        case "commitment": questions = ["What behaviour will I practise?", "When will I practise it?", "How will I know it worked?"]
        case "practice": questions = ["What did I try?", "What happened?", "What did I notice?"]
        case "reflection": questions = ["What did I learn?", "What will I keep doing?"]
        default: return "\n"
        }
        return "\n" + questions.map { "## \($0)\n\n\n" }.joined()
    }
}
