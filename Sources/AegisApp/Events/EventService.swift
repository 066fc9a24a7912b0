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

    /// Events after `afterSeq`. A `seq` beyond the last committed one is
    /// `INVALID_ARGUMENT` (with `details.last_seq`): the caller's state does
    /// not belong to this deployment, or its database was replaced.
    public func replay(afterSeq: Int64?, limit: Int?) throws -> Replay {
        let after = afterSeq ?? 0
        guard after >= 0 else { throw AegisError.invalidArgument("after_seq", "after_seq must be 0 or more") }
        let limit = limit ?? PageRequest.defaultLimit
        guard (1...PageRequest.maxLimit).contains(limit) else {
            throw AegisError.invalidArgument("limit", "limit must be between 1 and \(PageRequest.maxLimit)")
        }
        return try context.session.read { repos in
            let last = try repos.events.lastSeq()
            guard after <= last else {
                throw AegisError(
                    .invalidArgument, "after_seq \(after) is beyond the last event (\(last))",
                    details: ["field": "after_seq", "last_seq": .int(last)])
            }
            return Replay(events: try repos.events.events(after: after, limit: limit), lastSeq: last)
        }
    }

    /// `events.status`: the newest committed `seq`.
    public func lastSeq() throws -> Int64 {
        try context.session.read { try $0.events.lastSeq() }
    }
}
