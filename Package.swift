// swift-tools-version:6.2
import PackageDescription

// Layout (docs/ARCHITECTURE.md#layout): a pure core, adapters at the edge, thin executables.
let package = Package(
    name: "esco-stack",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "esco", targets: ["esco"]),
        .executable(name: "esco-supervise", targets: ["esco-supervise"]),
        .executable(name: "esco-search", targets: ["esco-search"]),
        .executable(name: "esco-standin", targets: ["esco-standin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL", from: "4.3.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Pure core: records, IDs, plans, state machines, exit codes. No I/O, no C.
        .target(name: "ESCOCore"),

        // Native libraries (typed wrappers for variadic/macro C APIs live in each shim.h).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // The wait-status macros (WIFEXITED, WEXITSTATUS, WIFSIGNALED, WTERMSIG) as functions Swift can call.
        .target(name: "CProcess"),

        // The operating system and native libraries, typed: wall clock, host name, SHA-256, CRC-32.
        .target(name: "ESCOSystem", dependencies: ["CCrypto", "CZlib"]),

        // all-MiniLM-L6-v2 computed natively (WordPiece, BERT encoder on BLAS, mean pooling); no other deps.
        .target(name: "ESCOModel", dependencies: ["CBLAS"]),

        // Adapters.
        .target(name: "ESCODataset", dependencies: ["ESCOCore", "ESCOSystem", "CZlib"]),
        .target(
            name: "ESCOClients",
            dependencies: [
                "ESCOCore", "ESCOSystem", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The YAML profile, mapped onto the clients' own configuration types.
        .target(
            name: "ESCOConfig",
            dependencies: ["ESCOCore", "ESCOClients", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "ESCOStandIns",
            dependencies: [
                "ESCOCore", "ESCOSystem",
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What every executable shares: the state store, the service clients, the verifier of stored data.
        .target(
            name: "ESCORuntime",
            dependencies: [
                "ESCOCore", "ESCODataset", "ESCOConfig", "ESCOClients",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ESCOIngestion",
            dependencies: [
                "ESCOCore", "ESCOSystem", "ESCODataset", "ESCOConfig", "ESCOClients", "ESCORuntime",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ESCOSupervisor",
            dependencies: [
                "ESCOCore", "ESCOSystem", "CSystemd", "CProcess",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "ESCOSearch", dependencies: ["ESCOCore", "ESCOClients"]),
        // Prometheus metrics: swift-metrics handlers on a swift-prometheus registry, and the ingestion gauges
        // that esco-search's /metrics and `esco status --format prometheus` both render.
        .target(
            name: "ESCOMetrics",
            dependencies: [
                "ESCOCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // esco-search's HTTP service (Hummingbird 2), used by the executable and by tests in-process.
        .target(
            name: "ESCOSearchServer",
            dependencies: [
                "ESCOCore", "ESCOSystem", "ESCOSearch", "ESCOMetrics", "CSystemd",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Thin executables, each its own composition root (the wiring of its real dependencies).
        .executableTarget(
            name: "esco",
            dependencies: [
                "ESCOCore", "ESCOSystem", "ESCODataset", "ESCOConfig", "ESCOClients", "ESCORuntime", "ESCOIngestion",
                "ESCOSearch", "ESCOMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "esco-supervise",
            dependencies: [
                "ESCOCore", "ESCOConfig", "ESCODataset", "ESCORuntime", "ESCOSupervisor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "esco-search",
            dependencies: [
                "ESCOCore", "ESCOSystem", "ESCOConfig", "ESCORuntime", "ESCOSearch", "ESCOSearchServer", "ESCOMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "esco-standin",
            dependencies: [
                "ESCOCore", "ESCOStandIns", "ESCOModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // Shared test helpers: locating data and binaries, starting stand-ins, running processes.
        .target(name: "TestSupport", dependencies: ["ESCOCore", "ESCOSystem", "ESCOStandIns"]),

        .testTarget(
            name: "ESCOCoreTests", dependencies: ["ESCOCore", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "ESCOSystemTests", dependencies: ["ESCOSystem"]),
        .testTarget(name: "ESCOConfigTests", dependencies: ["ESCOConfig", "ESCOClients", "ESCOCore"]),
        .testTarget(name: "ESCODatasetTests", dependencies: ["ESCODataset", "TestSupport"]),
        .testTarget(
            name: "ESCOClientsTests",
            dependencies: [
                "ESCOClients", "ESCOConfig", "ESCOSystem", "TestSupport", .product(name: "GraphQL", package: "GraphQL"),
            ]
        ),
        .testTarget(name: "ESCOStandInsTests", dependencies: ["ESCOStandIns", "TestSupport"]),
        .testTarget(
            name: "ESCOIngestionTests", dependencies: ["ESCOIngestion", "ESCORuntime", "ESCOSystem", "TestSupport"]),
        .testTarget(
            name: "ESCOSupervisorTests",
            dependencies: [
                "ESCOSupervisor", "TestSupport", .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The search tests' shared fixture (stand-ins, clients, one sample ingestion, a server on port 0).
        .target(
            name: "SearchTestSupport",
            dependencies: [
                "ESCOCore", "ESCOConfig", "ESCOClients", "ESCODataset", "ESCORuntime", "ESCOIngestion", "ESCOSearch",
                "ESCOSearchServer", "ESCOStandIns", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ESCOSearchTests",
            dependencies: [
                "ESCOSearch", "ESCOCore", "ESCOClients", "ESCOConfig", "ESCODataset", "ESCOIngestion", "ESCORuntime",
                "ESCOStandIns", "SearchTestSupport", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ESCOSearchServerTests",
            dependencies: [
                "ESCOSearchServer", "ESCOSearch", "ESCORuntime", "ESCOSystem", "ESCOCore", "ESCOClients", "ESCOMetrics",
                "ESCOStandIns", "SearchTestSupport", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "ESCORuntimeTests",
            dependencies: [
                "ESCORuntime", "ESCOClients", "ESCOConfig", "ESCOStandIns", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        // Documented command lines through the programs' real argument parsers (parsed, never run).
        .testTarget(
            name: "DocCommandTests",
            dependencies: [
                "esco", "esco-supervise", "esco-search", "esco-standin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Every hand-written parser behind one entry point: the libFuzzer harness below and the regression
        // tests (which replay Tests/FuzzCorpus in the normal test run) call the same code.
        .target(
            name: "ESCOFuzzTargets",
            dependencies: [
                "ESCOCore", "ESCODataset", "ESCOConfig", "ESCOClients", "ESCOSearch", "ESCOStandIns",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["ESCOFuzzTargets", "ESCOCore", "ESCOSearch"]),
        .testTarget(name: "ESCOModelTests", dependencies: ["ESCOModel"], exclude: ["Fixtures"]),
    ]
)

// The libFuzzer harness only exists for `scripts/fuzz` (ESCO_FUZZ=1): it has no `main` of its own and needs
// `-sanitize=fuzzer`, so an ordinary `swift build` must not try to link it.
if Context.environment["ESCO_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(name: "esco-fuzz", dependencies: ["ESCOFuzzTargets"], path: "Sources/esco-fuzz"))
    package.products.append(.executable(name: "esco-fuzz", targets: ["esco-fuzz"]))
}

// Same language mode and upcoming features everywhere (swift-log's Package.swift does the same).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
