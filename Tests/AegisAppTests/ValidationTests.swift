import AegisApp
import AegisDomain
import Testing

@Suite struct AttackIDTests {
    @Test(arguments: ["T1059", "T1059.001", "t1059.001"])
    func acceptsTechniqueIDs(_ id: String) throws {
        #expect(try AttackID.technique(id) == id.uppercased())
    }

    @Test(arguments: ["", "T105", "T10590", "T1059.01", "T1059.0001", "TA0002", "1059", "T1059.abc", "T1059 ", String(repeating: "T", count: 100)])
    func refusesOtherStrings(_ id: String) {
        let error = #expect(throws: AegisError.self) { try AttackID.technique(id) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == "id")
    }

    @Test func actorsAreGroupsOrCampaigns() throws {
        #expect(try AttackID.actor("G0016") == "G0016")
        #expect(try AttackID.actor("c0001") == "C0001")
        #expect(throws: AegisError.self) { try AttackID.actor("S0001") }
    }

    @Test func mitigationsIncludeDeprecatedTNumbers() throws {
        #expect(try AttackID.mitigation("M1038") == "M1038")
        #expect(try AttackID.mitigation("T1001") == "T1001")
        #expect(throws: AegisError.self) { try AttackID.mitigation("G0001") }
    }
}

@Suite struct CursorTests {
    @Test func roundTrips() throws {
        let cursor = try #require(Cursor.encode("T1059.001"))
        #expect(!cursor.contains("T1059"))
        #expect(try Cursor.decode(cursor) == "T1059.001")
    }

    @Test(arguments: ["", "abc", "!!!", "dGVzdA"])
    func refusesForeignCursors(_ cursor: String) {
        let error = #expect(throws: AegisError.self) { try Cursor.decode(cursor) }
        #expect(error?.details["field"] == "cursor")
    }

    @Test func limitsAreBounded() throws {
        #expect(try Cursor.pageRequest(limit: nil, cursor: nil).limit == 100)
        #expect(try Cursor.pageRequest(limit: 1000, cursor: nil).limit == 1000)
        for bad in [0, -1, 1001] {
            let error = #expect(throws: AegisError.self) { try Cursor.pageRequest(limit: bad, cursor: nil) }
            #expect(error?.details["field"] == "limit")
        }
    }
}

@Suite struct UploadNameTests {
    @Test(arguments: ["enterprise-attack.json", "a b.json", "ü.json"])
    func acceptsPlainNames(_ name: String) throws { try UploadName.validate(name, field: "name") }

    @Test(arguments: ["", ".", "..", "../etc/passwd", "/etc/passwd", "a\\b", "a\nb", String(repeating: "x", count: 256)])
    func refusesPaths(_ name: String) {
        #expect(throws: AegisError.self) { try UploadName.validate(name, field: "name") }
    }
}
