// libFuzzer target: SealedBox.open on arbitrary boxes for a fixed recipient and context. Opening
// must fail cleanly or give back exactly the secret that was sealed (a seed holds a real box).
// `fuzz-sealedbox --make-seed FILE` writes such a box.
import CFuzzDriver
import Foundation
import TacitCrypto

enum Fixed {
    static let recipient = try! X25519.PrivateKey(rawRepresentation: SecretBytes(copying: [UInt8](repeating: 0x11, count: 32)))
    static let context = CanonicalEncoding(DomainLabel("tacit/v1/fuzz-sealed-box"))
    static let secret = SecretBytes(copying: [UInt8](repeating: 0x42, count: 32))
}

if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--make-seed" {
    let box = try SealedBox.seal(Fixed.secret, to: Fixed.recipient.publicKey, context: Fixed.context)
    try Data(box).write(to: URL(fileURLWithPath: CommandLine.arguments[2]))
    exit(0)
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    let box = Array(UnsafeBufferPointer(start: data, count: size))
    for length in [nil, 32] as [Int?] {
        if let opened = try? SealedBox.open(box, with: Fixed.recipient, context: Fixed.context, plaintextByteCount: length) {
            precondition(opened == Fixed.secret, "a sealed box opened to something never sealed")
        }
    }
    return 0
})
