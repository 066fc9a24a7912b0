import AegisApp
import AegisWire

/// `events.replay`: what a subscriber missed.
enum EventMethods {
    static let all: [MethodHandler] = [
        MethodHandler(name: "events.replay") { raw, scope in
            let p = try MethodHandler.decoder.decode(ReplayParams.self, from: .map(raw))
            let replay = try EventService(context: scope.context).replay(afterSeq: p.afterSeq, limit: p.limit)
            return .map([
                "items": .array(replay.events.map(EventWire.body)),
                "last_seq": .int(replay.lastSeq),
            ])
        }
    ]

    struct ReplayParams: Decodable {
        var afterSeq: Int64?
        var limit: Int?
        enum CodingKeys: String, CodingKey {
            case limit
            case afterSeq = "after_seq"
        }
    }
}
