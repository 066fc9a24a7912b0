import Foundation

/// One telemetry event as stored: its id, when and where it happened, who
/// sent it, and its body as received (opaque to the domain; the daemon
/// encodes and decodes it).
public struct TelemetryRecord: Sendable, Equatable {
    /// Time-ordered (`evt_` + `CryptoProvider.newID`).
    public var id: String
    public var receivedAt: Date
    /// The event's own time, else `receivedAt`.
    public var occurredAt: Date
    public var host: String?
    /// The source kind the sender named (`sysmon`, `winlog`...), if any.
    public var source: String?
    /// The principal (agent, plugin or key) that sent it.
    public var agent: String?
    public var body: Data

    public init(
        id: String, receivedAt: Date, occurredAt: Date, host: String?, source: String?, agent: String?, body: Data
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.occurredAt = occurredAt
        self.host = host
        self.source = source
        self.agent = agent
        self.body = body
    }
}

/// Filters of `detection.list`, newest first.
public struct DetectionQuery: Sendable, Equatable {
    public var techniqueID: String?
    public var ruleID: String?
    public var host: String?
    public var since: Date?
    public var until: Date?
    public var minConfidence: Int?
    /// Page size; `after` is the key of the last detection seen.
    public var limit: Int
    public var after: DetectionKey?

    public init(
        techniqueID: String? = nil, ruleID: String? = nil, host: String? = nil, since: Date? = nil, until: Date? = nil,
        minConfidence: Int? = nil, limit: Int = PageRequest.defaultLimit, after: DetectionKey? = nil
    ) {
        self.techniqueID = techniqueID
        self.ruleID = ruleID
        self.host = host
        self.since = since
        self.until = until
        self.minConfidence = minConfidence
        self.limit = limit
        self.after = after
    }
}

/// Where a detection sits in `detection.list`'s order (newest first).
public struct DetectionKey: Sendable, Equatable {
    public var occurredAt: Date
    public var id: String

    public init(occurredAt: Date, id: String) {
        self.occurredAt = occurredAt
        self.id = id
    }
}
