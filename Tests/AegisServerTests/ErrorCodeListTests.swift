import AegisDomain
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// One list of error codes: the domain's (`ErrorCode`), the wire's
/// (`WireErrorCode`, which clients use without the domain), CONTRACT.md's
/// and protocol/SPEC.md §5's name the same codes in the same order. The
/// server maps one to the other by raw value (`CallFailure`, `RequestHandler`).
@Suite struct ErrorCodeListTests {
    let domain = ErrorCode.allDefined.map(\.rawValue)

    @Test func theDomainAndTheWireHaveTheSameCodes() {
        #expect(!domain.isEmpty)
        #expect(Set(domain).count == domain.count)
        #expect(domain == WireErrorCode.allDefined.map(\.rawValue))
    }

    @Test func theSpecNamesTheSameCodes() throws {
        let spec = try String(
            contentsOf: TestData.repository.appendingPathComponent("protocol/SPEC.md"), encoding: .utf8)
        let section = try #require(spec.components(separatedBy: "\n## 5. Errors").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        // The first cell of each row of the table.
        let listed = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap { row in
            row.split(separator: "`").dropFirst().first.map(String.init)
        }
        #expect(listed == domain)
    }

    /// CONTRACT.md sits next to the shared data (`../shared`).
    @Test func theContractNamesTheSameCodes() throws {
        let contract = try String(
            contentsOf: TestData.shared.deletingLastPathComponent().appendingPathComponent("CONTRACT.md"),
            encoding: .utf8)
        let section = try #require(contract.components(separatedBy: "\n## Error codes").dropFirst().first)
            .components(separatedBy: "\n## ").first ?? ""
        let named = section.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            .filter { !$0.isEmpty && $0.allSatisfy { $0.isUppercase || $0 == "_" } }
        #expect(named == domain)
    }
}
