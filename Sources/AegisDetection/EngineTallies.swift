import Synchronization

/// The per-event counters of a `RuleEngine`, kept in atomics so that
/// evaluations on several threads never wait on a lock to count.
final class EngineTallies: Sendable {
    private let events = Atomic<Int>(0)
    private let rules = Atomic<Int>(0)
    private let matches = Atomic<Int>(0)
    private let correlations = Atomic<Int>(0)
    private let regexLimitHits = Atomic<Int>(0)

    /// One event evaluated.
    func record(rules evaluated: Int, matches found: Int, correlations correlated: Int, regexLimitHits hits: Int) {
        events.add(1, ordering: .relaxed)
        if evaluated > 0 { rules.add(evaluated, ordering: .relaxed) }
        if found > 0 { matches.add(found, ordering: .relaxed) }
        if correlated > 0 { correlations.add(correlated, ordering: .relaxed) }
        if hits > 0 { regexLimitHits.add(hits, ordering: .relaxed) }
    }

    /// Adds what was counted to `counters`.
    func add(to counters: inout EngineCounters) {
        counters.eventsEvaluated += events.load(ordering: .relaxed)
        counters.rulesEvaluated += rules.load(ordering: .relaxed)
        counters.matches += matches.load(ordering: .relaxed)
        counters.correlationMatches += correlations.load(ordering: .relaxed)
        counters.regexLimitHits += regexLimitHits.load(ordering: .relaxed)
    }
}
