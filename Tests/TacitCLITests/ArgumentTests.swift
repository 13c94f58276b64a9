import Foundation
import Testing

/// What a person types as an argument — a file, a name, a group — is checked before anything is
/// sent, and a mistake is told in words with the usage exit status, never a crash or an internal.
@Suite struct ArgumentTests {
    /// A folder where a file belongs stopped the process (`try!` inside Foundation's FileHandle).
    @Test func aFolderIsNotAFile() throws {
        let home = try CLIHarness.started()
        try home.organise(members: ["ali"], compliance: false)
        try FileManager.default.createDirectory(at: home.folder(of: "olivia").appendingPathComponent("bk"), withIntermediateDirectories: true)

        let restore = try home.run("olivia", ["restore", "bk"])
        #expect(restore.status == 1)
        #expect(restore.stderr == "tacit: bk is a folder, not a backup file\n")
        let backup = try home.run("olivia", ["backup", "bk"])
        #expect(backup.status == 2)
        #expect(backup.stderr == "tacit: bk is a folder — give the name of a file to write, in it or elsewhere\n")
        let written = try home.run("ali", ["write", "-"], stdinFrom: home.root.path)
        #expect(written.status == 1)
        #expect(written.stderr == "tacit: standard input is a folder — give a file with `< FILE` or pipe the text in\n")
    }

    @Test func anEmptyFileNameIsAUsageError() throws {
        let home = try CLIHarness()
        for command in ["backup", "restore"] {
            let empty = try home.run("olivia", [command, ""])
            #expect(empty.status == 2)
            #expect(empty.stderr.hasPrefix("Error: <file> is empty"), "\(empty.stderr)")
        }
    }
}
