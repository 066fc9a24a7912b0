/// The repositories of one unit of work, bound to one connection.
public protocol Repositories {
    var catalog: any CatalogRepository { get }
    var apiKeys: any APIKeyRepository { get }
    var events: any EventRepository { get }
    var users: any UserRepository { get }
    var tests: any TestRepository { get }
    var templates: any TemplateRepository { get }
    var evidence: any EvidenceRepository { get }
    var audit: any AuditRepository { get }
    var notifications: any NotificationRepository { get }
    var scores: any ScoreRepository { get }
    var snapshots: any SnapshotRepository { get }
    var reports: any ReportRepository { get }
    var compliance: any ComplianceRepository { get }
    var countermeasures: any CountermeasureRepository { get }
    var rules: any RuleRepository { get }
    var telemetry: any TelemetryRepository { get }
    var detections: any DetectionRepository { get }
}
