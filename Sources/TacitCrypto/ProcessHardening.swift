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

/// Process-wide memory settings for a long-running process.
public enum ProcessMemory {
    /// Caps glibc's malloc arenas (`mallopt(M_ARENA_MAX)`): without it each busy thread gets its
    /// own (up to 8 per core) and keeps what it freed. Threads started later share the arenas.
    ///
    /// - Returns: whether glibc accepted the setting.
    @discardableResult
    public static func limitMallocArenas(to arenas: Int32) -> Bool { ctacit_limit_malloc_arenas(arenas) == 1 }

    /// Whether a sanitizer's allocator stands in for glibc's malloc (ASan and TSan builds): it has
    /// no arenas, and its `mallopt` refuses the cap.
    public static var usesSanitizerAllocator: Bool {
        dlsym(nil, "__sanitizer_install_malloc_and_free_hooks") != nil
    }
}
