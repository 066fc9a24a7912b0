import Foundation

/// The event outbox: appended in the mutation's transaction, read by the
/// publisher and by `events.replay`.
public protocol EventRepository {
    /// Appends an event; it gets its `seq` when the transaction commits.
    func append(_ event: DomainEvent, source: String, at time: Date) throws
    /// Events with `seq > after`, ascending, at most `limit`.
    func events(after: Int64, limit: Int) throws -> [StoredEvent]
    /// The highest `seq` committed, 0 when none.
    func lastSeq() throws -> Int64
    /// The highest `seq` the publisher of `instance` has sent, 0 when none.
    func publishedSeq(instance: String) throws -> Int64
    /// Records that `instance` has sent every event up to `seq`.
    func recordPublished(instance: String, seq: Int64) throws
}
