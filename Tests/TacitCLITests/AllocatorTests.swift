import Foundation
import TacitCrypto
import Testing

/// The daemon's binary allocates with jemalloc (Package.swift says why).
@Suite struct AllocatorTests {
    @Test func theTacitBinaryAllocatesWithJemalloc() throws {
        // Under ASan or TSan the sanitizer's allocator stands in for any other, and such builds
        // leave jemalloc out (`TACIT_SYSTEM_MALLOC=1`, Package.swift): nothing to see.
        guard !ProcessMemory.usesSanitizerAllocator, ProcessInfo.processInfo.environment["TACIT_SYSTEM_MALLOC"] != "1" else {
            print("AllocatorTests: skipped: this build allocates with the sanitizer's or the system malloc")
            return
        }
        // jemalloc prints its statistics at exit when asked through MALLOC_CONF; glibc ignores the variable.
        var environment = ProcessInfo.processInfo.environment
        environment["MALLOC_CONF"] = "stats_print:true"
        let run = try CLIHarness.execute(["--help"], environment: environment, directory: FileManager.default.temporaryDirectory)
        #expect(run.status == 0)
        #expect(run.stderr.contains("jemalloc statistics"), "`tacit` does not allocate with jemalloc")
    }
}
