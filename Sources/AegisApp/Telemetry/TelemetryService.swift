import AegisDetection
import AegisDomain
import Foundation

/// `telemetry.*` and the detections they make: a batch of events is
/// evaluated by this instance's engine, then stored with its detections in
/// one transaction, and acknowledged once durable. Each new detection is
/// announced (`detection.created`); a repeat of an event makes none.
public struct TelemetryService {
    public let env: AppEnvironment
    public let context: CallContext

    /// The most events one `telemetry.ingest` takes.
    public static let maxBatch = 5_000

    /// Refuses a batch over `maxBatch`, naming the limit; the wire handler
    /// calls it before converting any event.
    public static func checkBatch(_ count: Int) throws(AegisError) {
        guard count <= maxBatch else {
            throw AegisError(
                .invalidArgument, "a batch holds at most \(maxBatch) events; this one has \(count)",
                details: ["field": "events", "max": .int(Int64(maxBatch)), "given": .int(Int64(count))])
        }
    }

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// One event as received: normalised for the engine, and its body as
    /// it will be kept (opaque here).
    public struct Item: Sendable {
        public var event: TelemetryEvent
        public var body: Data
        public init(event: TelemetryEvent, body: Data) {
            self.event = event
            self.body = body
        }
    }

    public func ingest(_ items: [Item], source: String?, book: RuleBook) throws -> IngestResult {
        try Self.checkBatch(items.count)
        let source = try Validate.optionalText(source, field: "source", max: 100)
        try book.refresh(context.session)
        let now = env.clock.now()
        var records: [TelemetryRecord] = []
        records.reserveCapacity(items.count)
        var detections: [Detection] = []
        for item in items {
            let id = env.crypto.newID(prefix: "evt_")
            let occurredAt = item.event.time.map(TimestampRange.clamped) ?? now
            records.append(
                TelemetryRecord(
                    id: id, receivedAt: now, occurredAt: occurredAt, host: item.event.host, source: source ?? item.event.source,
                    agent: context.actorID, body: item.body))
            let matches = book.engine.evaluate(item.event, now: now)
            guard !matches.isEmpty else { continue }
            let digest = env.crypto.sha256Hex(item.body)
            for match in matches {
                detections.append(
                    Detection(
                        id: "det_" + env.crypto.sha256Hex(Data("\(digest)|\(match.ruleID)|\(match.revision)".utf8)).prefix(32),
                        ruleID: match.ruleID, ruleRevision: match.revision, ruleFormat: match.format,
                        techniqueIDs: match.techniqueIDs, tacticIDs: match.tacticIDs, confidence: match.confidence,
                        level: match.level, eventID: id, host: match.host ?? item.event.host,
                        occurredAt: match.eventTime.map(TimestampRange.clamped) ?? occurredAt, detectedAt: now,
                        evidence: match.evidence))
            }
        }
        // The same event twice in one batch is one detection (and a repeat).
        let matched = detections.count
        var seen = Set<String>()
        detections = detections.filter { seen.insert($0.id).inserted }
        let stored = try context.session.write { repos -> [Detection] in
            try repos.telemetry.insert(records)
            guard !detections.isEmpty else { return [] }
            let fresh = try repos.detections.insert(detections)
            let stored = detections.filter { fresh.contains($0.id) }
            for detection in stored {
                try repos.events.append(
                    DomainEvent(
                        type: .detectionCreated, subject: .init(kind: "detection", id: detection.id),
                        actor: context.actorID, payload: Self.payload(detection)),
                    source: env.instanceID, at: now)
            }
            return stored
        }
        return IngestResult(
            eventIDs: records.map(\.id), detectionIDs: stored.map(\.id), repeated: matched - stored.count)
    }

    /// One stored event.
    public func event(id: String) throws -> TelemetryRecord {
        let id = try Validate.text(id, field: "id", max: 100)
        guard let found = try context.session.read({ try $0.telemetry.event(id: id) }) else {
            throw AegisError.notFound("telemetry event", id)
        }
        return found
    }

    static func payload(_ d: Detection) -> [String: Value] {
        [
            "rule_id": .string(d.ruleID), "rule_revision": .int(d.ruleRevision), "technique_ids": .strings(d.techniqueIDs),
            "host": .text(d.host), "occurred_at": .timestamp(d.occurredAt), "confidence": .int(Int64(d.confidence)),
            "level": .text(d.level), "event_id": .text(d.eventID),
        ]
    }
}

/// What `telemetry.ingest` answers.
public struct IngestResult: Sendable, Encodable {
    /// The ids given to the events, in order.
    public var eventIDs: [String]
    /// The detections this batch made, new ones only.
    public var detectionIDs: [String]
    /// Matches already recorded (the same event ingested before).
    public var repeated: Int

    enum CodingKeys: String, CodingKey {
        case repeated
        case eventIDs = "event_ids"
        case detectionIDs = "detection_ids"
    }
}
