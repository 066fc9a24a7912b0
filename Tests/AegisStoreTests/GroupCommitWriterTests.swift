import AegisDomain
import Foundation
import Testing

@testable import AegisStore
import AegisTestSupport

@Suite struct GroupCommitWriterTests {
    struct Boom: Error {}

    static func event(_ id: String) -> DomainEvent {
        DomainEvent(type: "thing.done", subject: .init(kind: "thing", id: id), actor: nil, payload: [:])
    }

    /// A unit that fails in a way that ends the whole transaction (as SQLite
    /// does on FULL or IOERR) takes the batch down with it: the units already
    /// run fail, nothing is committed, and the units not yet run go back to
    /// the queue and commit in the next batch, instead of each being
    /// committed on its own and reported as failed.
    @Test func aLostTransactionFailsTheBatchAndRequeuesTheRest() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        _ = try SQLiteStore(path: path)  // migrated
        let connection = try SQLiteConnection(path: path)
        let writer = GroupCommitWriter<SQLiteConnection>(connection: connection, beforeReply: { _ in }, afterCommit: { _ in })
        let first = WriteJob<SQLiteConnection> { repos in try repos.events.append(Self.event("1"), source: "t", at: Date()) }
        let breaking = WriteJob<SQLiteConnection> { repos in
            try repos.db.execute("ROLLBACK")
            throw Boom()
        }
        let last = WriteJob<SQLiteConnection> { repos in try repos.events.append(Self.event("3"), source: "t", at: Date()) }

        writer.run([first, breaking, last])

        #expect((first.error as? AegisError)?.code == .unavailable)
        #expect(breaking.error is Boom)
        #expect(first.done.wait(timeout: .now()) == .success)
        #expect(breaking.done.wait(timeout: .now()) == .success)
        #expect(last.done.wait(timeout: .now()) == .timedOut)
        #expect(writer.waiting == 1)
        #expect(connection.isAutocommit)
        #expect(try connection.prepare("SELECT count(*) FROM events").first { $0.int(0) } == 0)

        // The requeued unit commits in the next batch.
        writer.start()
        defer { writer.stop() }
        #expect(last.done.wait(timeout: .now() + 10) == .success)
        #expect(last.error == nil)
        #expect(try connection.prepare("SELECT count(*) FROM events").first { $0.int(0) } == 1)
    }

    /// A transaction left open (a failed COMMIT whose ROLLBACK failed too)
    /// does not make every later batch fail.
    @Test func aBatchStartsCleanAfterATransactionWasLeftOpen() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.sqlite")
        _ = try SQLiteStore(path: path)
        let connection = try SQLiteConnection(path: path)
        let writer = GroupCommitWriter<SQLiteConnection>(connection: connection, beforeReply: { _ in }, afterCommit: { _ in })
        try connection.execute("BEGIN")
        let job = WriteJob<SQLiteConnection> { repos in try repos.events.append(Self.event("1"), source: "t", at: Date()) }
        writer.run([job])
        #expect(job.error == nil)
        #expect(try connection.prepare("SELECT count(*) FROM events").first { $0.int(0) } == 1)
    }
}
