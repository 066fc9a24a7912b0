import AegisDomain
import AegisTestSupport
import Foundation
import Testing

/// The event types the daemon emits are those protocol/SPEC.md §9.5 lists,
/// spelled the same.
@Suite struct EventTypeTests {
    @Test func theConstantsAreTheTypesTheSpecLists() throws {
        let spec = try String(
            contentsOf: TestData.repository.appendingPathComponent("protocol/SPEC.md"), encoding: .utf8)
        let section = try #require(spec.components(separatedBy: "### 9.5 Event types").dropFirst().first)
            .components(separatedBy: "\n#").first ?? ""
        // The first cell of each table row: one type, or several (`plugin.*`).
        let listed = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { row in
            row.split(separator: "|").first.map { cell in
                cell.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            } ?? []
        }
        let defined = EventType.allDefined.map(\.rawValue)
        #expect(Set(defined).count == defined.count)
        #expect(defined == listed)
    }
}
