// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// The shipped binaries' release builds on Linux are linked by the toolchain's lld with packed
// relative relocations (DT_RELR): the table the loader reads at every start, and keeps resident,
// shrinks from 1.6 MB to 0.4 MB (`bash bench/proxy.sh NEW BASE` measures idle memory). DT_RELR
// needs glibc 2.36, which the binaries need anyway (BoringSSL calls arc4random_buf).
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
        .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "verify-emulator",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "VerifyWire", targets: ["VerifyWire"]),
        .library(name: "VerifyEmulator", targets: ["VerifyEmulator"]),
        .library(name: "VerifyEmulatorTesting", targets: ["VerifyEmulatorTesting"]),
        .library(name: "VerifyClient", targets: ["VerifyClient"]),
        .library(name: "AuthServer", targets: ["AuthServer"]),
        .executable(name: "verify-emulator", targets: ["verify-emulator"]),
        .executable(name: "auth-server", targets: ["auth-server"]),
        .executable(name: "auth-login", targets: ["auth-login"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Twilio's wire model, shared by the emulator and clients: no server, no storage.
        .target(name: "VerifyWire", swiftSettings: swiftSettings),
        // What both servers put in front of their routes: a connection cap, and closing refused
        // connections (after a 413, or a request head that cannot be parsed) with a clear answer.
        .target(
            name: "HTTPServerGuards",
            dependencies: [
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VerifyEmulator",
            dependencies: [
                "VerifyWire", "HTTPServerGuards", "ServerOperations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both servers share for operators: build info for --version, the readiness probe
        // of `healthcheck`, a plain HTTP/1.1 exchange over SwiftNIO, Prometheus metrics.
        .target(
            name: "ServerOperations",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["BuildInfoPlugin"]
        ),
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),
        // The emulator in-process on a free port, for Swift test suites (this package's and users').
        .target(
            name: "VerifyEmulatorTesting",
            dependencies: [
                "VerifyEmulator", "VerifyWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Deadlines for many short calls on one timer (the Verify client's, the database's).
        .target(name: "AsyncDeadlines", swiftSettings: swiftSettings),
        // A typed async client for the Verify API, for any Swift app (the auth server uses it).
        .target(
            name: "VerifyClient",
            dependencies: [
                "VerifyWire", "AsyncDeadlines",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Debian's libqrencode, for the QR code of an authenticator app's set-up.
        .systemLibrary(name: "CQRencode", providers: [.apt(["libqrencode-dev"])]),
        // The JWT auth server as a library: configuration, tokens, the SMS-code login API.
        .target(
            name: "AuthServer",
            dependencies: [
                "VerifyClient", "VerifyWire", "HTTPServerGuards", "CQRencode", "ServerOperations", "AsyncDeadlines",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "auth-server",
            dependencies: [
                "AuthServer", "ServerOperations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: releaseLinking
        ),
        // A command-line login client for manual testing of the auth server.
        .executableTarget(
            name: "auth-login",
            dependencies: [
                "ServerOperations",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: releaseLinking
        ),
        .executableTarget(
            name: "verify-emulator",
            dependencies: [
                "VerifyEmulator", "ServerOperations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: releaseLinking
        ),
        // The fuzz targets: a corpus replayer, or with `scripts/fuzz.sh` a libFuzzer binary.
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "verify-fuzz",
            dependencies: ["VerifyEmulator", "AuthServer", "CFuzzerDriver"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "VerifyWireTests", dependencies: ["VerifyWire"]),
        .testTarget(name: "AsyncDeadlinesTests", dependencies: ["AsyncDeadlines"]),
        .testTarget(
            name: "ServerOperationsTests",
            dependencies: [
                "ServerOperations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AuthServerTests",
            dependencies: [
                "AuthServer", "VerifyEmulator", "VerifyEmulatorTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VerifyClientTests",
            dependencies: [
                "VerifyClient", "VerifyEmulator", "VerifyEmulatorTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "VerifyEmulatorTests",
            dependencies: [
                "VerifyEmulator", "VerifyEmulatorTesting",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
