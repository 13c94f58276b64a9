import Glibc
internal import CTacitShim

/// Process-wide protections for a process that holds members' keys.
public enum ProcessHardening {
    /// Turns core dumps off for this process: `RLIMIT_CORE` = 0 and `PR_SET_DUMPABLE` = 0 (which
    /// also stops other processes of the same user from attaching with ptrace).
    ///
    /// - Returns: `true` when both took effect.
    @discardableResult
    public static func disableCoreDumps() -> Bool {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        let limited = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0
        return ctacit_disable_dumpable() == 1 && limited
    }

    /// Whether the process may currently dump core (false after `disableCoreDumps()`).
    public static var isDumpable: Bool {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        return ctacit_is_dumpable() == 1 || limit.rlim_cur != 0
    }
}
