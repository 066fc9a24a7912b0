import AegisDomain

/// `events.replay`: what a subscriber missed, from the outbox.
public struct EventService {
    public let context: CallContext

    public init(context: CallContext) { self.context = context }

    public struct Replay: Sendable {
        public var events: [StoredEvent]
        /// The newest `seq` committed when the replay was read.
        public var lastSeq: Int64
    }

    public func replay(afterSeq: Int64?, limit: Int?) throws -> Replay {
        let after = afterSeq ?? 0
        guard after >= 0 else { throw AegisError.invalidArgument("after_seq", "after_seq must be 0 or more") }
        let limit = limit ?? PageRequest.defaultLimit
        guard (1...PageRequest.maxLimit).contains(limit) else {
            throw AegisError.invalidArgument("limit", "limit must be between 1 and \(PageRequest.maxLimit)")
        }
        return try context.session.read { repos in
            Replay(events: try repos.events.events(after: after, limit: limit), lastSeq: try repos.events.lastSeq())
        }
    }
}
