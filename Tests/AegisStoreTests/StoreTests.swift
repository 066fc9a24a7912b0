import AegisDomain
import Foundation
import Synchronization
import Testing

@testable import AegisStore
import AegisTestSupport

/// The store's contract, run against SQLite and (with
/// `AEGIS_TEST_STORE=postgres`) PostgreSQL.
@Suite struct StoreTests {
    @Test func appliesEveryMigrationOnceInOrder() throws {
        let dir = try TemporaryDirectory()
        let url = try TestStore.freshURL(in: dir.url)
        let store = try TestStore.open(url)
        let expected = Migrations.all.map(\.version)
        let applied = "SELECT count(*) FROM schema_migrations"
        #expect(try TestStore.integer(applied, at: url) == Int64(expected.count))
        #expect(try TestStore.integer("SELECT max(version) FROM schema_migrations", at: url) == Int64(expected.last ?? 0))
        store.close()
        // Opening again applies nothing new.
        _ = try TestStore.open(url)
        #expect(try TestStore.integer(applied, at: url) == Int64(expected.count))
    }

    @Test func refusesADatabaseFromANewerAegis() throws {
        let dir = try TemporaryDirectory()
        let url = try TestStore.freshURL(in: dir.url)
        try TestStore.open(url).close()
        try TestStore.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)", at: url)
        #expect(throws: MigrationError.self) { try TestStore.open(url) }
    }

    @Test func aFailedWriteLeavesNothingBehind() throws {
        let dir = try TemporaryDirectory()
        let store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        let session = try store.openSession()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try session.write { repos in
                try repos.events.append(
                    DomainEvent(type: "x.happened", subject: .init(kind: "x", id: "1"), actor: nil, payload: [:]),
                    source: "test", at: Date())
                throw Boom()
            }
        }
        #expect(try session.read { try $0.events.lastSeq() } == 0)
    }

    @Test func eventsGetIncreasingSeqsAndRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let commits = Counter()
        let store = try TestStore.open(try TestStore.freshURL(in: dir.url), beforeReply: { types in
            #expect(types.map(\.event.type) == ["thing.done"])
            commits.increment()
        })
        let session = try store.openSession()
        let at = Date(timeIntervalSince1970: 1_800_000_000.123456)
        for i in 1...3 {
            try session.write { repos in
                try repos.events.append(
                    DomainEvent(
                        type: "thing.done", subject: .init(kind: "thing", id: "\(i)"), actor: "api_key:k",
                        payload: ["n": .int(Int64(i)), "tags": ["a", "b"]]),
                    source: "test", at: at)
            }
            #expect(try session.read { try $0.events.lastSeq() } == Int64(i))
        }
        #expect(commits.value == 3)
        let events = try session.read { try $0.events.events(after: 1, limit: 10) }
        #expect(events.map(\.seq) == [2, 3])
        #expect(events[0].event.payload == ["n": 2, "tags": ["a", "b"]])
        #expect(events[0].event.actor == "api_key:k")
        #expect(abs(events[0].occurredAt.timeIntervalSince(at)) < 0.000_001)
        #expect(try session.read { try $0.events.lastSeq() } == 3)
    }

    /// The events handed on after a commit (to the caches, then the
    /// publisher) equal those
    /// `events.replay` reads back later, to the microsecond.
    @Test func committedEventsEqualTheStoredOnes() throws {
        let dir = try TemporaryDirectory()
        let handed = Mutex<[StoredEvent]>([])
        let store = try TestStore.open(try TestStore.freshURL(in: dir.url), beforeReply: { events in handed.withLock { $0 += events } })
        let session = try store.openSession()
        for i in 1...3 {
            _ = try session.write { repos in
                try repos.events.append(
                    DomainEvent(
                        type: "thing.done", subject: .init(kind: "thing", id: "\(i)"), actor: nil,
                        payload: ["n": .int(Int64(i)), "at": .timestamp(Date(timeIntervalSince1970: 1_800_000_000.5))]),
                    source: "test", at: Date())
            }
        }
        let stored = try session.read { try $0.events.events(after: 0, limit: 10) }
        #expect(stored.count == 3)
        switch TestStore.kind {
        case .sqlite:
            #expect(handed.withLock { $0 } == stored)
        case .postgres:
            // Numbered after the commit (by the sequencing transaction), so
            // handed on without their numbers.
            #expect(handed.withLock { $0 } == stored.map { var e = $0; e.seq = 0; return e })
        }
    }

    /// Stored JSON (audit changes, event payloads) gives timestamps back as
    /// timestamps, so replayed events equal the published ones.
    @Test func timestampsInChangesAndPayloadsRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        let session = try store.openSession()
        let due = Date(timeIntervalSince1970: 1_800_000_000.5)
        try session.write { repos in
            try repos.audit.append(
                AuditEntry(
                    at: due, actor: "user:u", action: "test.update_remediation", entityKind: "test", entityID: "t",
                    changes: ["due_at": .timestamp(due)], requestID: nil, peer: nil))
            _ = try repos.events.append(
                DomainEvent(type: "x.due", subject: .init(kind: "x", id: "1"), actor: nil, payload: ["due_at": .timestamp(due)]),
                source: "test", at: due)
        }
        let entry = try #require(try session.read { try $0.audit.entries(matching: AuditQuery()) }.items.first)
        #expect(entry.changes == ["due_at": .timestamp(due)])
        let event = try #require(try session.read { try $0.events.events(after: 0, limit: 10) }.first)
        #expect(event.event.payload == ["due_at": .timestamp(due)])
    }

    @Test func apiKeysAreFoundByHashOnly() throws {
        let dir = try TemporaryDirectory()
        let store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        let session = try store.openSession()
        let key = APIKey(id: "key_1", name: "admin", roles: [.admin, .viewer], createdAt: Date(timeIntervalSince1970: 1))
        try session.write { try $0.apiKeys.insert(key, secretHash: "abc") }
        #expect(try session.read { try $0.apiKeys.count() } == 1)
        #expect(try session.read { try $0.apiKeys.find(secretHash: "abc") } == key)
        #expect(try session.read { try $0.apiKeys.find(secretHash: "abd") } == nil)
    }
}

/// What only the embedded store does.
@Suite struct SQLiteStoreTests {
    @Test func usesWALForeignKeysAndFullSync() throws {
        let dir = try TemporaryDirectory()
        _ = try SQLiteStore(path: dir.path("a.sqlite"))
        let connection = try SQLiteConnection(path: dir.path("a.sqlite"))
        #expect(try connection.prepare("PRAGMA journal_mode").first { $0.text(0) } == "wal")
        #expect(try connection.prepare("PRAGMA foreign_keys").first { $0.int(0) } == 1)
        #expect(try connection.prepare("PRAGMA synchronous").first { $0.int(0) } == 2)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
