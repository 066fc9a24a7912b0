/// ATT&CK v18 detection model: a detection strategy (`DET0001`) detects
/// techniques through analytics (`AN0001`), each of which reads data
/// components (`DC0001`).
public struct DetectionStrategy: Sendable, Equatable, Codable {
    public var id: String
    public var stixID: String
    public var name: String
    public var techniqueIDs: [String]
    public var analyticIDs: [String]
    public var domains: [String]
    public var revoked: Bool
    public var deprecated: Bool
    public var url: String

    public init(
        id: String, stixID: String, name: String, techniqueIDs: [String] = [], analyticIDs: [String] = [],
        domains: [String] = [], revoked: Bool = false, deprecated: Bool = false, url: String = ""
    ) {
        self.id = id
        self.stixID = stixID
        self.name = name
        self.techniqueIDs = techniqueIDs
        self.analyticIDs = analyticIDs
        self.domains = domains
        self.revoked = revoked
        self.deprecated = deprecated
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case id, name, domains, revoked, deprecated, url
        case stixID = "stix_id"
        case techniqueIDs = "technique_ids"
        case analyticIDs = "analytic_ids"
    }
}

/// One analytic of a detection strategy and the log sources it reads.
public struct Analytic: Sendable, Equatable, Codable {
    /// A data component read by an analytic, with the concrete log source.
    public struct LogSource: Sendable, Equatable, Codable {
        public var dataComponentID: String
        public var name: String
        public var channel: String

        public init(dataComponentID: String, name: String, channel: String) {
            self.dataComponentID = dataComponentID
            self.name = name
            self.channel = channel
        }

        enum CodingKeys: String, CodingKey {
            case name, channel
            case dataComponentID = "data_component_id"
        }
    }

    public var id: String
    public var stixID: String
    public var name: String
    public var description: String
    public var platforms: [String]
    public var logSources: [LogSource]
    public var domains: [String]
    public var revoked: Bool
    public var deprecated: Bool

    public init(
        id: String, stixID: String, name: String, description: String = "", platforms: [String] = [],
        logSources: [LogSource] = [], domains: [String] = [], revoked: Bool = false, deprecated: Bool = false
    ) {
        self.id = id
        self.stixID = stixID
        self.name = name
        self.description = description
        self.platforms = platforms
        self.logSources = logSources
        self.domains = domains
        self.revoked = revoked
        self.deprecated = deprecated
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, platforms, domains, revoked, deprecated
        case stixID = "stix_id"
        case logSources = "log_sources"
    }
}

/// A data component (`DC0001`): a kind of telemetry a team may collect.
public struct DataComponent: Sendable, Equatable, Codable {
    public var id: String
    public var stixID: String
    public var name: String
    public var description: String
    public var domains: [String]
    public var revoked: Bool
    public var deprecated: Bool

    public init(
        id: String, stixID: String, name: String, description: String = "", domains: [String] = [],
        revoked: Bool = false, deprecated: Bool = false
    ) {
        self.id = id
        self.stixID = stixID
        self.name = name
        self.description = description
        self.domains = domains
        self.revoked = revoked
        self.deprecated = deprecated
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, domains, revoked, deprecated
        case stixID = "stix_id"
    }
}
