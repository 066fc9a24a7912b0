import AegisDomain
import Testing

/// What a target may be, and which targets a filter matches.
@Suite struct TestTargetsTests {
    @Test func targetsAreTrimmedAndDeduplicatedIgnoringCase() throws {
        let targets = try TestTargets.validate([" web01 ", "WEB01", "web01.corp", "10.0.0.1", "fe80::1", "a_b"], field: "targets")
        #expect(targets == ["web01", "web01.corp", "10.0.0.1", "fe80::1", "a_b"])
    }

    @Test(arguments: ["", "  ", "two words", "tab\there", "é", ".lead", "trail.", "-lead", "trail-", "a..b", "a/b", "a;b"])
    func malformedTargetsAreRefused(_ value: String) {
        let error = #expect(throws: AegisError.self) { try TestTargets.validate([value], field: "targets") }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == .string("targets[0]"))
    }

    @Test func theBoundsAreThirtyTwoTargetsOf255Bytes() throws {
        #expect(try TestTargets.validate(String(repeating: "a", count: 255), field: "t").count == 255)
        #expect(throws: AegisError.self) { try TestTargets.validate(String(repeating: "a", count: 256), field: "t") }
        #expect(try TestTargets.validate((0..<32).map { "h\($0)" }, field: "t").count == 32)
        let error = #expect(throws: AegisError.self) { try TestTargets.validate((0..<33).map { "h\($0)" }, field: "t") }
        #expect(error?.details["field"] == .string("t"))
    }

    @Test func keysSeparateTheHostFromItsDomain() {
        #expect(TestTargets.nameKey("WEB01.Corp.Example") == "web01.corp.example")
        #expect(TestTargets.hostKey("WEB01.Corp.Example") == "web01")
        #expect(TestTargets.hostKey("192.168.1.20") == "192.168.1.20")
        #expect(TestTargets.hostKey("FE80::1") == "fe80::1")
        #expect(TestTargets.isBare("dkmxsh"))
        #expect(!TestTargets.isBare("web01.corp"))
    }

    @Test func aBareNameMatchesAnyDomainAndADomainOnlyItself() {
        #expect(TestTargets.matches("web01.corp.example", filter: "WEB01"))
        #expect(TestTargets.matches("web01", filter: "web01.corp.example"))
        #expect(TestTargets.matches("Web01.Corp.Example", filter: "web01.corp.example"))
        #expect(!TestTargets.matches("web01.lab.example", filter: "web01.corp.example"))
        #expect(!TestTargets.matches("web010", filter: "web01"))
        #expect(!TestTargets.matches("10.0.0.1", filter: "10"))
        #expect(TestTargets.matches("10.0.0.1", filter: "10.0.0.1"))
    }
}
