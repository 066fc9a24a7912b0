import AegisDomain
import Testing

/// What a test's source reference may be.
@Suite struct TestSourceRefTests {
    @Test func aReferenceIsTrimmedAndKeptAsGiven() throws {
        #expect(try TestSourceRef.validate(" caldera:link:0b2F-9 ", field: "source_ref") == "caldera:link:0b2F-9")
        #expect(try TestSourceRef.validate("x", field: "source_ref") == "x")
        #expect(try TestSourceRef.validate(String(repeating: "~", count: 255), field: "source_ref").utf8.count == 255)
    }

    @Test(arguments: [
        "", "   ", "two words", "tab\there", "é", "caldera:link:\u{0}", String(repeating: "a", count: 256),
    ])
    func malformedReferencesAreRefused(_ value: String) {
        let error = #expect(throws: AegisError.self) { try TestSourceRef.validate(value, field: "source_ref") }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == .string("source_ref"))
    }
}
