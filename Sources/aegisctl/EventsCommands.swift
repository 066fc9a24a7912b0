import AegisClient
import AegisWire
import ArgumentParser
import Foundation

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "The event stream.", subcommands: [EventsReplay.self, EventsTail.self])
}

struct EventsReplay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Events after a seq.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Show events after this seq.") var after: Int64 = 0
    @Option(name: .long, help: "At most this many.") var limit: Int = 100

    func run() throws {
        try reportingFailures {
            let result = try options.client().call(
                "events.replay", ["after_seq": .int(after), "limit": .int(Int64(limit))])
            if options.json { return Output.json(result) }
            Output.table(
                result.mapValue?["items"]?.arrayValue ?? [],
                [
                    ("SEQ", "seq", 8), ("TYPE", "type", 28), ("AT", "occurred_at", 22), ("ACTOR", "actor", 40),
                    ("SUBJECT", "subject", 40),
                ])
        }
    }
}

/// Prints every event exactly once, in `seq` order: subscribes first, then
/// replays from `--from`; a live event that skips ahead has its gap fetched
/// with `events.replay` before it is printed, and an idle stream is checked
/// against the store now and then, so an event the socket dropped at the
/// end is not lost either.
struct EventsTail: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Print events as they happen, none lost, none twice.",
        discussion: """
            One line per event: seq, time, type, subject kind:id, payload as key=value. With --json, one JSON \
            object per line.
            """,
        aliases: ["watch"])
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Topic prefix (event type), e.g. test. or detection. (repeat for more; default all).")
    var topic: [String] = []
    @Option(name: .long, help: "Start after this seq (0: everything kept; default: only new events).")
    var from: Int64?
    @Option(name: .long, help: .hidden) var idleCheckMs: Int = 2000

    func validate() throws {
        if let from, from < 0 { throw ValidationError("--from must be 0 or more") }
        guard idleCheckMs > 0 else { throw ValidationError("--idle-check-ms must be positive") }
    }

    func run() throws {
        unblockTerminationSignals()
        try reportingFailures {
            let settings = options.settings
            let client = try options.client()
            // Subscribe before reading where to start, so nothing falls between the two.
            let subscriber: EventSubscriber
            do {
                subscriber = try EventSubscriber(endpoint: settings.eventsEndpoint, topics: topic)
            } catch {
                throw AegisClientError.transport("cannot subscribe to \(settings.eventsEndpoint): \(error)")
            }
            var stream = EventStream(client: client, topics: topic, printJSON: options.json)
            stream.cursor = try from ?? (client.call("events.status")["last_seq"]?.intValue ?? 0)
            try stream.catchUp()
            while true {
                let event: AegisEvent?
                do {
                    event = try subscriber.next(timeout: .milliseconds(idleCheckMs))
                } catch {
                    throw AegisClientError.transport("reading events failed: \(error)")
                }
                guard let event else {
                    try stream.catchUp()
                    continue
                }
                try stream.receive(event)
            }
        }
    }
}

/// The bookkeeping of `events tail`: `cursor` is the highest seq dealt
/// with (printed, or skipped by the topic filter).
struct EventStream {
    let client: AegisClient
    let topics: [String]
    let printJSON: Bool
    var cursor: Int64 = 0

    func matches(_ type: String) -> Bool { topics.isEmpty || topics.contains { type.hasPrefix($0) } }

    /// A live event: dropped when already dealt with; after a gap, what is
    /// missing comes from the store first (and the event with it).
    mutating func receive(_ event: AegisEvent) throws {
        guard event.seq > cursor else { return }
        if event.seq > cursor + 1 {
            try catchUp()
            guard event.seq > cursor else { return }
        }
        emit(event)
        cursor = event.seq
    }

    /// Replays everything committed after `cursor`.
    mutating func catchUp() throws {
        while true {
            let page = try client.call("events.replay", ["after_seq": .int(cursor), "limit": 1000])
            let items = page["items"]?.arrayValue ?? []
            for item in items {
                guard let event = AegisEvent(item), event.seq > cursor else { continue }
                if matches(event.type) { emit(event) }
                cursor = event.seq
            }
            let last = page["last_seq"]?.intValue ?? cursor
            if items.isEmpty || cursor >= last { return }
        }
    }

    private func emit(_ event: AegisEvent) {
        if printJSON {
            Output.jsonLine([
                "seq": .int(event.seq), "type": .string(event.type),
                "occurred_at": event.occurredAt.map { .string(Self.time($0)) } ?? .nil, "source": .string(event.source),
                "actor": event.actor.map { .string($0) } ?? .nil,
                "subject": ["kind": .string(event.subjectKind), "id": .string(event.subjectID)],
                "payload": .map(event.payload),
            ])
        } else {
            let time = event.occurredAt.map { Self.time($0) } ?? "-"
            print(
                "\(event.seq)  \(time)  \(event.type)  \(event.subjectKind):\(event.subjectID)  \(Output.pairs(event.payload))"
            )
            fflush(nil)
        }
    }

    /// UTC with milliseconds: events come faster than once a second.
    private static func time(_ date: Date) -> String {
        ISO8601DateFormatter.string(
            from: date, timeZone: TimeZone(identifier: "UTC") ?? .current,
            formatOptions: [.withInternetDateTime, .withFractionalSeconds])
    }
}
