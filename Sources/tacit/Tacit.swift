import ArgumentParser
import Foundation

@main
struct Tacit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tacit",
        abstract: "An encrypted, confidential practice journal for peer learning groups.",
        version: "0.1.0",
        subcommands: [PolicyCommand.self]
    )

    /// Runs the command, mapping a usage error to exit status 2 (DESIGN.md's CLI contract:
    /// 0 success, 1 error, 2 usage, 3 denied).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
