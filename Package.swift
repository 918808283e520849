// swift-tools-version:6.1
import PackageDescription

// Layers, each a target, so that the compiler forbids a cycle (README, Development):
//
//   invdb (command line)
//     └─ InvDBReport ─ InvDBRender ─ InvDBChecks ─┐
//     └─ InvDBScan ─ InvDBImport ─ InvDBDetect ─ InvDBJSON ─┤
//                     └──────────── InvDBStore ─────────────┴─ InvDBCore
//
// A lower layer never imports a higher one.

let package = Package(
    name: "invdb",
    products: [
        .executable(name: "invdb", targets: ["invdb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        .target(name: "CSQLiteHardening", linkerSettings: [.linkedLibrary("sqlite3")]),
        // Statuses, cells, result rows and columns; errors, safe message text, the clock, files.
        .target(name: "InvDBCore"),
        // The streaming JSON reader (onto flat tapes) and JSON values.
        .target(name: "InvDBJSON", dependencies: ["InvDBCore", .product(name: "Crypto", package: "swift-crypto")]),
        // Finding credentials: the detector, the scrubber, user-data decoding, fingerprints.
        .target(name: "InvDBDetect", dependencies: ["InvDBCore", "InvDBJSON", "CZlib", "CYAML",
                                                    .product(name: "Crypto", package: "swift-crypto")]),
        // The one way into SQLite: opening, migrations, transactions, hardened read connections.
        .target(name: "InvDBStore", dependencies: ["InvDBCore", "CSQLiteHardening", .product(name: "GRDB", package: "GRDB.swift"),
                                                   .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // Reading every input kind into the tables.
        .target(name: "InvDBImport", dependencies: ["InvDBCore", "InvDBJSON", "InvDBDetect", "InvDBStore",
                                                    .product(name: "GRDB", package: "GRDB.swift"),
                                                    .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // invdb scan: files collected from hosts.
        .target(name: "InvDBScan", dependencies: ["InvDBCore", "InvDBDetect", "InvDBImport", "InvDBStore",
                                                  .product(name: "GRDB", package: "GRDB.swift"),
                                                  .product(name: "Crypto", package: "swift-crypto")]),
        // Saved checks and the one streaming results pipeline.
        .target(name: "InvDBChecks", dependencies: ["InvDBCore", "InvDBStore", .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // Output formats, one file each, as consumers of the pipeline.
        .target(name: "InvDBRender", dependencies: ["InvDBCore", "InvDBJSON", "InvDBChecks"]),
        // Run history, waivers and scheduled reports.
        .target(name: "InvDBReport", dependencies: ["InvDBCore", "InvDBJSON", "InvDBStore", "InvDBChecks", "InvDBRender",
                                                    .product(name: "GRDB", package: "GRDB.swift")]),
        .executableTarget(
            name: "invdb",
            dependencies: ["InvDBCore", "InvDBJSON", "InvDBStore", "InvDBImport", "InvDBScan", "InvDBChecks", "InvDBRender", "InvDBReport",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(
            name: "InvDBTests",
            dependencies: ["InvDBCore", "InvDBJSON", "InvDBDetect", "InvDBStore", "InvDBImport", "InvDBScan", "InvDBChecks",
                           "InvDBRender", "InvDBReport", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "invdbTests",
            dependencies: ["invdb"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
