import Foundation

/// One match of one rule on one telemetry event: which technique was seen,
/// on which host, when, by which rule, with the evidence.
public struct Detection: Sendable, Equatable {
    /// Derived from the event id and the rule revision, so the same event
    /// evaluated twice by the same revision is the same detection.
    public var id: String
    /// Who detected it: `engine` (Aegis's rule engine) or an external
    /// source such as `elastic`.
    public var source: String
    public var ruleID: String
    public var ruleRevision: Int64
    public var ruleFormat: RuleFormat
    public var techniqueIDs: [String]
    public var tacticIDs: [String]
    /// 0...100, from the rule's level (or native `confidence`), capped by a clipped state.
    public var confidence: Int
    public var level: String?
    /// The telemetry event it matched; nil for an external detection.
    public var eventID: String?
    public var host: String?
    /// When the event happened (its own time, else when it was received).
    public var occurredAt: Date
    /// When Aegis recorded the match.
    public var detectedAt: Date
    /// The rule's evidence fields, or the fields its detection matched (bounded).
    public var evidence: [String: Value]

    /// The source of the rule engine's own detections.
    public static let engineSource = "engine"

    public init(
        id: String, source: String = Detection.engineSource, ruleID: String, ruleRevision: Int64, ruleFormat: RuleFormat, techniqueIDs: [String],
        tacticIDs: [String], confidence: Int, level: String?, eventID: String?, host: String?,
        occurredAt: Date, detectedAt: Date, evidence: [String: Value]
    ) {
        self.id = id
        self.source = source
        self.ruleID = ruleID
        self.ruleRevision = ruleRevision
        self.ruleFormat = ruleFormat
        self.techniqueIDs = techniqueIDs
        self.tacticIDs = tacticIDs
        self.confidence = confidence
        self.level = level
        self.eventID = eventID
        self.host = host
        self.occurredAt = occurredAt
        self.detectedAt = detectedAt
        self.evidence = evidence
    }
}
