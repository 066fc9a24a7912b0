import AegisDomain

/// Repositories bound to one connection. `events` records the types it
/// appends, so the writer can announce them after the commit.
struct SQLRepositories<DB: SQLDatabase>: Repositories {
    let db: DB
    let appended: EventRecorder

    var catalog: any CatalogRepository { SQLCatalogRepository(db: db) }
    var apiKeys: any APIKeyRepository { SQLAPIKeyRepository(db: db) }
    var events: any EventRepository { SQLEventRepository(db: db, appended: appended) }
    var users: any UserRepository { SQLUserRepository(db: db) }
    var tests: any TestRepository { SQLTestRepository(db: db) }
    var templates: any TemplateRepository { SQLTemplateRepository(db: db) }
    var evidence: any EvidenceRepository { SQLEvidenceRepository(db: db) }
    var audit: any AuditRepository { SQLAuditRepository(db: db) }
    var notifications: any NotificationRepository { SQLNotificationRepository(db: db) }
    var scores: any ScoreRepository { SQLScoreRepository(db: db) }
    var snapshots: any SnapshotRepository { SQLSnapshotRepository(db: db) }
    var reports: any ReportRepository { SQLReportRepository(db: db) }
    var compliance: any ComplianceRepository { SQLComplianceRepository(db: db) }
    var countermeasures: any CountermeasureRepository { SQLCountermeasureRepository(db: db) }
    var rules: any RuleRepository { SQLRuleRepository(db: db) }
    var telemetry: any TelemetryRepository { SQLTelemetryRepository(db: db) }
    var detections: any DetectionRepository { SQLDetectionRepository(db: db) }
}

/// The events one unit of work appended, as they will be published.
final class EventRecorder {
    var events: [StoredEvent] = []
}
