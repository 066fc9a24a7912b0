/// `report.countermeasures`: countermeasures ranked by how many of the
/// organisation's gap techniques each addresses.
///
/// A gap technique is one of the domain whose status is `missed` or
/// `logged`; with an actor, one the actor uses that is `missed`, `logged`
/// or `untested` (revoked and deprecated ones left out when untested).
public struct CountermeasureRanking: Sendable, Equatable, Encodable {
    public var domain: String
    public var actorID: String?
    public var tactic: DefensiveTactic?
    /// Gap techniques in all.
    public var gapTechniques: Int
    /// Gap techniques at least one countermeasure (of `tactic`, if given)
    /// addresses: the others have none.
    public var addressed: Int
    /// Most gaps first, then by id.
    public var items: [Item]

    public init(
        domain: String, actorID: String?, tactic: DefensiveTactic?, gapTechniques: Int, addressed: Int, items: [Item]
    ) {
        self.domain = domain
        self.actorID = actorID
        self.tactic = tactic
        self.gapTechniques = gapTechniques
        self.addressed = addressed
        self.items = items
    }

    public struct Item: Sendable, Equatable, Encodable {
        public var countermeasure: CountermeasureRef
        /// Gap techniques it addresses.
        public var gaps: Int
        /// Their ids, sorted.
        public var techniques: [String]

        public init(countermeasure: CountermeasureRef, gaps: Int, techniques: [String]) {
            self.countermeasure = countermeasure
            self.gaps = gaps
            self.techniques = techniques
        }
    }

    enum CodingKeys: String, CodingKey {
        case domain
        case actorID = "actor_id"
        case tactic
        case gapTechniques = "gap_techniques"
        case addressed, items
    }
}

/// What `report.countermeasures` ranks.
public struct CountermeasureRankingQuery: Sendable, Equatable {
    /// An ATT&CK domain (`enterprise-attack`).
    public var domain: String
    /// A group or campaign: its techniques' gaps, untested ones included.
    public var actorID: String?
    public var tactic: DefensiveTactic?
    /// The most items returned.
    public var limit: Int

    public init(domain: String, actorID: String? = nil, tactic: DefensiveTactic? = nil, limit: Int = 100) {
        self.domain = domain
        self.actorID = actorID
        self.tactic = tactic
        self.limit = limit
    }
}
