import AegisClient
import AegisWire
import Foundation

/// Every event after a `seq`, exactly once and in order: what was committed
/// before is replayed (`events.replay`), then the live stream follows; a
/// gap in `seq` is filled from the replay, and a quiet stream is checked
/// against it now and then, so nothing a slow subscriber missed is lost.
public final class EventFollower {
    private let subscriber: EventSubscriber
    private let client: AegisClient
    private let topics: [String]
    private let plugin: AegisPlugin
    private var backlog: [AegisEvent] = []
    /// The last `seq` handed out (or skipped as unwanted).
    public private(set) var lastSeq: Int64
    /// Still replaying what was committed before the live stream (a page at
    /// a time, so a long history is never held at once).
    private var catchingUp = true

    init(plugin: AegisPlugin, topics: [String], afterSeq: Int64) throws {
        self.plugin = plugin
        self.topics = topics.isEmpty ? [""] : topics
        self.lastSeq = afterSeq
        subscriber = try EventSubscriber(endpoint: plugin.environment.eventsEndpoint, topics: self.topics)
        client = try plugin.client()
    }

    /// The next wanted event, or nil when the plugin is stopping or nothing
    /// came within `timeout`.
    public func next(timeout: Duration = .seconds(5)) throws -> AegisEvent? {
        let deadline = ContinuousClock.now + timeout
        while !plugin.isStopping {
            if !backlog.isEmpty { return backlog.removeFirst() }
            if catchingUp {
                catchingUp = try replayPage(upTo: nil)
                continue
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            guard let event = try subscriber.next(timeout: min(remaining, .milliseconds(500))) else {
                // Quiet: anything missed at the tail?
                if ContinuousClock.now >= deadline { try replay(upTo: nil) }
                continue
            }
            if event.seq <= lastSeq { continue }
            if event.seq > lastSeq + 1 { try replay(upTo: event.seq) }
            lastSeq = event.seq
            backlog.append(event)
        }
        return nil
    }

    /// Fetches what was committed after `lastSeq` (before `upTo` when given)
    /// into the backlog.
    private func replay(upTo: Int64?) throws {
        while try replayPage(upTo: upTo) {}
    }

    /// One page of it; true when there may be more.
    private func replayPage(upTo: Int64?) throws -> Bool {
        let page = try client.call("events.replay", ["after_seq": .int(lastSeq), "limit": 1000])
        let items = page["items"]?.arrayValue ?? []
        for item in items {
            guard let event = AegisEvent(item) else { continue }
            if let upTo, event.seq >= upTo { return false }
            lastSeq = event.seq
            if topics.contains(where: { event.type.hasPrefix($0) }) { backlog.append(event) }
        }
        return items.count == 1000
    }
}
