// swift-tools-version:6.0
import PackageDescription

// Every arrow points toward ClaimsCore (pure domain: no I/O, clock or randomness).
// Each outside library is imported by exactly one target:
//   Yams -> ClaimsRules, GRDB (and its SQLite module, and CSQLiteSetup) -> ClaimsStore, libxml2 -> ClaimsFHIR, ArgumentParser -> ClaimsCLI,
//   CSV.swift -> ClaimsCSV, jemalloc (linked, not imported) -> ClaimsAllocator, for the `claims` executable alone.
let package = Package(
    name: "claims",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "claims", targets: ["claims"]),
        .library(name: "ClaimsCore", targets: ["ClaimsCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .target(name: "ClaimsCore"),
        .target(name: "ClaimsRules", dependencies: ["ClaimsCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "ClaimsX12", dependencies: ["ClaimsCore"]),
        .target(name: "ClaimsCSV", dependencies: ["ClaimsCore", .product(name: "CSV", package: "CSV.swift")]),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "ClaimsFHIR", dependencies: ["ClaimsCore", "CLibXML2"]),
        // A general PDF writer (pages, text, embedded subset TrueType fonts, layout); no superbill knowledge.
        .target(name: "ClaimsPDF"),
        .target(name: "ClaimsSuperbill", dependencies: ["ClaimsCore", "ClaimsPDF"]),
        // One process-wide SQLite setting Swift cannot make itself (a variadic C call): ClaimsStore's alone.
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "ClaimsStore", dependencies: [
            "ClaimsCore", "CSQLiteSetup", .product(name: "GRDB", package: "GRDB.swift"),
            // GRDB's own SQLite module, for binding rows directly in bulk inserts (RowInserter).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .target(
            name: "ClaimsEngine",
            dependencies: ["ClaimsCore", "ClaimsRules", "ClaimsX12", "ClaimsFHIR", "ClaimsSuperbill", "ClaimsStore", "ClaimsCSV"]
        ),
        .target(
            name: "ClaimsCLI",
            dependencies: [
                "ClaimsCore", "ClaimsRules", "ClaimsStore", "ClaimsEngine", "ClaimsX12",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // jemalloc for the executable alone (docs/batch.md, "The allocator"); libraries and tests keep the
        // system's malloc.
        .target(name: "ClaimsAllocator", linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]),
        .executableTarget(name: "claims", dependencies: ["ClaimsCLI", "ClaimsAllocator"]),
        // Replays fuzz inputs; built with -sanitize=fuzzer by scripts/fuzz.sh, a libFuzzer driver (docs/testing.md).
        .executableTarget(name: "claims-fuzz", dependencies: ["ClaimsCore", "ClaimsRules", "ClaimsX12"]),
        .target(name: "ClaimsTestSupport", dependencies: ["ClaimsCore"]),
        .testTarget(name: "ClaimsCoreTests", dependencies: ["ClaimsCore", "ClaimsTestSupport"]),
        .testTarget(name: "ClaimsRulesTests", dependencies: ["ClaimsRules", "ClaimsCore", "ClaimsTestSupport"]),
        .testTarget(name: "ClaimsX12Tests", dependencies: ["ClaimsX12", "ClaimsCore", "ClaimsRules", "ClaimsTestSupport"]),
        .testTarget(name: "ClaimsFHIRTests", dependencies: ["ClaimsFHIR", "ClaimsCore", "ClaimsRules", "ClaimsTestSupport"]),
        .testTarget(name: "ClaimsPDFTests", dependencies: ["ClaimsPDF"]),
        .testTarget(name: "ClaimsSuperbillTests", dependencies: ["ClaimsSuperbill", "ClaimsPDF", "ClaimsCore", "ClaimsTestSupport"]),
        // GRDB here only to send raw SQL on a connection of its own (the append-only triggers' test).
        .testTarget(name: "ClaimsStoreTests", dependencies: ["ClaimsStore", "ClaimsCore", "ClaimsTestSupport",
                                                             .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ClaimsEngineTests", dependencies: ["ClaimsEngine", "ClaimsCore", "ClaimsRules", "ClaimsStore", "ClaimsX12",
                                                              "ClaimsFHIR", "ClaimsSuperbill", "ClaimsTestSupport"]),
        .testTarget(name: "ClaimsCLITests", dependencies: ["ClaimsCore", "ClaimsStore", "ClaimsEngine", "ClaimsCLI", "ClaimsTestSupport"]),
    ]
)
