import AegisDomain
import Synchronization

/// An immutable, shareable set of compiled rules with their revision and
/// state, indexed for routing by log source, with Sigma filters attached to
/// the rules they name and correlations to their base rules.
public final class RuleSet: Sendable {
    public struct Entry: Sendable {
        public let rule: CompiledRule
        public let revision: Int64
        public let state: RuleState

        public init(rule: CompiledRule, revision: Int64, state: RuleState = .default) {
            self.rule = rule
            self.revision = revision
            self.state = state
        }
    }

    public let entries: [Entry]
    /// Correlations and filters naming rules the set does not hold (or a
    /// correlation, which a correlation cannot count): rule id → the names.
    public let unresolved: [String: [String]]

    /// Entries that match events by themselves (Sigma detections, native rules), by category.
    let byCategory: [String: [Int]]
    /// Those without a category (and native rules): candidates for every event.
    let uncategorized: [Int]
    let detectors: [Int]
    /// Entry → the detections of the filters that name it.
    let filters: [Int: [CompiledDetection]]
    /// Base entry → (correlation entry, the base's position in its `rules`).
    let correlationsByBase: [Int: [(correlation: Int, position: Int)]]
    /// Base entries of correlations that do not `generate`: they feed the
    /// correlation and do not fire on their own.
    let suppressed: Set<Int>
    /// The same per entry, laid out for the evaluation loop (no hashing per
    /// candidate): its detection, its filters' detections, whether it feeds
    /// a correlation, whether it is suppressed.
    let detectionOf: [CompiledDetection?]
    let filtersOf: [[CompiledDetection]]
    let feedsCorrelation: [Bool]
    let suppressedEntry: [Bool]

    public static let empty = RuleSet(rules: [])

    public init(rules: [Entry]) {
        entries = rules
        var index: [String: Int] = [:]
        for (i, entry) in rules.enumerated() {
            let d = entry.rule.definition
            if index[d.id] == nil { index[d.id] = i }
            if let name = d.referenceName, index[name] == nil { index[name] = i }
        }
        var byCategory: [String: [Int]] = [:], uncategorized: [Int] = [], detectors: [Int] = []
        var filters: [Int: [CompiledDetection]] = [:]
        var correlations: [Int: [(correlation: Int, position: Int)]] = [:]
        var suppressed: Set<Int> = []
        var unresolved: [String: [String]] = [:]
        for (i, entry) in rules.enumerated() {
            switch entry.rule.body {
            case .sigma, .native:
                detectors.append(i)
                if case .sigma = entry.rule.body, let category = entry.rule.logSource.category {
                    byCategory[category, default: []].append(i)
                } else {
                    uncategorized.append(i)
                }
            case .filter(let detection):
                for name in entry.rule.definition.referencedRules {
                    if let target = index[name], Self.isDetector(rules[target]) {
                        filters[target, default: []].append(detection)
                    } else {
                        unresolved[entry.rule.definition.id, default: []].append(name)
                    }
                }
            case .correlation(let spec):
                for (position, name) in spec.rules.enumerated() {
                    if let base = index[name], Self.isDetector(rules[base]) {
                        correlations[base, default: []].append((i, position))
                        if !spec.generate { suppressed.insert(base) }
                    } else {
                        unresolved[entry.rule.definition.id, default: []].append(name)
                    }
                }
            }
        }
        self.byCategory = byCategory
        self.uncategorized = uncategorized
        self.detectors = detectors
        self.filters = filters
        self.correlationsByBase = correlations
        self.suppressed = suppressed
        self.unresolved = unresolved
        detectionOf = rules.map { RuleEngine.detection(of: $0.rule) }
        filtersOf = rules.indices.map { filters[$0] ?? [] }
        feedsCorrelation = rules.indices.map { correlations[$0] != nil }
        suppressedEntry = rules.indices.map { suppressed.contains($0) }
    }

    private static func isDetector(_ entry: Entry) -> Bool {
        switch entry.rule.body {
        case .sigma, .native: true
        case .correlation, .filter: false
        }
    }

    /// The entries an event may match: those of its categories and the
    /// uncategorized ones, or every detector when its categories are
    /// unknown; then only those whose product, service (Sigma) or source
    /// kinds (native) agree with the event's.
    func candidates(for event: TelemetryEvent) -> [Int] {
        // Events of one source look alike: route each kind once.
        let key = RouteKey(logSource: event.logSource, source: event.source)
        if let known = routes.withLock({ $0[key] }) { return known }
        let picked = route(event)
        routes.withLock { routes in
            if routes.count >= Self.maxRoutes { routes.removeAll() }
            routes[key] = picked
        }
        return picked
    }

    private struct RouteKey: Hashable {
        var logSource: EventLogSource
        var source: String?
    }
    private let routes = Mutex<[RouteKey: [Int]]>([:])
    private static let maxRoutes = 1024

    private func route(_ event: TelemetryEvent) -> [Int] {
        let source = event.logSource
        var picked: [Int]
        if source.categoriesKnown {
            picked = uncategorized
            for category in source.categories { picked += byCategory[category] ?? [] }
            if source.categories.count > 1 { picked = Array(Set(picked)) }
            picked.sort()
        } else {
            picked = detectors
        }
        return picked.filter { applies(entries[$0].rule, to: event) }
    }

    func applies(_ rule: CompiledRule, to event: TelemetryEvent) -> Bool {
        switch rule.body {
        case .native(let native):
            guard !native.appliesTo.isEmpty else { return true }
            let kinds = [event.source, event.logSource.product, event.logSource.service].compactMap { $0 }
            return native.appliesTo.contains { kinds.contains($0) }
        default:
            return LogSourceRouting.applies(rule.logSource, to: event.logSource)
        }
    }
}
