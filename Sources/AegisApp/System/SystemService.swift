import AegisDomain
import Foundation

/// `system.ping` and `system.info`: public, cheap, and revealing nothing
/// beyond what a client needs to know it reached the right daemon.
public struct SystemService {
    public let env: AppEnvironment

    public init(env: AppEnvironment) { self.env = env }

    public struct Pong: Sendable, Encodable {
        public var pong = true
        public var time: Date
    }

    public struct Info: Sendable, Encodable {
        public var name = "aegisd"
        public var version: String
        public var protocolVersion = 1
        public var instance: String
        public var startedAt: Date
        public var uptimeMS: Int64
        public var store: String
        /// Whether this instance is the deployment's leader (the one that
        /// runs scheduled jobs); always true on the embedded store.
        public var leader: Bool
        /// `enterprise-attack 18.1, ics-attack 18.1`; nil while empty.
        public var catalogVersion: String?

        enum CodingKeys: String, CodingKey {
            case name, version, instance, store, leader
            case protocolVersion = "protocol"
            case startedAt = "started_at"
            case uptimeMS = "uptime_ms"
            case catalogVersion = "catalog_version"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(version, forKey: .version)
            try c.encode(protocolVersion, forKey: .protocolVersion)
            try c.encode(instance, forKey: .instance)
            try c.encode(startedAt, forKey: .startedAt)
            try c.encode(uptimeMS, forKey: .uptimeMS)
            try c.encode(store, forKey: .store)
            try c.encode(leader, forKey: .leader)
            try c.encode(catalogVersion, forKey: .catalogVersion)
        }
    }

    public func ping() -> Pong { Pong(time: env.clock.now()) }

    public func info(session: any StoreSession) throws -> Info {
        let now = env.clock.now()
        let status = try session.read { try $0.catalog.status() }
        return Info(
            version: env.version, instance: env.instanceID, startedAt: env.startedAt,
            uptimeMS: Int64(now.timeIntervalSince(env.startedAt) * 1000), store: env.storeKind,
            leader: env.isLeader(), catalogVersion: status.versionSummary)
    }
}
