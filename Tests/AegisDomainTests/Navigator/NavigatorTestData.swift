import Foundation

/// Files of ../shared/data/navigator-layers, found as `AegisTestSupport`'s
/// `TestData.shared` finds them (this target does not depend on it):
/// `AEGIS_SHARED_DATA`, else `<repo>/../shared/data`, else `/work/shared/data`.
enum NavigatorTestData {
    /// The repository root (this file is Tests/AegisDomainTests/Navigator/NavigatorTestData.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var shared: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_SHARED_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let sibling = repository.deletingLastPathComponent().appendingPathComponent("shared/data")
        if FileManager.default.fileExists(atPath: sibling.path) { return sibling }
        return URL(fileURLWithPath: "/work/shared/data")
    }

    static func layerFile(_ name: String) throws -> Data {
        try Data(contentsOf: shared.appendingPathComponent("navigator-layers/\(name)"))
    }

    /// The `index`-th ```json block of the format's documentation.
    static func specExample(_ index: Int) throws -> Data {
        let text = String(decoding: try layerFile("layerformat-v4.5.md"), as: UTF8.self)
        let blocks = text.components(separatedBy: "```json").dropFirst().map {
            $0.components(separatedBy: "```").first ?? ""
        }
        guard blocks.indices.contains(index) else { throw CocoaError(.fileReadCorruptFile) }
        return Data(blocks[index].utf8)
    }
}
