import Foundation
import Testing
@testable import TacitCrypto

/// `Locked` is the one lock of the code base: it must exclude, and hand errors through unchanged.
@Suite struct LockedTests {
    @Test func concurrentReadModifyWritesAreNeverLost() async {
        let counter = Locked(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<20_000 {
                        // A read and a write apart, so that without exclusion increments are lost.
                        counter.withLock { value in
                            let seen = value
                            value = seen &+ 1
                        }
                    }
                }
            }
        }
        #expect(counter.withLock { $0 } == 160_000)
    }

    struct Refused: Error, Equatable {}

    @Test func anErrorLeavesTheLockFreeAndTheValueAsTheBodyLeftIt() {
        let state = Locked([1, 2])
        #expect(throws: Refused.self) {
            try state.withLock { (value: inout [Int]) throws(Refused) in
                value.append(3)
                throw Refused()
            }
        }
        #expect(state.withLock { $0 } == [1, 2, 3])
    }
}
