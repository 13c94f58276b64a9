// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

// The executables that run the daemon allocate with jemalloc (Debian: libjemalloc-dev). Its
// per-thread caches take frees from other threads without a lock; glibc's malloc, capped at two
// arenas to keep resident memory flat, made Swift's pool threads and NIO's event loops queue on
// its arena locks (about a sixth of a loaded daemon's CPU). Libraries and tests keep the system
// malloc, so the sanitizers see theirs. A sanitizer build must leave jemalloc out of the
// executables too: with both, ThreadSanitizer was handed jemalloc's memory to free and stopped the
// crash harness's daemon at start. `TACIT_SYSTEM_MALLOC=1` (set by `Scripts/soak` for its sanitizer
// steps) builds them with the system malloc.
let daemonAllocator: [LinkerSetting] = Context.environment["TACIT_SYSTEM_MALLOC"] == "1"
    ? [] : [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

let package = Package(
    name: "Tacit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tacit", targets: ["tacit"]),
        .executable(name: "tacit-bench", targets: ["tacit-bench"]),
        .library(name: "TacitCrypto", targets: ["TacitCrypto"]),
        .library(name: "TacitPolicy", targets: ["TacitPolicy"]),
        // For the libFuzzer package in Fuzz/, which is built apart and never by this package.
        .library(name: "TacitVault", targets: ["TacitVault"]),
        .library(name: "TacitServer", targets: ["TacitServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Hummingbird's own: the daemon names the HTTP parts and the parser's error of a handler it adds.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // libcrypto from the system (Debian: libssl-dev); only TacitCrypto imports it.
        .systemLibrary(
            name: "CTacitOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // Small C functions for what Swift cannot call safely: OSSL_PARAM arrays, variadic prctl, glibc's _np spawn actions.
        .target(
            name: "CTacitShim",
            dependencies: ["CTacitOpenSSL"],
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .target(
            name: "TacitCrypto",
            dependencies: [
                "CTacitOpenSSL", "CTacitShim",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TacitVault",
            dependencies: [
                "TacitCrypto", "CTacitShim",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A child process for the vault's crash test: writes entries and reports each acknowledged id.
        .executableTarget(
            name: "tacit-crashwriter",
            dependencies: ["TacitVault", "TacitCrypto"],
            swiftSettings: strict
        ),
        // The reliability suite's child process: the daemon to SIGKILL and restart (Tests/TacitReliabilityTests).
        .executableTarget(
            name: "tacit-crashd",
            dependencies: ["TacitServer", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict,
            linkerSettings: daemonAllocator
        ),
        // Child processes through posix_spawn: Foundation's Process.run can crash its parent on Linux.
        .target(
            name: "TacitSpawn",
            dependencies: ["CTacitShim"],
            swiftSettings: strict
        ),
        .target(
            name: "TacitPolicy",
            resources: [.embedInCode("tacit.cedar")],
            swiftSettings: strict
        ),
        // Codable request and response types shared by the daemon and the CLI; imports nothing of the project.
        .target(
            name: "TacitAPI",
            swiftSettings: strict
        ),
        // The daemon: Hummingbird on a Unix socket, sessions, policy on every request, audit.
        .target(
            name: "TacitServer",
            dependencies: [
                "TacitVault", "TacitPolicy", "TacitMetrics", "TacitAPI", "TacitCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tacit",
            dependencies: [
                "TacitPolicy", "TacitAPI", "TacitCrypto", "TacitMetrics", "TacitServer", "TacitSpawn", "TacitVault",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            linkerSettings: daemonAllocator
        ),
        // Anonymized compliance metrics: thresholds, integer-only DP noise, budget ledger, signed reports.
        .target(
            name: "TacitMetrics",
            dependencies: [
                "TacitCrypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tacit-bench",
            dependencies: [
                "TacitCrypto", "CTacitOpenSSL", "TacitPolicy", "TacitVault", "TacitMetrics", "TacitServer", "TacitSpawn",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            linkerSettings: daemonAllocator
        ),
        // A bare Hummingbird server on a Unix socket: the framework's floor in the daemon benchmark.
        .executableTarget(
            name: "tacit-hello",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strict
        ),
        // What more than one test target needs: a seeded random generator, Unix socket addresses.
        .target(
            name: "TacitTestSupport",
            path: "Tests/TacitTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TacitCryptoTests",
            dependencies: ["TacitCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TacitVaultTests",
            dependencies: ["TacitSpawn", "TacitVault", "TacitCrypto"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TacitSpawnTests",
            dependencies: ["TacitSpawn"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TacitPolicyTests",
            dependencies: ["TacitPolicy", "TacitTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TacitServerTests",
            dependencies: [
                "TacitServer", "TacitAPI", "TacitVault", "TacitSpawn", "TacitTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // End-to-end tests: the built `tacit` binary against `tacit serve` in a temporary home.
        .testTarget(
            name: "TacitCLITests",
            dependencies: ["TacitSpawn", "TacitAPI", "TacitServer", "TacitCrypto", "TacitMetrics", "TacitTestSupport"],
            exclude: ["Snapshots"],
            swiftSettings: strict
        ),
        // Crash, corruption, brute force and plaintext sweeps; Scripts/soak runs the long versions.
        .testTarget(
            name: "TacitReliabilityTests",
            dependencies: [
                "TacitServer", "TacitAPI", "TacitVault", "TacitCrypto", "TacitPolicy", "TacitSpawn", "TacitTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TacitMetricsTests",
            dependencies: ["TacitSpawn", "TacitMetrics", "TacitCrypto", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
