// swift-tools-version:6.1
import PackageDescription

// Each layer of the service is its own module; dependencies point one way:
// CHiredis → RedisClient → SessionStore → RestSessionsAPI ← HTTPServer, all wired in rest-sessions;
// RedisClient and HTTPServer both run on EventLoops (epoll loops of our own, one thread each).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Layers record metrics through swift-metrics' façade only; the executable bootstraps Prometheus
// (swift-prometheus brings swift-atomics; naming it here too only makes SwiftPM warn that no target uses it).
let coreMetrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")

let package = Package(
    name: "rest-sessions",
    products: [
        .executable(name: "rest-sessions", targets: ["rest-sessions"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Debian's hiredis.pc makes SwiftPM warn, so the module map links hiredis itself.
        .systemLibrary(name: "CHiredis"),
        // epoll and eventfd, which Glibc's module leaves out.
        .systemLibrary(name: "CEpoll"),
        .target(name: "EventLoops", dependencies: ["CEpoll"], swiftSettings: swiftSettings),
        .target(
            name: "RedisClient",
            dependencies: ["CHiredis", "EventLoops", .product(name: "Logging", package: "swift-log"), coreMetrics],
            swiftSettings: swiftSettings
        ),
        .target(name: "JSONText", swiftSettings: swiftSettings),
        .target(
            name: "SessionStore",
            dependencies: ["RedisClient", "EventLoops", "JSONText", .product(name: "Logging", package: "swift-log"), coreMetrics],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPServer",
            dependencies: ["EventLoops", .product(name: "Logging", package: "swift-log"), coreMetrics],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RestSessionsAPI",
            dependencies: ["HTTPServer", "EventLoops", "SessionStore", "JSONText", .product(name: "Logging", package: "swift-log"), coreMetrics],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "rest-sessions",
            dependencies: [
                "RestSessionsAPI", "HTTPServer", "SessionStore", "RedisClient", "EventLoops", "JSONText",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                coreMetrics, .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The libFuzzer entry both fuzz targets share.
        .target(name: "FuzzDriver", swiftSettings: swiftSettings),
        // libFuzzer target for the HTTP request parser: `make fuzz` builds it with -sanitize=fuzzer.
        .executableTarget(
            name: "HTTPParserFuzz", dependencies: ["HTTPServer", "FuzzDriver"], exclude: ["Corpus", "http.dict"], swiftSettings: swiftSettings
        ),
        // libFuzzer target for the JSON body path (JSONText + the store's d rules): `make fuzz-json`.
        .executableTarget(
            name: "JSONBodyFuzz", dependencies: ["JSONText", "SessionStore", "FuzzDriver"], exclude: ["Corpus", "json.dict"], swiftSettings: swiftSettings
        ),
        // The HTTP layer alone answering a fixed response: the ceiling `make bench` measures.
        .executableTarget(name: "HTTPBench", dependencies: ["HTTPServer", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        // Helpers of the tests: Redis's clock, bounded waits, a private server, log lines kept in memory.
        .target(
            name: "TestSupport", dependencies: ["RedisClient", "EventLoops", .product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EventLoopsTests", dependencies: ["EventLoops", "CEpoll"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RedisClientTests",
            dependencies: [
                "RedisClient", "CHiredis", "EventLoops", "TestSupport", coreMetrics, .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "JSONTextTests", dependencies: ["JSONText"], swiftSettings: swiftSettings),
        .testTarget(name: "SessionStoreTests", dependencies: ["SessionStore", "RedisClient", "JSONText", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "EventLoops", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RestSessionsAPITests",
            dependencies: [
                "RestSessionsAPI", "HTTPServer", "SessionStore", "RedisClient", "JSONText", "EventLoops", coreMetrics, "TestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RestSessionsTests",
            dependencies: [
                "rest-sessions", "RedisClient", "SessionStore", "HTTPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
