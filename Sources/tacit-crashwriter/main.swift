// tacit-crashwriter: the child process of the vault's crash test. It unlocks a member and writes
// entries forever, printing each acknowledged entry id on stdout only after `write` returned, until
// the test kills it with SIGKILL. Usage: tacit-crashwriter DATA KEYS NAME (passphrase on stdin).

import Foundation
import TacitCrypto
import TacitVault

let arguments = CommandLine.arguments
guard arguments.count == 4, let passphrase = readLine() else {
    FileHandle.standardError.write(Data("usage: tacit-crashwriter DATA KEYS NAME < passphrase\n".utf8))
    exit(2)
}
do {
    let vault = try await Vault.open(directory: URL(fileURLWithPath: arguments[1]), keysDirectory: URL(fileURLWithPath: arguments[2]),
                                     configuration: .testing())
    let session = try await vault.unlock(name: arguments[3], passphrase: SecretBytes(utf8: passphrase))
    var i = 0
    while true {
        let entry = try await session.write(EntryDraft(title: "crash \(i)", body: String(repeating: "b", count: i % 3000)))
        FileHandle.standardOutput.write(Data("\(entry.id)\n".utf8))
        i += 1
    }
} catch {
    FileHandle.standardError.write(Data("crashwriter: \(error)\n".utf8))
    exit(1)
}
