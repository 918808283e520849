// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "invdb",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "invdb", targets: ["invdb"]),
        .library(name: "InvDBKit", targets: ["InvDBKit"]),
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
        .target(
            name: "InvDBKit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                "CZlib",
                "CYAML",
                "CSQLiteHardening",
            ]
        ),
        .executableTarget(
            name: "invdb",
            dependencies: [
                "InvDBKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "InvDBKitTests",
            dependencies: ["InvDBKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "invdbTests",
            dependencies: ["invdb"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
