// swift-tools-version: 6.1
import PackageDescription

// Layout: `hal/` is the hardware boundary (protocols, Linux backend, mock HAL),
// `Sources/` is everything that decides, `boards/` is data. See docs/architecture.md.
let linuxOnly = TargetDependencyCondition.when(platforms: [.linux])

let package = Package(
  name: "Cloak",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "cloak", targets: ["cloak"]),
    .library(name: "HAL", targets: ["HAL"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    // The operator API only (decision 1400): nothing else imports these.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    // MARK: hal/ — the hardware boundary
    .target(name: "HAL", path: "hal/HAL"),
    .systemLibrary(
      name: "CGPIOD", path: "hal/Linux/CGPIOD", pkgConfig: "libgpiod",
      providers: [.apt(["libgpiod-dev"])]),
    .target(
      name: "CLinuxShims", dependencies: [.target(name: "CGPIOD", condition: linuxOnly)],
      path: "hal/Linux/CShims"),
    .target(
      name: "LinuxHAL",
      dependencies: ["HAL", .target(name: "CLinuxShims", condition: linuxOnly)],
      path: "hal/Linux/LinuxHAL"),
    .target(name: "MockHAL", dependencies: ["HAL"], path: "hal/Mock"),

    // MARK: Sources/ — what decides
    .target(name: "Drivers", dependencies: ["HAL"]),
    // Leak detector and CSV analyser core: no dependencies, no Foundation (decision 0900).
    .target(name: "LeakDetection", dependencies: ["Station"]),
    // The system zlib for `cloak leak analyze` on .gz input (decision 0901).
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "Emulators", dependencies: ["HAL", "MockHAL", "Drivers"]),
    .target(name: "Station"),
    .target(name: "Boards", dependencies: ["HAL", "Station", "Drivers", .product(name: "Yams", package: "Yams")]),
    .target(
      name: "Controller",
      dependencies: [
        "HAL", "Drivers", "Station",
        "LeakDetection",
        .product(name: "Atomics", package: "swift-atomics"),
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "Histogram", package: "hdrhistogram-swift"),
      ],
      // The spin model of the authority rules, kept beside them (scripts/model-check).
      exclude: ["Commands/AuthorityRules.pml"]),
    .target(
      name: "Composition",
      dependencies: [
        "HAL", "Boards", "Drivers", "MockHAL", "Emulators", "Controller", "Station", "Scheduler",
        .target(name: "LinuxHAL", condition: linuxOnly),
        "AuditLog",
        .product(name: "Atomics", package: "swift-atomics"),
      ]),
    .target(
      name: "Scheduler",
      dependencies: ["HAL", "Station", "Controller", .product(name: "GRDB", package: "GRDB.swift")]),
    .target(
      name: "Simulation",
      dependencies: ["Composition", "Boards", "Controller", "Station", "HAL", "Emulators", "MockHAL", "Scheduler"]),
    // Tamper-evident audit log (RFC 9162 Merkle tree, C2SP signed checkpoints) and signed
    // ground command envelopes; docs/audit-log.md, docs/command-envelopes.md.
    .target(name: "AuditLog", dependencies: ["HAL", .product(name: "Crypto", package: "swift-crypto")]),
    .target(name: "GroundLink", dependencies: ["AuditLog", .product(name: "Crypto", package: "swift-crypto")]),
    // The command link: crew console (Unix socket) and ground (TCP) over SwiftNIO; docs/command-link.md.
    .target(
      name: "CommandLink",
      dependencies: [
        "HAL", "Controller", "GroundLink", .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]),
    // The operator API (HTTP, WebSocket, /metrics) over Hummingbird; docs/operator-api.md.
    // The only target that imports Hummingbird, so every other target builds without it.
    .target(
      name: "OperatorAPI",
      dependencies: [
        "HAL", "Controller", "Composition", "CommandLink", "GroundLink", "Station", "Scheduler", "AuditLog",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .executableTarget(
      name: "cloak",
      dependencies: [
        "Composition", "Simulation", "Station", "HAL", "Boards", "Drivers", "Controller", "Emulators", "MockHAL",
        "Scheduler",
        .target(name: "LinuxHAL", condition: linuxOnly),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        "AuditLog", "GroundLink",
        "LeakDetection", "CZlib",
        "CommandLink",
        "OperatorAPI",
      ]),

    // MARK: Tests/ — one test target per target
    .testTarget(name: "HALTests", dependencies: ["HAL"]),
    .testTarget(name: "MockHALTests", dependencies: ["HAL", "MockHAL", "Station"]),
    .testTarget(name: "LeakDetectionTests", dependencies: ["LeakDetection", "Station"]),
    .testTarget(
      name: "DriversTests", dependencies: ["HAL", "MockHAL", "Drivers", "Emulators"], exclude: ["Fixtures"]),
    .testTarget(name: "EmulatorsTests", dependencies: ["HAL", "MockHAL", "Drivers", "Emulators"]),
    .testTarget(
      name: "BoardsTests", dependencies: ["HAL", "Boards", "Station", "Drivers"], exclude: ["Fixtures"]),
    .testTarget(name: "StationTests", dependencies: ["Station"]),
    .testTarget(name: "SchedulerTests", dependencies: ["Scheduler", "Station", "Controller", "Boards"]),
    .testTarget(
      name: "ControllerTests", dependencies: ["HAL", "MockHAL", "Drivers", "Emulators", "Controller", "Station"]),
    .testTarget(
      name: "CompositionTests",
      dependencies: [
        "Composition", "Boards", "Controller", "Emulators", "HAL", "MockHAL", "Station", "Simulation", "AuditLog",
        "CommandLink", "GroundLink",
      ]),
    .testTarget(
      name: "SimulationTests",
      dependencies: ["Simulation", "Composition", "Boards", "Controller", "Station", "HAL", "MockHAL"]),
    // The bench suite: an executable (not XCTest/Swift Testing) because it runs inside
    // the virtual bench's QEMU guest and on real boards (scripts/virtual-bench, scripts/bench).
    .executableTarget(
      name: "cloak-bench-suite",
      dependencies: [
        "HAL", "Boards", "Drivers", "Emulators", "MockHAL", "Controller", "Station",
        .product(name: "Yams", package: "Yams"), .target(name: "LinuxHAL", condition: linuxOnly),
      ],
      path: "Tests/BenchSuite"),
    .testTarget(name: "AuditLogTests", dependencies: ["AuditLog"]),
    .testTarget(name: "GroundLinkTests", dependencies: ["GroundLink", "AuditLog"]),
    .testTarget(
      name: "OperatorAPITests",
      dependencies: [
        "OperatorAPI", "Composition", "Controller", "CommandLink", "GroundLink", "AuditLog", "Simulation", "Boards",
        "Station", "HAL", .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "Yams", package: "Yams"),
      ]),
    .testTarget(name: "LinuxHALTests", dependencies: ["HAL", .target(name: "LinuxHAL", condition: linuxOnly)]),
  ]
)
