// libFuzzer target: the policy language's lexer, parser and validator on arbitrary text, alone
// (against the Tacit schema) and layered on the base policy as an operator policy would be.
import CFuzzDriver
import Foundation
import TacitPolicy

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PolicySet(parsing: text, schema: .tacit)
    _ = try? PolicySet(parsing: text, schema: nil)
    _ = PolicySet.problems(inOperatorPolicy: text)
    return 0
})
