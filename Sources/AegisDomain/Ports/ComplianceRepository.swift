import Foundation

/// Compliance frameworks: their controls and control-to-technique mappings.
public protocol ComplianceRepository {
    /// Stores `framework`, replacing one with the same id; true if it replaced one.
    @discardableResult
    func replace(_ framework: ComplianceFramework, at: Date, by: String?) throws -> Bool
    /// Every framework, by id, without controls and mappings.
    func frameworks() throws -> [ComplianceFrameworkSummary]
    /// One framework whole, controls in their imported order.
    func framework(id: String) throws -> ComplianceFramework?
}

/// A stored framework, as `compliance.framework.list` shows it.
public struct ComplianceFrameworkSummary: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var version: String
    public var attackVersion: String?
    public var domain: String?
    public var format: ComplianceFormat
    public var controls: Int
    public var mappings: Int
    public var importedAt: Date
    public var importedBy: String?

    public init(
        id: String, name: String, version: String, attackVersion: String?, domain: String?, format: ComplianceFormat,
        controls: Int, mappings: Int, importedAt: Date, importedBy: String?
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.attackVersion = attackVersion
        self.domain = domain
        self.format = format
        self.controls = controls
        self.mappings = mappings
        self.importedAt = importedAt
        self.importedBy = importedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, name, version, domain, format, controls, mappings
        case attackVersion = "attack_version"
        case importedAt = "imported_at"
        case importedBy = "imported_by"
    }
}
