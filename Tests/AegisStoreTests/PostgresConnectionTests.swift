import AegisDomain
import Foundation
import Testing

@testable import AegisStore
import AegisTestSupport

extension TestPostgres {
    /// A connection whose `search_path` is a fresh schema of its own.
    static func connection(statementTimeoutMS: Int = 30_000) throws -> (PostgresConnection, schema: String) {
        let schema = try createSchema()
        let connection = try PostgresConnection(url: try url(schema: schema), statementTimeoutMS: statementTimeoutMS)
        return (connection, schema)
    }
}

@Suite struct PostgresConnectionTests {
    @Test func valuesOfEveryKindRoundTrip() throws {
        let (db, _) = try TestPostgres.connection()
        try db.execute("CREATE TABLE t (i BIGINT, d DOUBLE PRECISION, s TEXT, b BYTEA, n TEXT, flag BOOLEAN)")
        let blob = Data([0, 1, 2, 0xff, 0, 0x5c])
        try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
            .bind(.int(Int64.min), .double(-2.5e-7), .text("é 😀 'quoted' ?"), .blob(blob), .null, .text("true"))
            .run()
        let row = try #require(
            try db.prepare("SELECT i, d, s, b, n, flag FROM t").first { r in
                (r.int(0), r.double(1), r.text(2), r.blob(3), r.optionalText(4), r.bool(5))
            })
        #expect(row.0 == Int64.min)
        #expect(row.1 == -2.5e-7)
        #expect(row.2 == "é 😀 'quoted' ?")
        #expect(row.3 == blob)
        #expect(row.4 == nil)
        #expect(row.5)
    }

    @Test func placeholdersInLiteralsAndCommentsStayText() throws {
        let (db, _) = try TestPostgres.connection()
        let sql = "SELECT '?' AS q, ? AS p -- a ? here\n, 'it''s ?' AS r, \"?\" FROM (SELECT 1 AS \"?\") x /* ? */"
        #expect(Placeholders.numbered(sql).count == 1)
        let row = try db.prepare(sql).bind(.text("given")).first { ($0.text(0), $0.text(1), $0.text(2)) }
        #expect(row?.0 == "?")
        #expect(row?.1 == "given")
        #expect(row?.2 == "it's ?")
    }

    @Test func preparedStatementsAreReusedAndCountChanges() throws {
        let (db, _) = try TestPostgres.connection()
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT)")
        for i in 0..<5 { try db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("k\(i)"), .int(Int64(i))).run() }
        #expect(try db.prepare("INSERT INTO t VALUES (?, ?)") === db.prepare("INSERT INTO t VALUES (?, ?)"))
        #expect(try db.prepare("UPDATE t SET v = v + 1 WHERE v >= ?").bind(.int(3)).run() == 2)
        #expect(try db.prepare("SELECT k FROM t ORDER BY k").rows { $0.text(0) } == ["k0", "k1", "k2", "k3", "k4"])
        #expect(throws: PostgresError.self) { try db.prepare("SELECT ?, ?").bind(.int(1)) }
    }

    @Test func constraintErrorsCarryTheirStateAndLeaveTheConnectionUsable() throws {
        let (db, _) = try TestPostgres.connection()
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        try db.prepare("INSERT INTO t VALUES (?)").bind(.text("a")).run()
        let error = #expect(throws: PostgresError.self) { try db.prepare("INSERT INTO t VALUES (?)").bind(.text("a")).run() }
        #expect(error?.isUniqueViolation == true)
        #expect(error?.code == .internal)
        #expect(error?.connectionLost == false)
        #expect(try db.prepare("SELECT count(*) FROM t").first { $0.int(0) } == 1)
    }

    @Test func aStatementOverItsTimeoutIsUnavailable() throws {
        let (db, _) = try TestPostgres.connection(statementTimeoutMS: 100)
        let error = #expect(throws: PostgresError.self) { try db.execute("SELECT pg_sleep(5)") }
        #expect(error?.sqlState == "57014")
        #expect(error?.code == .unavailable)
        #expect(try db.prepare("SELECT 1").first { $0.int(0) } == 1)
    }

    @Test func aTerminatedBackendIsUnavailableUntilReconnected() throws {
        let (db, _) = try TestPostgres.connection()
        let other = try PostgresConnection(url: try TestPostgres.url())
        #expect(try db.prepare("SELECT ?::bigint + 1").bind(.int(1)).first { $0.int(0) } == 2)
        #expect(try other.prepare("SELECT pg_terminate_backend(?)").bind(.int(Int64(db.backendPID))).first { $0.bool(0) } == true)
        let error = #expect(throws: PostgresError.self) { try db.prepare("SELECT ?::bigint + 1").bind(.int(1)).first { $0.int(0) } }
        #expect(error?.code == .unavailable)
        #expect(!db.isConnected)
        try db.reconnect()
        // Prepared statements went with the old backend: prepared again.
        #expect(try db.prepare("SELECT ?::bigint + 1").bind(.int(41)).first { $0.int(0) } == 42)
    }

    @Test func anUnreachableServerIsUnavailableAndTheMessageHidesThePassword() throws {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(url: "postgres://aegis:s3cret-pass@127.0.0.1:1/postgres", connectTimeout: 2)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.description.contains("s3cret-pass") == false)
        #expect(error?.message.contains("s3cret-pass") == false)
    }

    /// PostgreSQL text cannot hold U+0000: such a value is refused as bad
    /// input, never cut short at the NUL.
    @Test func textWithANulIsRefusedAsInvalid() throws {
        let (db, _) = try TestPostgres.connection()
        try db.execute("CREATE TABLE t (s TEXT)")
        let error = #expect(throws: PostgresError.self) {
            try db.prepare("INSERT INTO t VALUES (?)").bind(.text("x\u{0}junk")).run()
        }
        #expect(error?.code == .invalidArgument)
        #expect(try db.prepare("SELECT count(*) FROM t").first { $0.int(0) } == 0)
    }

    /// A backend the server ends while idle is noticed at its next use, and
    /// the connection reconnects on the following one.
    @Test func anIdleBackendEndedByTheServerIsLostThenReplaced() throws {
        let (db, _) = try TestPostgres.connection()
        let other = try PostgresConnection(url: try TestPostgres.url())
        let pid = db.backendPID
        try other.execute("SELECT pg_terminate_backend(\(pid))")
        db.executeLater("BEGIN")
        let error = #expect(throws: PostgresError.self) { try db.prepare("SELECT 1").first { $0.int(0) } }
        #expect(error?.connectionLost == true)
        #expect(!db.isConnected)
        // Reconnects are spaced out (backoff): try until one is allowed.
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? db.ensureConnected()) == nil, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(try db.prepare("SELECT 1").first { $0.int(0) } == 1)
        #expect(db.backendPID != pid)
    }

    /// A host that vanishes is noticed (keepalives, a TCP user timeout),
    /// and the URL can choose other values.
    @Test func keepalivesAreOnByDefaultAndTheURLCanOverrideThem() throws {
        let plain = try PostgresConnection(url: try TestPostgres.url())
        #expect(plain.setting("keepalives") == "1")
        #expect(plain.setting("keepalives_idle") == "5")
        #expect(plain.setting("tcp_user_timeout") == "15000")
        #expect(plain.setting("application_name") == "aegisd")
        let url = try TestPostgres.url()
        let chosen = try PostgresConnection(url: url + (url.contains("?") ? "&" : "?") + "keepalives_idle=30&tcp_user_timeout=60000")
        #expect(chosen.setting("keepalives_idle") == "30")
        #expect(chosen.setting("tcp_user_timeout") == "60000")
    }
}
