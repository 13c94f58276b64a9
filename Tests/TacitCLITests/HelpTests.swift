import Foundation
import Testing

/// Help text: an example on every command, and snapshots of the key ones.
@Suite struct HelpTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func help(_ arguments: [String]) throws -> CLIHarness.Run {
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "100"
        return try CLIHarness.execute(arguments + ["--help"], environment: environment,
                                      directory: FileManager.default.temporaryDirectory)
    }

    @Test(arguments: [["write"], ["share"], ["login"], ["cycle", "create"], ["metrics", "export"]])
    func helpMatchesItsSnapshot(_ command: [String]) throws {
        let output = try Self.help(command).stdout
        let file = Self.snapshots.appendingPathComponent(command.joined(separator: "-") + ".txt")
        if ProcessInfo.processInfo.environment["TACIT_UPDATE_SNAPSHOTS"] == "1" || !FileManager.default.fileExists(atPath: file.path) {
            try Data(output.utf8).write(to: file)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(output == expected, "help of `tacit \(command.joined(separator: " "))` changed; TACIT_UPDATE_SNAPSHOTS=1 rewrites it")
    }

    static let commands: [[String]] = [
        ["write"], ["list"], ["show"], ["edit"], ["delete"], ["search"], ["jot"], ["share"], ["shares"], ["unshare"],
        ["readers"], ["feed"], ["whois"], ["enroll"], ["login"], ["logout"], ["whoami"], ["passphrase"], ["recover"],
        ["group", "create"], ["group", "list"], ["group", "show"], ["group", "add"], ["group", "remove"], ["group", "facilitator"],
        ["cycle", "create"], ["cycle", "list"], ["cycle", "agenda"], ["invite"], ["principal", "list"], ["principal", "disable"],
        ["export"], ["import", "jrnl"], ["import", "dayone"], ["audit"], ["audit", "verify"], ["serve"], ["backup"], ["restore"],
        ["metrics", "export"], ["metrics", "verify"], ["demo"],
    ]

    @Test func everyCommandHasAnExample() throws {
        for command in Self.commands {
            let run = try Self.help(command)
            #expect(run.status == 0, "\(command)")
            #expect(run.stdout.contains("Example"), "`tacit \(command.joined(separator: " ")) --help` shows no example")
        }
        // The list above is kept by hand; the help itself finds every command, so one added
        // without an example (or left off the list) is caught too.
        var found: [[String]] = []
        var pending: [[String]] = [[]]
        while let command = pending.popLast() {
            let names = Self.subcommands(in: try Self.help(command).stdout)
            if names.isEmpty { found.append(command) } else { pending += names.map { command + [$0] } }
        }
        #expect(found.count >= Self.commands.count, "\(found)")
        for command in found {
            #expect(try Self.help(command).stdout.contains("Example"), "`tacit \(command.joined(separator: " ")) --help` shows no example")
        }
    }

    /// The subcommand names a help text lists under its SUBCOMMANDS headings (none for a leaf).
    static func subcommands(in help: String) -> [String] {
        var names: [String] = [], inList = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasSuffix("SUBCOMMANDS:") { inList = true; continue }
            guard inList else { continue }
            if line.isEmpty { inList = false; continue }
            // A name sits two spaces in; a wrapped description further.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            if name != "help" { names.append(String(name)) }
        }
        return names
    }

    @Test func completionScripts() throws {
        for shell in ["bash", "zsh", "fish"] {
            let run = try CLIHarness.execute(["--generate-completion-script", shell], environment: ProcessInfo.processInfo.environment,
                                             directory: FileManager.default.temporaryDirectory)
            #expect(run.status == 0)
            #expect(run.stdout.contains("tacit"))
        }
    }
}
