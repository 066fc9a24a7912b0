import AegisDomain
import Foundation
import Synchronization

/// Evaluates telemetry events against a rule set. Plain rules run without a
/// lock on an immutable `RuleSet`; the correlation windows of this engine
/// instance sit behind a mutex (docs/DETECTION.md, "Correlation").
public final class RuleEngine: Sendable {
    private struct State {
        var rules: RuleSet
        /// Correlation rule id → its windows.
        var windows: [String: CorrelationWindows] = [:]
        var counters = EngineCounters()
    }

    public let limits: EngineLimits
    private let state: Mutex<State>
    private let scratches: RegexScratchPool
    private let tallies = EngineTallies()

    public init(rules: RuleSet, limits: EngineLimits = .default) {
        self.limits = limits
        self.scratches = RegexScratchPool(limits: limits)
        self.state = Mutex(State(rules: rules))
    }

    /// The rules in force.
    public var rules: RuleSet { state.withLock { $0.rules } }

    /// Swaps the rule set. Correlation windows of correlations still present
    /// (by id) are kept; the others are dropped.
    public func replaceRules(_ rules: RuleSet) {
        let ids = Set(rules.entries.map(\.rule.definition.id))
        state.withLock { state in
            state.rules = rules
            state.windows = state.windows.filter { ids.contains($0.key) }
        }
    }

    public var counters: EngineCounters {
        var counters = state.withLock { $0.counters }
        tallies.add(to: &counters)
        return counters
    }

    /// The rules that match `event`, in rule-set order, correlations last.
    /// `now` decides which states are in force and stands in for the
    /// event's time in correlation windows when it has none.
    public func evaluate(_ event: TelemetryEvent, now: Date) -> [RuleMatch] {
        let rules = self.rules
        let context = EvaluationContext(event: event, limits: limits, pool: scratches)
        var matches: [RuleMatch] = []
        var baseHits: [Int] = []
        let candidates = rules.candidates(for: event)
        var evaluated = 0
        for index in candidates {
            let ruleState = rules.entries[index].state.inForce(at: now)
            let feedsCorrelation = rules.feedsCorrelation[index]
            guard ruleState.fires || feedsCorrelation else { continue }
            evaluated += 1
            guard let detection = rules.detectionOf[index], detection.matches(context) else { continue }
            if !rules.filtersOf[index].allSatisfy({ $0.matches(context) }) { continue }
            if feedsCorrelation { baseHits.append(index) }
            guard ruleState.fires, !rules.suppressedEntry[index] else { continue }
            matches.append(Self.match(rules.entries[index], ruleState, detection, context, limits))
        }
        let correlated = baseHits.isEmpty ? [] : correlate(baseHits, rules, context, now: now)
        // Counted without a lock: evaluations on several threads do not wait on each other.
        tallies.record(
            rules: evaluated, matches: matches.count + correlated.count, correlations: correlated.count,
            regexLimitHits: context.regexLimitHits)
        return correlated.isEmpty ? matches : matches + correlated
    }

    /// Runs one rule on one event regardless of routing and state, and
    /// explains the outcome (for `rule.test`).
    public static func test(_ rule: CompiledRule, on event: TelemetryEvent, limits: EngineLimits = .default) -> RuleTestResult {
        let context = EvaluationContext(event: event, limits: limits)
        let routed = RuleSet.empty.applies(rule, to: event)
        guard let detection = detection(of: rule) else {
            let explanation = MatchExplanation(condition: "(a \(rule.definition.kind.rawValue) matches through other rules)", identifiers: [])
            return RuleTestResult(matched: false, routed: routed, explanation: explanation, evidence: [:], regexLimitHits: 0)
        }
        let matched = detection.matches(context)
        let (explanation, fields) = detection.explain(context)
        let evidence = Evidence.collect(evidenceFields(rule, fields), context, limits)
        return RuleTestResult(
            matched: matched, routed: routed, explanation: explanation, evidence: evidence, regexLimitHits: context.regexLimitHits)
    }

    // MARK: -

