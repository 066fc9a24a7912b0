// swift-tools-version:6.0
import PackageDescription

/// Aegis: one daemon (`aegisd`) holding a purple team's ATT&CK coverage,
/// reachable over ZeroMQ + MessagePack. Layers are targets; see
/// ../shared/ARCHITECTURE.md and README.md.
let package = Package(
    name: "aegis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aegisd", targets: ["aegisd"]),
        .executable(name: "aegisctl", targets: ["aegisctl"]),
        .executable(name: "aegis-bench", targets: ["aegis-bench"]),
        .executable(name: "aegis-d3fend", targets: ["aegis-d3fend"]),
        .library(name: "AegisClient", targets: ["AegisClient"]),
        .library(name: "AegisPluginKit", targets: ["AegisPluginKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        // C libraries, each imported by exactly one wrapper target.
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CMsgPack", pkgConfig: "msgpack", providers: [.apt(["libmsgpack-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),

        // Entities, value objects, domain errors and events, port protocols.
        .target(name: "AegisDomain"),
        // The thread-backed service type every long-running part of aegisd
        // is (swift-service-lifecycle).
        .target(name: "AegisRuntime", dependencies: [
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Use cases; talks to ports only. Template import also reads Yams's
        // bundled libyaml (`CYaml`, not a product of its own) to measure a
        // YAML file's events before Yams builds anything from it.
        // The rules directory's sync reads its files with AegisDetection's parser.
        .target(name: "AegisApp", dependencies: ["AegisDomain", "AegisDetection", .product(name: "Yams", package: "Yams")]),
        // SQL behind the ports: SQLite (embedded) and PostgreSQL (libpq).
        .target(name: "AegisStore", dependencies: [
            "AegisDomain", "AegisRuntime", "CSQLite", "CLibPQ", "CSodium", .product(name: "Logging", package: "swift-log"),
        ]),
        // MessagePack codec over msgpack-c, envelope, error codes.
        .target(name: "AegisWire", dependencies: ["CMsgPack"]),
        // A small Swift wrapper over libzmq.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // RPC router, method table, worker pool, auth, event publisher.
        .target(name: "AegisServer", dependencies: [
            "AegisApp", "AegisStore", "AegisRuntime", "AegisWire", "ZeroMQ", "CSodium",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // The detection-rule engine: Sigma, Elastic and native rules parsed,
        // compiled and evaluated against telemetry events (docs/DETECTION.md).
        .target(name: "AegisDetection", dependencies: [
            "AegisDomain", "CPCRE2", .product(name: "Yams", package: "Yams"), .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // Synchronous RPC client used by aegisctl, plugins and the benchmark.
        .target(name: "AegisClient", dependencies: ["AegisWire", "ZeroMQ"]),
        // What a plugin written in Swift needs: hello, heartbeat, events, stopping.
        .target(name: "AegisPluginKit", dependencies: ["AegisClient", "AegisWire"]),
        // A plugin for the tests: behaves, or misbehaves as its settings say.
        .executableTarget(name: "aegis-probe", dependencies: ["AegisPluginKit"], path: "plugins/probe/Sources/aegis-probe"),

        .executableTarget(name: "aegisd", dependencies: [
            "AegisServer", "AegisRuntime",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "aegisctl", dependencies: [
            "AegisClient", "AegisStore", "AegisDomain",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "aegis-bench", dependencies: [
            "AegisClient", "ZeroMQ", "AegisStore", "AegisDomain", "AegisD3FEND", "AegisDetection",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets: real data files, temporary folders.
        .target(name: "AegisTestSupport", dependencies: ["AegisDomain", "AegisStore"], path: "Tests/AegisTestSupport"),
        .testTarget(name: "AegisDomainTests", dependencies: ["AegisDomain"]),
        .testTarget(name: "AegisWireTests", dependencies: ["AegisWire"]),
        .testTarget(name: "AegisDetectionTests", dependencies: ["AegisDetection", "AegisDomain", "AegisTestSupport"]),
        .testTarget(name: "AegisRuntimeTests", dependencies: [
            "AegisRuntime", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "AegisStoreTests", dependencies: ["AegisStore", "AegisApp", "AegisDomain", "AegisTestSupport"]),
        .testTarget(name: "AegisAppTests", dependencies: ["AegisApp", "AegisDomain", "AegisTestSupport"]),
        .testTarget(name: "AegisServerTests", dependencies: [
            "AegisServer", "AegisDetection", "AegisClient", "AegisWire", "ZeroMQ", "AegisStore", "AegisTestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Drives the built executables; `aegisctl` is also imported for its pure helpers.
        .testTarget(name: "AegisCLITests", dependencies: [
            "AegisTestSupport", "AegisClient", "AegisWire", "AegisDomain", "ZeroMQ", "aegisctl",
        ]),

        // The Caldera plugin: its REST client and intake logic, the plugin
        // executable, a stand-in serving responses recorded from Caldera 5.3
        // (for the tests and the benchmark), the library's tests, and the
        // plugin's tests under a real aegisd.
        .target(
            name: "AegisCaldera", dependencies: ["AegisDomain", .product(name: "Yams", package: "Yams")],
            path: "plugins/caldera/Sources/AegisCaldera"),
        .executableTarget(
            name: "aegis-caldera", dependencies: ["AegisCaldera", "AegisPluginKit", "AegisClient", "AegisWire", "AegisDomain"],
            path: "plugins/caldera/Sources/aegis-caldera"),
        .target(name: "CalderaTestSupport", path: "plugins/caldera/Tests/CalderaTestSupport"),
        .testTarget(
            name: "AegisCalderaTests", dependencies: ["AegisCaldera", "AegisApp", "AegisDomain", "CalderaTestSupport"],
            path: "plugins/caldera/Tests/AegisCalderaTests"),
        .testTarget(
            name: "AegisCalderaPluginTests",
            dependencies: ["AegisCaldera", "CalderaTestSupport", "AegisTestSupport", "AegisClient", "AegisWire"],
            path: "plugins/caldera/Tests/AegisCalderaPluginTests"),
        // The D3FEND plugin's data readers: D3FEND's CSVs and web-API answers
        // into `countermeasure.sync` params (the plugin executable comes later).
        .target(name: "AegisD3FEND", dependencies: ["AegisDomain"], path: "plugins/d3fend/Sources/AegisD3FEND"),
        .executableTarget(
            name: "aegis-d3fend", dependencies: ["AegisD3FEND", "AegisPluginKit", "AegisWire"],
            path: "plugins/d3fend/Sources/aegis-d3fend"),
        .testTarget(
            name: "AegisD3FENDTests", dependencies: ["AegisD3FEND", "AegisTestSupport", "AegisApp", "AegisStore", "AegisDomain"],
            path: "plugins/d3fend/Tests/AegisD3FENDTests"),
    ],
    swiftLanguageModes: [.v6]
)

// The benchmark's Caldera phase runs the plugin against the stand-in.
for target in package.targets where target.name == "aegis-bench" {
    target.dependencies.append("CalderaTestSupport")
}
