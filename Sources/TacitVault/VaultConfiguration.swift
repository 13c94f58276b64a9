import Foundation
import Logging
import TacitCrypto

/// Where the vault reads the current time. Tests and `tacit serve --clock` inject their own.
public struct VaultClock: Sendable {
    /// Returns the current time.
    public let now: @Sendable () -> Date

    /// A clock reading `now`.
    public init(_ now: @Sendable @escaping () -> Date) { self.now = now }

    /// The system clock.
    public static let system = VaultClock { Date() }
}

/// The size rules for groups, from the daemon's configuration.
public struct GroupSizeRules: Sendable, Equatable {
    /// Sizes a group may have; adding beyond the upper bound is refused.
    public var allowed: ClosedRange<Int>
    /// Sizes recommended for a peer learning group.
    public var recommended: ClosedRange<Int>

    /// The size the method is built for: five or six managers.
    public static let method = 5...6

    /// Creates rules; `recommended` is kept inside `allowed`: a configuration that allows only
    /// 3–4 or 7–8 members recommends the allowed size nearest the method's.
    public init(allowed: ClosedRange<Int> = 3...8, recommended: ClosedRange<Int> = GroupSizeRules.method) {
        self.allowed = allowed
        self.recommended = recommended.clamped(to: allowed)
    }
}

/// Everything a vault can be configured with.
public struct VaultConfiguration: Sendable {
    /// scrypt parameters for new passphrases (default N = 2^17, r = 8, p = 1).
    public var scryptParameters: ScryptParameters
    /// Which stored scrypt parameters are accepted: `.production` unless a test configuration.
    public var scryptPolicy: ScryptParameters.Policy
    /// The clock for phases, expiries, ISO weeks and payload times.
    public var clock: VaultClock
    /// The time zone whose days the cycle phases follow.
    public var timeZone: TimeZone
    /// Group size rules.
    public var groupSize: GroupSizeRules
    /// How long an enrollment code stays valid.
    public var enrollmentCodeLifetime: TimeInterval
    /// Days after session 2's day that still count as session 2 (the grace days).
    public var graceDays: Int
    /// Days before session 2 that are the reflection phase.
    public var reflectionDays: Int
    /// Default expiry of a share of an entry outside any cycle.
    public var shareLifetimeOutsideCycle: TimeInterval
    /// The minimum interval between anchor updates after commits.
    public var anchorInterval: TimeInterval
    /// How many scrypt derivations may run at once.
    public var maximumConcurrentDerivations: Int
    /// Where the vault logs (never content).
    public var logger: Logger

    /// The production configuration.
    public init(scryptParameters: ScryptParameters = .default, scryptPolicy: ScryptParameters.Policy = .production,
                clock: VaultClock = .system, timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                groupSize: GroupSizeRules = GroupSizeRules(), enrollmentCodeLifetime: TimeInterval = 7 * 86_400,
                graceDays: Int = 7, reflectionDays: Int = 7, shareLifetimeOutsideCycle: TimeInterval = 30 * 86_400,
                anchorInterval: TimeInterval = 1, maximumConcurrentDerivations: Int = 2,
                logger: Logger = Logger(label: "tacit.vault")) {
        self.scryptParameters = scryptParameters
        self.scryptPolicy = scryptPolicy
        self.clock = clock
        self.timeZone = timeZone
        self.groupSize = groupSize
        self.enrollmentCodeLifetime = enrollmentCodeLifetime
        self.graceDays = graceDays
        self.reflectionDays = reflectionDays
        self.shareLifetimeOutsideCycle = shareLifetimeOutsideCycle
        self.anchorInterval = anchorInterval
        self.maximumConcurrentDerivations = maximumConcurrentDerivations
        self.logger = logger
    }

    /// A test configuration: scrypt N = 2^10 under the `.testing` policy.
    public static func testing(clock: VaultClock = .system) -> VaultConfiguration {
        VaultConfiguration(scryptParameters: .fastForTesting, scryptPolicy: .testing, clock: clock)
    }
}
