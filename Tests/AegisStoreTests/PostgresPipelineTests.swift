import AegisDomain
import Foundation
import Testing

@testable import AegisStore
import AegisTestSupport

/// Statements queued with `runLater` go out with the next statement waited
/// for; an error they meet surfaces there, and in a batch it belongs to
/// the unit that queued it.
@Suite struct PostgresPipelineTests {
    @Test func queuedWritesGoWithTheCommitAndTheirErrorsFailIt() throws {
        let (db, _) = try TestPostgres.connection()
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT CHECK (v >= 0))")
        db.executeLater("BEGIN")
        try db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("a"), .int(1)).runLater()
        try db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("b"), .int(2)).runLater()
        #expect(!db.isAutocommit)
        try db.commit()
        #expect(try db.prepare("SELECT count(*) FROM t").first { $0.int(0) } == 2)

        db.executeLater("BEGIN")
        try db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("c"), .int(3)).runLater()
        try db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("d"), .int(-1)).runLater()
        #expect(throws: PostgresError.self) { try db.commit() }
        db.rollback()
        #expect(try db.prepare("SELECT k FROM t ORDER BY k").rows { $0.text(0) } == ["a", "b"])
    }

    @Test func queuedWritesAreSeenByTheNextRead() throws {
        let (db, _) = try TestPostgres.connection()
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        db.executeLater("BEGIN")
        try db.prepare("INSERT INTO t VALUES (?)").bind(.text("a")).runLater()
        #expect(try db.prepare("SELECT count(*) FROM t").first { $0.int(0) } == 1)
        db.rollback()
        #expect(try db.prepare("SELECT count(*) FROM t").first { $0.int(0) } == 0)
    }

    @Test func textWithNULIsRefusedWhenQueued() throws {
        let (db, _) = try TestPostgres.connection()
        try db.execute("CREATE TABLE t (k TEXT)")
        let error = #expect(throws: PostgresError.self) {
            try db.prepare("INSERT INTO t VALUES (?)").bind(.text("a\u{0}b")).runLater()
        }
        #expect(error?.sqlState == "22021")
    }

    /// In a batch, a unit whose queued write fails gets that error and is
    /// rolled back alone; the unit after it commits.
    @Test func aFailedQueuedWriteBelongsToItsUnit() throws {
        let schema = try TestPostgres.createSchema()
        let url = try TestPostgres.url(schema: schema)
        let store = try PostgresStore(url: url, writerCount: 1)
        store.close()
        let connection = try PostgresConnection(url: url)
        try connection.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT CHECK (v >= 0))")
        let writer = GroupCommitWriter<PostgresConnection>(
            connection: connection, beforeReply: { _ in }, afterCommit: { _ in })
        func insert(_ k: String, _ v: Int) -> WriteJob<PostgresConnection> {
            WriteJob { repos in try repos.db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text(k), .int(v)).runLater() }
        }
        let first = insert("a", 1)
        let failing = insert("b", -1)
        let last = insert("c", 3)
        writer.run([first, failing, last])
        #expect(first.error == nil)
        #expect(failing.error is PostgresError)
        #expect(last.error == nil)
        #expect(try connection.prepare("SELECT k FROM t ORDER BY k").rows { $0.text(0) } == ["a", "c"])
    }

    @Test func numberingNotificationsNameTheirNumberer() {
        #expect(EventNumbering.Notification(payload: "42 abc-1")?.lastSeq == 42)
        #expect(EventNumbering.Notification(payload: "42 abc-1")?.numberer == "abc-1")
        #expect(EventNumbering.Notification(payload: "") == nil)
        #expect(EventNumbering.Notification(payload: "x y") == nil)
    }

    /// Numbering hands back the events it numbered, in order, and a second
    /// round finds nothing.
    @Test func numberingReturnsTheEventsItNumbered() throws {
        let schema = try TestPostgres.createSchema()
        let url = try TestPostgres.url(schema: schema)
        let store = try PostgresStore(url: url, writerCount: 1)
        store.close()
        let connection = try PostgresConnection(url: url)
        connection.executeLater("BEGIN")
        let events = (0..<3).map { i in
            StoredEvent(
                seq: 0, occurredAt: Date(timeIntervalSince1970: 1_000), source: "t",
                event: DomainEvent(type: "thing.done", subject: .init(kind: "thing", id: "\(i)"), actor: nil, payload: [:]))
        }
        _ = try SQLEventRepository<PostgresConnection>.store(events, db: connection)
        try connection.commit()
        let numbered = try EventNumbering.numberPending(on: connection, numberer: "me")
        #expect(numbered.map(\.seq) == [1, 2, 3])
        #expect(numbered.map(\.event.subject.id) == ["0", "1", "2"])
        #expect(try EventNumbering.numberPending(on: connection, numberer: "me").isEmpty)
    }
}

extension PostgresPipelineTests {
    /// A unit that queues a failing write and then throws before anything
    /// is sent is rolled back alone; the others commit.
    @Test func aUnitThatThrowsAfterAFailingQueuedWriteIsUndoneAlone() throws {
        struct Boom: Error {}
        let schema = try TestPostgres.createSchema()
        let url = try TestPostgres.url(schema: schema)
        try PostgresStore(url: url, writerCount: 1).close()
        let connection = try PostgresConnection(url: url)
        try connection.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT CHECK (v >= 0))")
        let writer = GroupCommitWriter<PostgresConnection>(connection: connection, beforeReply: { _ in }, afterCommit: { _ in })
        let first = WriteJob<PostgresConnection> { repos in try repos.db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("a"), .int(1)).runLater() }
        let throwing = WriteJob<PostgresConnection> { repos in
            try repos.db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("b"), .int(-1)).runLater()
            throw Boom()
        }
        let last = WriteJob<PostgresConnection> { repos in try repos.db.prepare("INSERT INTO t VALUES (?, ?)").bind(.text("c"), .int(3)).runLater() }
        writer.run([first, throwing, last])
        #expect(first.error == nil)
        #expect(throwing.error is Boom)
        #expect(last.error == nil)
        #expect(try connection.prepare("SELECT k FROM t ORDER BY k").rows { $0.text(0) } == ["a", "c"])
    }
}
