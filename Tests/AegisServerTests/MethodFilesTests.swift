import AegisTestSupport
import Foundation
import Testing

@testable import AegisServer

/// The house rule for method files: each wire noun has its own file in
/// `Sources/AegisServer/Methods`, and every method's name is written there
/// as a literal (so a grep for the name finds its handler).
@Suite struct MethodFilesTests {
    /// `api_key` → `APIKeyMethods.swift`, `data_component` →
    /// `DataComponentMethods.swift`, `events` → `EventMethods.swift`.
    static func file(of noun: String) -> String {
        let type = noun.split(separator: "_").map { $0 == "api" ? "API" : $0.capitalized }.joined()
        return (type == "Events" ? "Event" : type) + "Methods.swift"
    }

    @Test func everyMethodIsNamedInTheFileOfItsNoun() throws {
        let folder = TestData.repository.appendingPathComponent("Sources/AegisServer/Methods")
        var texts: [String: String] = [:]
        for name in MethodTable.standard.names {
            let noun = String(name.prefix { $0 != "." })
            let file = Self.file(of: noun)
            if texts[file] == nil {
                texts[file] = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            }
            #expect(texts[file]?.contains("\"\(name)\"") == true, "\(name) is not written in \(file)")
        }
    }
}
