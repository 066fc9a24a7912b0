import AegisDomain
import Testing

@Suite struct AegisErrorTests {
    @Test func invalidArgumentNamesTheField() {
        let error = AegisError.invalidArgument("params.limit", "too big")
        #expect(error.code == .invalidArgument)
        #expect(error.details["field"] == "params.limit")
        #expect(error.code.rawValue == "INVALID_ARGUMENT")
    }
}
