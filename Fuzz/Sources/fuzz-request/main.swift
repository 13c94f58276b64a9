// libFuzzer target: the daemon's request body decoding — strict JSON for every request type and
// the secret-field reader of unlock and enrollment.
import CFuzzDriver
import Foundation
import TacitServer

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzEntryPoints.decodeRequestBody(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
})
