import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisStore

#if canImport(Glibc)
    import Glibc
#endif

/// `StoreCopy`: a SQLite store with real content copied into a fresh
/// PostgreSQL schema reads back the same through the repositories.
@Suite struct StoreCopyTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000.123456)

    /// A SQLite store with the ICS catalog, users, tests (a retest whose id
    /// sorts before its original's), audit entries and events.
    static func makeSource(in dir: TemporaryDirectory) throws -> String {
        let path = dir.path("aegis.sqlite")
        let store = try SQLiteStore(path: path)
        defer { store.close() }
        let session = try store.openSession()
        let known = try session.read { try $0.catalog.attackIDsByStixID() }
        let bundles = try CatalogImporter(crypto: TestCrypto()).bundles(
            from: [try TestData.file(TestData.icsBundle)], knownIDs: known)
        _ = try session.write { repos in try bundles.map { try repos.catalog.importBundle($0, at: t0) } }
        try session.write { repos in
            let user = User(
                id: "usr_1", username: "Rédop", displayName: "Red\tOperator \"quoted\" \\ back\nslash",
                roles: [.redOperator],
                createdAt: t0, updatedAt: t0, passwordChangedAt: t0)
            try repos.users.insert(user, passwordHash: "test$hash")
            var original = TestCase(
                id: "tst_b", techniqueID: "T0803", name: "Block it", command: "echo 'a'\tb\r\n", assignees: ["usr_1"],
                createdAt: t0, createdBy: "user:usr_1")
            original.activeSeconds = 12.345678901234567
            original.red = RedResult(
                outcome: .executed, attackStartedAt: t0, attackStoppedAt: nil, commands: ["whoami"], notes: "ünïcode ✓",
                submittedAt: t0, submittedBy: "user:usr_1")
            try repos.tests.insert(original)
            try repos.tests.insert(
                TestCase(
                    id: "tst_a", techniqueID: "T0803", name: "Again", retestOf: "tst_b", createdAt: t0,
                    createdBy: "user:usr_1"))
            for i in 1...5 {
                try repos.audit.append(
                    AuditEntry(
                        at: t0.addingTimeInterval(Double(i)), actor: "user:usr_1", action: "test.create",
                        entityKind: "test",
                        entityID: "tst_\(i)", changes: ["n": .int(Int64(i)), "note": "tab\there"], requestID: "r\(i)",
                        peer: nil))
                try repos.events.append(
                    DomainEvent(
                        type: "test.created", subject: .init(kind: "test", id: "tst_\(i)"), actor: "user:usr_1",
                        payload: ["n": .int(Int64(i))]),
                    source: "test", at: t0)
            }
        }
        return path
    }

    static func freshTarget() throws -> String { try TestPostgres.url(schema: try TestPostgres.createSchema()) }

    @Test func copiesEverythingAndTheTargetReadsBackTheSame() throws {
        let dir = try TemporaryDirectory()
        let path = try Self.makeSource(in: dir)
        let url = try Self.freshTarget()
        var lines: [String] = []
        let report = try StoreCopy.run(from: path, to: url) { lines.append($0) }
        #expect(report.verified)
        #expect(report.schemaVersion == Migrations.all.last?.version)
        #expect(lines.contains("copied techniques: 95 rows"))
        let byName = Dictionary(uniqueKeysWithValues: report.tables.map { ($0.name, $0) })
        #expect(byName["audit"]?.targetRows == 5)
        #expect(byName["events"]?.targetRows == 5)
        #expect(byName["tests"]?.targetRows == 2)
        #expect(byName["event_counter"]?.targetRows == 1)
        #expect(byName["schema_migrations"] == nil)
        #expect(report.rows > 900)

        let source = try SQLiteStore(path: path)
        defer { source.close() }
        let target = try PostgresStore(url: url)
        defer { target.close() }
        let before = try source.openSession()
        let after = try target.openSession()
        func same<T: Equatable>(_ read: (any Repositories) throws -> T) throws {
            #expect(try after.read(read) == before.read(read))
        }
        try same { try $0.catalog.technique(id: "T0803") }
        try same { try $0.catalog.tactics(domain: "ics-attack") }
        try same { try $0.catalog.status().versionSummary }
        try same { try $0.users.user(id: "usr_1") }
        try same { try $0.users.passwordHash(userID: "usr_1") }
        try same { try $0.tests.test(id: "tst_b") }
        try same { try $0.tests.test(id: "tst_a") }
        try same { try $0.tests.retests(of: "tst_b") }
        try same { try $0.audit.entries(matching: AuditQuery()).items }
        try same { try $0.events.events(after: 0, limit: 100) }
        try same { try $0.events.lastSeq() }

        // New rows continue the copied numbering.
        try after.write { repos in
            try repos.audit.append(
                AuditEntry(
                    at: Date(), actor: nil, action: "x.y", entityKind: "x", entityID: "1", requestID: nil, peer: nil))
            try repos.events.append(
                DomainEvent(type: "x.happened", subject: .init(kind: "x", id: "1"), actor: nil, payload: [:]),
                source: "test", at: Date())
        }
        let audit = try after.read { try $0.audit.entries(matching: AuditQuery()).items.map(\.id) }
        #expect(Set(audit) == Set(1...6))
        #expect(try after.read { try $0.events.lastSeq() } == 6)
    }

    @Test func refusesANonEmptyTarget() throws {
        let dir = try TemporaryDirectory()
        let path = try Self.makeSource(in: dir)
        let url = try Self.freshTarget()
        _ = try StoreCopy.run(from: path, to: url)
        let error = #expect(throws: StoreCopyError.self) { try StoreCopy.run(from: path, to: url) }
        guard case .targetNotEmpty(let tables) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(tables.first == "schema_migrations")
        #expect("\(error.map { "\($0)" } ?? "")".contains("the target database is not empty"))
    }

    @Test func refusesAMissingSource() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: StoreCopyError.self) {
            try StoreCopy.run(from: dir.path("nothing.sqlite"), to: try Self.freshTarget())
        }
        guard case .sourceMissing = error else {
            Issue.record("\(String(describing: error))")
            return
        }
    }

    @Test func refusesAnOlderOrNewerSchema() throws {
        let expected = try #require(Migrations.all.last?.version)
        let previous = try #require(Migrations.all.dropLast().last?.version)
        for (sql, found) in [
            ("DELETE FROM schema_migrations WHERE version = \(expected)", previous),
            (
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(expected + 1), 'future', 0)",
                expected + 1
            ),
        ] {
            let dir = try TemporaryDirectory()
            let path = try Self.makeSource(in: dir)
            try SQLiteConnection(path: path).execute(sql)
            let url = try Self.freshTarget()
            let error = #expect(throws: StoreCopyError.self) { try StoreCopy.run(from: path, to: url) }
            guard case .sourceSchema(found, expected) = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
            // Nothing was written to the target.
            #expect(
                try TestStore.integer(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", at: url)
                    == 0)
        }
    }

    @Test func refusesAStoreWhoseTablesDifferFromThisVersion() throws {
        for (sql, table) in [
            ("CREATE TABLE extra (id INTEGER PRIMARY KEY)", "extra"),
            ("ALTER TABLE users ADD COLUMN shoe_size INTEGER", "users"),
        ] {
            let dir = try TemporaryDirectory()
            let path = try Self.makeSource(in: dir)
            try SQLiteConnection(path: path).execute(sql)
            let error = #expect(throws: StoreCopyError.self) {
                try StoreCopy.run(from: path, to: try Self.freshTarget())
            }
            guard case .unexpectedTable(table) = error else {
                Issue.record("\(String(describing: error))")
                continue
            }
        }
    }

    @Test func refusesAStoreWhoseDaemonHoldsTheDataDirectoryLock() throws {
        let dir = try TemporaryDirectory()
        let path = try Self.makeSource(in: dir)
        let fd = open(dir.path("aegisd.lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let error = #expect(throws: StoreCopyError.self) { try StoreCopy.run(from: path, to: try Self.freshTarget()) }
        guard case .daemonRunning = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        close(fd)
        // Released (as when aegisd stops): the copy goes ahead.
        #expect(try StoreCopy.run(from: path, to: try Self.freshTarget()).verified)
    }

    /// Values the Aegis schema does not hold yet (blobs, odd doubles) go
    /// through COPY and read back the same from both databases.
    @Test func copyKeepsEveryKindOfValue() throws {
        let rows: [[SQLValue]] = [
            [
                .int(1), .int(Int64.min), .double(0.1), .text("tab\there\nnew \\N \\. \r ✓"),
                .blob(Data([0, 92, 10, 255])),
            ],
            [.int(2), .int(Int64.max), .double(-0.0), .text(""), .blob(Data())],
            [.int(3), .null, .double(1e-310), .null, .null],
            [.int(4), .int(0), .double(.infinity), .text("\\x00"), .blob(Data("\\x".utf8))],
            [.int(5), .int(-1), .double(-.infinity), .text("a\u{0001}b"), .blob(Data(repeating: 7, count: 3000))],
            [.int(6), .int(7), .double(.pi), .text("x"), .blob(Data([1]))],
        ]
        func sum(_ rows: [[SQLValue]]) -> String {
            var checksum = TableChecksum()
            for row in rows { checksum.add(row) }
            return checksum.finish()
        }
        let pg = try PostgresConnection(url: try Self.freshTarget())
        try pg.execute("CREATE TABLE v (k BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT, b BYTEA)")
        let copied = try pg.copyIn("COPY v (k, i, d, t, b) FROM STDIN") { stream in
            for row in rows { try stream.row(row) }
        }
        #expect(copied == rows.count)
        let fromPostgres = try pg.prepare("SELECT k, i, d, t, b FROM v ORDER BY k").rows { row in
            (0..<row.result.columnCount).map { row.value($0) }
        }
        #expect(sum(fromPostgres) == sum(rows))

        let dir = try TemporaryDirectory()
        let sqlite = try SQLiteConnection(path: dir.path("v.sqlite"))
        try sqlite.execute("CREATE TABLE v (k INTEGER PRIMARY KEY, i INTEGER, d REAL, t TEXT, b BLOB)")
        // SQLite stores -0.0 as 0 (and an empty blob binds as NULL): leave that row out.
        let sqliteRows = rows.enumerated().filter { $0.offset != 1 }.map(\.element)
        for row in sqliteRows { try sqlite.prepare("INSERT INTO v VALUES (?, ?, ?, ?, ?)").bind(row).run() }
        let fromSQLite = try sqlite.prepare("SELECT k, i, d, t, b FROM v ORDER BY k").rows { row in
            (0..<row.columnCount).map { row.value($0) }
        }
        #expect(sum(fromSQLite) == sum(sqliteRows))
    }

    @Test func checksumsDependOnEveryValueAndItsType() {
        func sum(_ rows: [[SQLValue]]) -> String {
            var checksum = TableChecksum()
            for row in rows { checksum.add(row) }
            return checksum.finish()
        }
        let base = sum([[.int(1), .text("a"), .null, .double(0.1), .blob(Data([0, 1]))]])
        #expect(base == sum([[.int(1), .text("a"), .null, .double(0.1), .blob(Data([0, 1]))]]))
        #expect(base != sum([[.text("1"), .text("a"), .null, .double(0.1), .blob(Data([0, 1]))]]))
        #expect(base != sum([[.int(1), .text("a"), .text(""), .double(0.1), .blob(Data([0, 1]))]]))
        #expect(base != sum([[.int(1), .text("a"), .null, .double(0.1.nextUp), .blob(Data([0, 1]))]]))
        #expect(sum([[.text("ab"), .text("c")]]) != sum([[.text("a"), .text("bc")]]))
    }
}
