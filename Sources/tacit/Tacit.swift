import ArgumentParser

@main
struct Tacit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tacit",
        abstract: "An encrypted, confidential practice journal for peer learning groups.",
        version: "0.1.0",
        subcommands: []
    )
}
