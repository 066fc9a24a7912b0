import Foundation

/// Telemetry events, kept for the retention period.
public protocol TelemetryRepository {
    /// Appends events (ids are new; an id already stored is left alone).
    func insert(_ records: [TelemetryRecord]) throws
    func event(id: String) throws -> TelemetryRecord?
    /// Events that happened in `[since, until)`, by time then id, after
    /// `after` (the id of the last one seen, with its time), at most `limit`.
    func events(since: Date, until: Date, after: (Date, String)?, limit: Int) throws -> [TelemetryRecord]
    /// Removes up to `limit` events received before `cutoff`; returns how many.
    func purge(receivedBefore cutoff: Date, limit: Int) throws -> Int
    /// How many events are kept, and their bytes.
    func totals() throws -> (events: Int64, bytes: Int64)
}