    static func detection(of rule: CompiledRule) -> CompiledDetection? {
        switch rule.body {
        case .sigma(let d): d
        case .native(let n): n.detection
        case .filter(let d): d
        case .correlation: nil
        }
    }

    private static func evidenceFields(_ rule: CompiledRule, _ matched: [String]) -> [String] {
        if case .native(let native) = rule.body, !native.evidenceFields.isEmpty { return native.evidenceFields }
        return matched
    }

    private static func match(
        _ entry: RuleSet.Entry, _ state: RuleState, _ detection: CompiledDetection, _ context: EvaluationContext,
        _ limits: EngineLimits
    ) -> RuleMatch {
        let d = entry.rule.definition
        let (explanation, fields) = detection.explain(context)
        return RuleMatch(
            ruleID: d.id, revision: entry.revision, format: d.format, kind: d.kind, techniqueIDs: d.techniqueIDs,
            tacticIDs: d.tacticIDs, confidence: RuleConfidence.capped(entry.rule.baseConfidence, by: state), level: d.level,
            evidence: Evidence.collect(evidenceFields(entry.rule, fields), context, limits), explanation: explanation,
            host: context.event.host, eventTime: context.event.time)
    }

    private func correlate(_ bases: [Int], _ rules: RuleSet, _ context: EvaluationContext, now: Date) -> [RuleMatch] {
        let time = context.event.time ?? now
        // Group keys are read outside the lock; the windows change inside it.
        var updates: [(correlation: Int, hit: CorrelationWindows.Hit, group: String, values: [String: Value], base: Int)] = []
        for base in bases {
            for (correlation, position) in rules.correlationsByBase[base] ?? [] {
                guard case .correlation(let spec) = rules.entries[correlation].rule.body else { continue }
                let (group, values) = CorrelationWindows.groupKey(spec, base: rules.entries[base].rule.definition, context: context)
                let value = spec.field.map { context.field($0).texts.joined(separator: "\u{1E}") }
                updates.append((correlation, .init(time: time, position: position, value: value), group, values, base))
            }
        }
        var fired: [(Int, Int, [String: Value], Int)] = []
        state.withLock { state in
            var dropped = 0
            for update in updates {
                let entry = rules.entries[update.correlation]
                guard case .correlation(let spec) = entry.rule.body, entry.state.inForce(at: now).fires else { continue }
                let id = entry.rule.definition.id
                var windows = state.windows[id] ?? CorrelationWindows()
                state.windows[id] = nil  // keep the value uniquely referenced while it changes
                let before = windows.dropped
                if let count = windows.record(update.hit, group: update.group, spec: spec, limits: limits) {
                    fired.append((update.correlation, count, update.values, update.base))
                }
                dropped += windows.dropped - before
                state.windows[id] = windows
            }
            state.counters.correlationGroupsDropped += dropped
        }
        return fired.compactMap { correlation, count, values, base in
            let entry = rules.entries[correlation]
            let d = entry.rule.definition
            guard case .correlation(let spec) = entry.rule.body else { return nil }
            var evidence = values
            evidence["count"] = .int(Int64(count))
            let condition = spec.conditions.map { "\($0.0.rawValue) \(Int64(exactly: $0.1.rounded()).map(String.init) ?? String($0.1))" }.joined(separator: " and ")
            let explanation = MatchExplanation(
                condition: "\(spec.kind.rawValue) \(condition) within \(Int64(exactly: spec.timespan.rounded()).map(String.init) ?? String(spec.timespan))s by \(spec.groupBy.joined(separator: ", "))",
                identifiers: [.init(name: rules.entries[base].rule.definition.id, matched: true, keys: [])])
            return RuleMatch(
                ruleID: d.id, revision: entry.revision, format: d.format, kind: .correlation, techniqueIDs: d.techniqueIDs,
                tacticIDs: d.tacticIDs, confidence: RuleConfidence.capped(entry.rule.baseConfidence, by: entry.state.inForce(at: now)),
                level: d.level, evidence: evidence, explanation: explanation, host: context.event.host, eventTime: context.event.time)
        }
    }
}
