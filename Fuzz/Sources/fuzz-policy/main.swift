// libFuzzer target: the policy language's lexer, parser and validator on arbitrary text, alone
// (against the Tacit schema) and layered on the base policy as an operator policy would be.
import CFuzzDriver
import Foundation
import TacitPolicy

// The base policy and the schema live in globals for the whole process. Swift keeps an enum's case
// in the spare high bits of its payload pointer, which LeakSanitizer cannot read, so their trees
// look unreachable at exit: a false "leak" of ~10 KiB. Build them here, with LeakSanitizer looking
// away, so that any leak it reports comes from what an input did.
__lsan_disable()
_ = Schema.tacit
_ = PolicySet.base
__lsan_enable()

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PolicySet(parsing: text, schema: .tacit)
    _ = try? PolicySet(parsing: text, schema: nil)
    _ = PolicySet.problems(inOperatorPolicy: text)
    return 0
})
