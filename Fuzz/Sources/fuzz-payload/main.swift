// libFuzzer target: the entry payload decoder (what AES-GCM hands back after decrypting an entry),
// with an encode–decode round trip of anything it accepts.
import CFuzzDriver
import Foundation
import TacitVault

// `fuzz-payload --make-seeds DIR` writes well-formed payloads for the seed corpus.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--make-seeds" {
    let samples: [(String, String, [String], String)] = [
        ("", "", [], ""),
        ("Delegate the weekly report", "I will hand the report to Sam and **not** rewrite it.", ["delegation"], "Delegation"),
        ("Week 1 — ünïcödé ✓", String(repeating: "practice ", count: 200), ["a", "b", "c"], "Feedback"),
        ("big", String(repeating: "x", count: 70_000), [], ""),
    ]
    for (index, sample) in samples.enumerated() {
        let bytes = FuzzEntryPoints.encodePayload(title: sample.0, body: sample.1, tags: sample.2, topic: sample.3)
        try Data(bytes).write(to: URL(fileURLWithPath: CommandLine.arguments[2]).appendingPathComponent("seed-\(index)"))
    }
    exit(0)
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    _ = FuzzEntryPoints.decodePayload(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
})
