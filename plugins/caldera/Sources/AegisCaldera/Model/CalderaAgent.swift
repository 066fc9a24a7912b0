import Foundation

/// A Caldera agent (`GET /api/v2/agents`): a program on a host that beacons
/// to Caldera and runs the commands of its links.
public struct CalderaAgent: Sendable, Equatable, Decodable {
    /// Its id.
    public var paw: String
    /// The host name it reported.
    public var host: String
    public var group: String
    /// `linux`, `darwin`, `windows`...
    public var platform: String
    /// The executors it can run (`sh`, `psh`, `cmd`...).
    public var executors: [String]
    /// False when Caldera no longer trusts it (it stopped beaconing).
    public var trusted: Bool
    public var lastSeen: Date?

    public init(
        paw: String, host: String, group: String = "", platform: String, executors: [String], trusted: Bool = true,
        lastSeen: Date? = nil
    ) {
        self.paw = paw
        self.host = host
        self.group = group
        self.platform = platform
        self.executors = executors
        self.trusted = trusted
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey {
        case paw, host, group, platform, executors, trusted
        case lastSeen = "last_seen"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        paw = try c.decode(String.self, forKey: .paw)
        host = (try? c.decodeIfPresent(String.self, forKey: .host)) ?? ""
        group = (try? c.decodeIfPresent(String.self, forKey: .group)) ?? ""
        platform = (try? c.decodeIfPresent(String.self, forKey: .platform)) ?? ""
        executors = (try? c.decodeIfPresent([String].self, forKey: .executors)) ?? []
        trusted = (try? c.decodeIfPresent(Bool.self, forKey: .trusted)) ?? true
        lastSeen = c.calderaDate(.lastSeen)
    }
}
