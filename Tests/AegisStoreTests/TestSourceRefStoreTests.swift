import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisStore

/// A test's `source_ref` on both stores: kept, found, unique, and filtered.
@Suite struct TestSourceRefStoreTests {
    let dir: TemporaryDirectory
    let store: any StoreProvider
    let session: any StoreSession

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        session = try store.openSession()
    }

    func test(_ id: String, sourceRef: String?, blind: Bool = false) -> TestCase {
        TestCase(
            id: id, techniqueID: "T0803", name: id, blind: blind, sourceRef: sourceRef, createdAt: Date(),
            createdBy: "plugin:caldera")
    }

    func count() throws -> Int {
        try session.read { try $0.tests.tests(matching: TestQuery(page: PageRequest(limit: 1000))) }.items.count
    }

    @Test func aSourceRefIsKeptAndFindsItsTest() throws {
        try session.write { repos in
            try repos.tests.insert(test("tst_a", sourceRef: "caldera:link:0b2f"))
            try repos.tests.insert(test("tst_b", sourceRef: nil))
            try repos.tests.insert(test("tst_c", sourceRef: nil))
        }
        #expect(try session.read { try $0.tests.test(id: "tst_a") }?.sourceRef == "caldera:link:0b2f")
        #expect(try session.read { try $0.tests.test(id: "tst_b") }?.sourceRef == nil)
        #expect(try session.read { try $0.tests.test(sourceRef: "caldera:link:0b2f") }?.id == "tst_a")
        // Compared exactly.
        #expect(try session.read { try $0.tests.test(sourceRef: "CALDERA:LINK:0B2F") } == nil)
        #expect(try session.read { try $0.tests.test(sourceRef: "caldera:link:0b2") } == nil)
    }

    @Test func aSecondTestWithTheSameSourceRefIsRefusedAndNothingIsWritten() throws {
        try session.write { repos in try repos.tests.insert(test("tst_a", sourceRef: "caldera:link:1")) }
        let error = #expect(throws: AegisError.self) {
            try session.write { repos in
                try repos.tests.insert(test("tst_other", sourceRef: nil))
                try repos.tests.insert(test("tst_b", sourceRef: "caldera:link:1"))
            }
        }
        #expect(error?.code == .alreadyExists)
        #expect(error?.details["field"] == "source_ref")
        // The whole write was rolled back, and the store still works.
        #expect(try count() == 1)
        try session.write { repos in try repos.tests.insert(test("tst_b", sourceRef: "caldera:link:2")) }
        #expect(try count() == 2)
    }

    @Test func anUpdateKeepsTheSourceRef() throws {
        var t = test("tst_a", sourceRef: "caldera:link:3")
        try session.write { repos in try repos.tests.insert(t) }
        t.version += 1
        t.state = .ready
        t.sourceRef = "something else"
        let written = try session.write { repos in try repos.tests.update(t, assigneesChanged: false) }
        #expect(written)
        #expect(try session.read { try $0.tests.test(id: "tst_a") }?.sourceRef == "caldera:link:3")
    }

    @Test func theListFilterFindsOneTestAndCanSkipRedactedOnes() throws {
        try session.write { repos in
            try repos.tests.insert(test("tst_open", sourceRef: "caldera:link:open"))
            try repos.tests.insert(test("tst_blind", sourceRef: "caldera:link:blind", blind: true))
            try repos.tests.insert(test("tst_none", sourceRef: nil))
        }
        func ids(_ ref: String, skipping: Bool) throws -> [String] {
            try session.read {
                try $0.tests.tests(matching: TestQuery(sourceRef: ref, sourceRefSkipsRedacted: skipping)).items.map(
                    \.id)
            }
        }
        #expect(try ids("caldera:link:open", skipping: false) == ["tst_open"])
        #expect(try ids("caldera:link:open", skipping: true) == ["tst_open"])
        #expect(try ids("caldera:link:blind", skipping: false) == ["tst_blind"])
        #expect(try ids("caldera:link:blind", skipping: true) == [])
        #expect(try ids("caldera:link:none", skipping: false) == [])
    }
}
