import AegisApp
import AegisWire

/// `events.*`: what a subscriber missed, and where the sequence stands.
enum EventMethods {
    static let all: [MethodHandler] = [
        MethodHandler(name: "events.replay") { raw, scope in
            let p = try MethodHandler.decoder.decode(ReplayParams.self, from: .map(raw))
            let replay = try EventService(context: scope.context).replay(afterSeq: p.afterSeq, limit: p.limit)
            return .map([
                "items": .array(replay.events.map(EventWire.body)),
                "last_seq": .int(replay.lastSeq),
            ])
        },
        .method("events.status") { scope in
            EventsStatus(lastSeq: try EventService(context: scope.context).lastSeq())
        },
    ]

    struct ReplayParams: Decodable {
        var afterSeq: Int64?
        var limit: Int?
        enum CodingKeys: String, CodingKey {
            case limit
            case afterSeq = "after_seq"
        }
    }

    struct EventsStatus: Encodable, Sendable {
        var lastSeq: Int64
        enum CodingKeys: String, CodingKey { case lastSeq = "last_seq" }
    }
}
