/// Filters of `technique.list`.
public struct TechniqueQuery: Sendable, Equatable {
    /// A tactic shortname (`execution`); matches in every domain.
    public var tacticShortname: String?
    /// Restrict to one tactic's domain when the tactic was given by id.
    public var domain: String?
    /// Platform name, compared case-insensitively.
    public var platform: String?
    /// Substring of the id or name, case-insensitive.
    public var text: String?
    public var includeSubtechniques: Bool
    public var includeRevoked: Bool
    public var page: PageRequest

    public init(
        tacticShortname: String? = nil, domain: String? = nil, platform: String? = nil, text: String? = nil,
        includeSubtechniques: Bool = true, includeRevoked: Bool = false, page: PageRequest = PageRequest()
    ) {
        self.tacticShortname = tacticShortname
        self.domain = domain
        self.platform = platform
        self.text = text
        self.includeSubtechniques = includeSubtechniques
        self.includeRevoked = includeRevoked
        self.page = page
    }
}

/// Filters of `actor.list`.
public struct ActorQuery: Sendable, Equatable {
    /// Substring of the id, name or an alias, case-insensitive.
    public var text: String?
    public var kind: ThreatActor.Kind?
    public var includeRevoked: Bool
    public var page: PageRequest

    public init(
        text: String? = nil, kind: ThreatActor.Kind? = nil, includeRevoked: Bool = false,
        page: PageRequest = PageRequest()
    ) {
        self.text = text
        self.kind = kind
        self.includeRevoked = includeRevoked
        self.page = page
    }
}
