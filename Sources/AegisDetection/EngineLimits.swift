/// Bounds on what one engine spends on one event and keeps between events.
public struct EngineLimits: Sendable, Equatable {
    /// PCRE2 match limit (backtracking steps) for one regex on one value.
    public var regexMatchLimit: UInt32
    /// PCRE2 depth limit (interpreter backtracking depth).
    public var regexDepthLimit: UInt32
    /// Largest JIT stack one evaluation may grow, in bytes.
    public var regexJITStackBytes: Int
    /// Groups one correlation rule tracks at once; the oldest is dropped beyond.
    public var correlationGroups: Int
    /// Base-rule matches kept per group within a correlation's timespan.
    public var correlationEventsPerGroup: Int
    /// Fields a match's evidence carries, and the characters of each value.
    public var evidenceFields: Int
    public var evidenceValueCharacters: Int

    public init(
        regexMatchLimit: UInt32 = 100_000, regexDepthLimit: UInt32 = 5_000, regexJITStackBytes: Int = 512 * 1024,
        correlationGroups: Int = 10_000, correlationEventsPerGroup: Int = 1_000, evidenceFields: Int = 32,
        evidenceValueCharacters: Int = 1_024
    ) {
        self.regexMatchLimit = regexMatchLimit
        self.regexDepthLimit = regexDepthLimit
        self.regexJITStackBytes = regexJITStackBytes
        self.correlationGroups = correlationGroups
        self.correlationEventsPerGroup = correlationEventsPerGroup
        self.evidenceFields = evidenceFields
        self.evidenceValueCharacters = evidenceValueCharacters
    }

    public static let `default` = EngineLimits()
}
