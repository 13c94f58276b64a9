// tacit-bench: measures Tacit against a baseline run in the same process, reported as ratios.
// Build in release: `swift run -c release tacit-bench SUITE…` (suites: crypto, policy).

import Foundation

let suites: [String: @Sendable () async throws -> Void] = [
    "crypto": CryptoSuite.run,
    "policy": PolicySuite.run,
    "metrics": MetricsSuite.run,
    "vault": VaultSuite.run,
    "daemon": DaemonSuite.run,
]

let requested = Array(CommandLine.arguments.dropFirst())
if requested.isEmpty || requested.contains(where: { suites[$0] == nil }) {
    let names = suites.keys.sorted().joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: tacit-bench SUITE… (suites: \(names))\n".utf8))
    exit(2)
}
#if DEBUG
FileHandle.standardError.write(Data("warning: a debug build; measure with `swift run -c release tacit-bench`\n".utf8))
#endif
for name in requested {
    print("== \(name) ==")
    do {
        try await suites[name]!()
    } catch {
        FileHandle.standardError.write(Data("tacit-bench: the \(name) suite stopped: \(error)\n".utf8))
        exit(1)
    }
}
