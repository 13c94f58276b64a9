// swift-tools-version: 6.1
// libFuzzer targets for Tacit, kept out of the root package: they link only with
// `-sanitize=fuzzer`. Build and run them with `Scripts/fuzz` (see ../../shared/NOTES.md).
import Foundation
import PackageDescription

// The root package by path; its identity is its folder's name, whatever the checkout is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL
let tacit = root.lastPathComponent.lowercased()

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["CFuzzDriver"] + products.map { .product(name: $0, package: tacit) },
        swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
    )
}

let package = Package(
    name: "TacitFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: root.path)],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver for Swift.
        .target(name: "CFuzzDriver"),
        fuzzTarget("fuzz-policy", ["TacitPolicy"]),
        fuzzTarget("fuzz-payload", ["TacitVault"]),
        fuzzTarget("fuzz-sealedbox", ["TacitCrypto"]),
        fuzzTarget("fuzz-request", ["TacitServer"]),
    ],
    swiftLanguageModes: [.v6]
)
