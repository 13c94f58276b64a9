import Foundation
import Testing

/// `tacit policy check` as a policy author meets it: the exact lines and the exit status.
@Suite struct PolicyCommandTests {
    /// A phase written as the old docs had it (`session2`) never matches; the check says so and
    /// lists the phases there are.
    @Test func aPhaseThatDoesNotExistIsRefusedWithTheRealOnes() throws {
        let home = try CLIHarness()
        let folder = try home.sideFolder()
        try Data("""
        @id("no-agenda-on-session-2")
        forbid (principal, action == Action::"buildAgenda", resource)
        when { resource.phase == "session2" };

        """.utf8).write(to: folder.appendingPathComponent("site.cedar"))
        let check = try CLIHarness.execute(["policy", "check", "site.cedar"], environment: ProcessInfo.processInfo.environment,
                                           directory: folder)
        #expect(check.status == 1)
        #expect(check.stdout == """
        site.cedar:3:26: `Cycle`'s `phase` is never "session2"; it is one of "planning", "session-1", "practice", \
        "reflection", "session-2", "closed", "none"

        """)
        #expect(check.stderr == "site.cedar: 1 problem\n")
        try Data("""
        forbid (principal, action == Action::"buildAgenda", resource)
        when { resource.phase == "session-2" };

        """.utf8).write(to: folder.appendingPathComponent("site.cedar"))
        let fixed = try CLIHarness.execute(["policy", "check", "site.cedar"], environment: ProcessInfo.processInfo.environment,
                                           directory: folder)
        #expect(fixed.status == 0 && fixed.stdout.hasPrefix("site.cedar: ok (1 policy on top of"), "\(fixed.stdout)\(fixed.stderr)")
    }
}
