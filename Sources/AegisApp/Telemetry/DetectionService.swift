import AegisDomain
import Foundation

/// `detection.*` reads, newest first.
public struct DetectionService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    public func detection(id: String) throws -> DetectionView {
        let id = try Validate.text(id, field: "id", max: 100)
        guard let found = try context.session.read({ try $0.detections.detection(id: id) }) else {
            throw AegisError.notFound("detection", id)
        }
        return DetectionView(found)
    }

    public func list(_ filters: DetectionFilters) throws -> ListResult<DetectionView> {
        let page = try Cursor.pageRequest(limit: filters.limit, cursor: nil)
        var query = DetectionQuery(limit: page.limit + 1)
        if let technique = filters.techniqueID, !technique.isEmpty {
            query.techniqueID = try AttackID.technique(technique, field: "technique_id")
        }
        if let rule = filters.ruleID, !rule.isEmpty { query.ruleID = try RuleID.parse(rule, field: "rule_id") }
        query.host = try Validate.optionalText(filters.host, field: "host", max: 255)
        query.since = filters.since
        query.until = filters.until
        if let min = filters.minConfidence {
            guard (0...100).contains(min) else {
                throw AegisError.invalidArgument("min_confidence", "min_confidence must be 0 to 100")
            }
            query.minConfidence = min
        }
        if let (time, id) = try Cursor.decodeTimeKey(filters.cursor) {
            query.after = DetectionKey(occurredAt: time, id: id)
        }
        let rows = try context.session.read { try $0.detections.detections(matching: query) }
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last.flatMap { Cursor.encode(time: $0.occurredAt, id: $0.id) } : nil
        return ListResult(items: items.map(DetectionView.init), nextCursor: next)
    }
}

/// Filters of `detection.list`; `nil` and `""` are absent.
public struct DetectionFilters: Sendable {
    public var techniqueID: String?
    public var ruleID: String?
    public var host: String?
    public var since: Date?
    public var until: Date?
    public var minConfidence: Int?
    public var limit: Int?
    public var cursor: String?

    public init(
        techniqueID: String? = nil, ruleID: String? = nil, host: String? = nil, since: Date? = nil, until: Date? = nil,
        minConfidence: Int? = nil, limit: Int? = nil, cursor: String? = nil
    ) {
        self.techniqueID = techniqueID
        self.ruleID = ruleID
        self.host = host
        self.since = since
        self.until = until
        self.minConfidence = minConfidence
        self.limit = limit
        self.cursor = cursor
    }
}

/// A detection as the wire shows it.
public struct DetectionView: Sendable, Encodable {
    public var detection: Detection
    public init(_ detection: Detection) { self.detection = detection }

    enum Key: String, CodingKey {
        case id, source, confidence, level, host, evidence
        case ruleID = "rule_id"
        case ruleRevision = "rule_revision"
        case ruleFormat = "rule_format"
        case techniqueIDs = "technique_ids"
        case tacticIDs = "tactic_ids"
        case eventID = "event_id"
        case occurredAt = "occurred_at"
        case detectedAt = "detected_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let d = detection
        try c.encode(d.id, forKey: .id)
        try c.encode(d.source, forKey: .source)
        try c.encode(d.ruleID, forKey: .ruleID)
        try c.encode(d.ruleRevision, forKey: .ruleRevision)
        try c.encode(d.ruleFormat.rawValue, forKey: .ruleFormat)
        try c.encode(d.techniqueIDs, forKey: .techniqueIDs)
        try c.encode(d.tacticIDs, forKey: .tacticIDs)
        try c.encode(d.confidence, forKey: .confidence)
        try c.encode(d.level, forKey: .level)
        try c.encode(d.eventID, forKey: .eventID)
        try c.encode(d.host, forKey: .host)
        try c.encode(d.occurredAt, forKey: .occurredAt)
        try c.encode(d.detectedAt, forKey: .detectedAt)
        try c.encode(d.evidence, forKey: .evidence)
    }
}
