import AegisDetection
import AegisDomain
import Foundation

/// `rule.test` and `rule.backtest`: a rule, stored or given as text, tried
/// on events without storing anything.
public struct RuleTrialResult: Sendable, Encodable {
    public struct Outcome: Sendable, Encodable {
        public var index: Int
        public var matched: Bool
        /// Whether the rule's log source applies to the event (routing).
        public var routed: Bool
        public var summary: String
        public var identifiers: [Identifier]
        public var evidence: [String: Value]
        enum CodingKeys: String, CodingKey { case index, matched, routed, summary, identifiers, evidence }
    }

    public struct Identifier: Sendable, Encodable {
        public var name: String
        public var matched: Bool
        public var keys: [String]
    }

    public struct Rule: Sendable, Encodable {
        public var id: String
        public var name: String
        public var format: String
        public var results: [Outcome]
    }

    public var rules: [Rule]
}

/// One chunk of `rule.backtest`.
public struct BacktestChunk: Sendable, Encodable {
    public struct Hit: Sendable, Encodable {
        public var ruleID: String
        public var eventID: String
        public var occurredAt: Date
        public var host: String?
        public var summary: String
        public var evidence: [String: Value]
        enum CodingKeys: String, CodingKey {
            case host, summary, evidence
            case ruleID = "rule_id"
            case eventID = "event_id"
            case occurredAt = "occurred_at"
        }
    }

    public var matches: [Hit]
    /// Events read in this chunk.
    public var scanned: Int
    /// Events that could not be read back (counted, skipped).
    public var unreadable: Int
    /// Where the next chunk starts; nil when the range is done.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case matches, scanned, unreadable
        case nextCursor = "next_cursor"
    }
}

extension RuleService {
    /// Which rule to try: a stored one, or text in a format.
    public enum Candidate: Sendable {
        case stored(id: String)
        case text(format: RuleFormat?, content: String)
    }

    /// The most events one `rule.test` takes.
    public static let maxTestEvents = 1_000

    public func test(_ candidate: Candidate, events: [TelemetryEvent]) throws -> RuleTrialResult {
        guard events.count <= Self.maxTestEvents else {
            throw AegisError.invalidArgument("events", "at most \(Self.maxTestEvents) events per test")
        }
        let rules = try compiled(candidate)
        return RuleTrialResult(
            rules: rules.map { rule in
                RuleTrialResult.Rule(
                    id: rule.definition.id, name: rule.definition.name, format: rule.definition.format.rawValue,
                    results: events.enumerated().map { i, event in
                        let r = RuleEngine.test(rule, on: event)
                        return RuleTrialResult.Outcome(
                            index: i, matched: r.matched, routed: r.routed, summary: r.explanation.summary,
                            identifiers: r.explanation.identifiers.map { .init(name: $0.name, matched: $0.matched, keys: $0.keys) },
                            evidence: r.evidence)
                    })
            })
    }

    /// Events read per `rule.backtest` chunk, and the time one chunk may take.
    public static let backtestChunkEvents = 5_000
    public static let backtestChunkSeconds = 1.0
    /// Matches one chunk carries at most (one event's may go past it).
    public static let backtestChunkMatches = 1_000
    /// Rules one `content` may hold for `rule.test` and `rule.backtest`.
    public static let maxTrialRules = 100

    /// Tries the rule on stored telemetry that happened in `[since, until)`,
    /// one chunk per call; `decode` reads an event back from its body.
    public func backtest(
        _ candidate: Candidate, since: Date, until: Date, cursor: String?,
        decode: (TelemetryRecord) throws -> TelemetryEvent
    ) throws -> BacktestChunk {
        guard since < until else { throw AegisError.invalidArgument("until", "until must come after since") }
        let rules = try compiled(candidate)
        var after = try Cursor.decodeTimeKey(cursor)
        let started = DispatchTime.now()
        var hits: [BacktestChunk.Hit] = []
        var scanned = 0, unreadable = 0
        var done = false
        /// Whether this chunk must end before the next event (it is full,
        /// or its time is up); the cursor then points at the last event read.
        func full() -> Bool {
            hits.count >= Self.backtestChunkMatches
                || Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 > Self.backtestChunkSeconds
        }
        reading: while scanned < Self.backtestChunkEvents {
            let wanted = min(500, Self.backtestChunkEvents - scanned)
            let page = try context.session.read {
                try $0.telemetry.events(since: since, until: until, after: after, limit: wanted)
            }
            for record in page {
                if full() { break reading }
                scanned += 1
                after = (record.occurredAt, record.id)
                guard let event = try? decode(record) else {
                    unreadable += 1
                    continue
                }
                for rule in rules {
                    let r = RuleEngine.test(rule, on: event)
                    guard r.matched else { continue }
                    hits.append(
                        .init(
                            ruleID: rule.definition.id, eventID: record.id, occurredAt: record.occurredAt,
                            host: record.host, summary: r.explanation.summary, evidence: r.evidence))
                }
            }
            if page.count < wanted { done = true; break }
        }
        let next = done ? nil : after.flatMap { Cursor.encode(time: $0.0, id: $0.1) }
        return BacktestChunk(matches: hits, scanned: scanned, unreadable: unreadable, nextCursor: next)
    }

    private func compiled(_ candidate: Candidate) throws -> [CompiledRule] {
        switch candidate {
        case .stored(let id):
            let id = try RuleID.parse(id)
            guard let rule = try context.session.read({ try $0.rules.rule(id: id) }) else {
                throw AegisError.notFound("rule", id)
            }
            guard rule.definition.evaluable else {
                throw AegisError.failedPrecondition("rule \(id) is an Elastic rule; Elastic evaluates it, not Aegis")
            }
            return [try compile(rule.definition, field: "id")]
        case .text(let format, let content):
            let report = RuleParser.parse(name: "rule", content: content, format: format)
            for outcome in report.outcomes {
                switch outcome {
                case .invalid(_, let reason): throw AegisError.invalidArgument("content", reason)
                case .unsupported(_, let feature):
                    throw AegisError.invalidArgument("content", "uses \(feature), which Aegis does not evaluate")
                case .parsed: continue
                }
            }
            let evaluable = report.parsed.filter(\.evaluable)
            guard evaluable.count <= Self.maxTrialRules else {
                throw AegisError.invalidArgument("content", "at most \(Self.maxTrialRules) rules at a time")
            }
            guard !evaluable.isEmpty else {
                throw AegisError.invalidArgument("content", "no rule Aegis evaluates (Elastic rules run in Elastic)")
            }
            return try evaluable.map { try compile($0, field: "content") }
        }
    }

    private func compile(_ definition: RuleDefinition, field: String) throws -> CompiledRule {
        do { return try RuleCompiler.compile(definition) } catch {
            throw AegisError.invalidArgument(field, "\(error)")
        }
    }
}
