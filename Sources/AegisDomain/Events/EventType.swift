/// An event's type and PUB topic, `noun.past_tense` (`catalog.imported`):
/// the same string on the wire and in the outbox (protocol/SPEC.md §9.5).
///
/// An extensible struct like `ErrorCode`: a later type is one more
/// constant, and a subscriber keeps types it does not know as they are.
/// Producers use the constants below, grouped per noun.
public struct EventType: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// Every type the daemon emits, in the order of SPEC §9.5.
    public static let allDefined: [EventType] = [
        .apiKeyCreated, .apiKeyRevoked, .authLoginFailed, .authLoggedOut, .userCreated, .userUpdated, .userDisabled,
        .userPasswordChanged, .catalogImported, .testCreated, .testUpdated, .testStateChanged, .testValidated,
        .testReopened, .techniqueStatusChanged, .templateCreated, .templateUpdated, .templateDeleted,
        .templateImported, .evidenceUploaded, .evidenceDeleted, .uploadAborted, .pluginStarted, .pluginStopped,
        .pluginCrashed, .pluginFailed, .scoreWeightsChanged, .techniqueVisibilityChanged, .snapshotCreated,
        .dataComponentCollectionChanged, .complianceFrameworkImported, .countermeasureSynced,
        .ruleCreated, .ruleUpdated, .ruleDeleted, .ruleStateChanged, .ruleSyncFailed, .detectionCreated,
    ]
}

/// `api_key.*`
extension EventType {
    public static let apiKeyCreated = EventType(rawValue: "api_key.created")
    public static let apiKeyRevoked = EventType(rawValue: "api_key.revoked")
}

/// `auth.*`
extension EventType {
    public static let authLoginFailed = EventType(rawValue: "auth.login_failed")
    public static let authLoggedOut = EventType(rawValue: "auth.logged_out")
}

/// `user.*`
extension EventType {
    public static let userCreated = EventType(rawValue: "user.created")
    public static let userUpdated = EventType(rawValue: "user.updated")
    public static let userDisabled = EventType(rawValue: "user.disabled")
    public static let userPasswordChanged = EventType(rawValue: "user.password_changed")
}

/// `catalog.*`
extension EventType {
    public static let catalogImported = EventType(rawValue: "catalog.imported")
}

/// `test.*`
extension EventType {
    public static let testCreated = EventType(rawValue: "test.created")
    public static let testUpdated = EventType(rawValue: "test.updated")
    public static let testStateChanged = EventType(rawValue: "test.state_changed")
    public static let testValidated = EventType(rawValue: "test.validated")
    public static let testReopened = EventType(rawValue: "test.reopened")
}

/// `technique.*`
extension EventType {
    public static let techniqueStatusChanged = EventType(rawValue: "technique.status_changed")
    public static let techniqueVisibilityChanged = EventType(rawValue: "technique.visibility_changed")
}

/// `template.*`
extension EventType {
    public static let templateCreated = EventType(rawValue: "template.created")
    public static let templateUpdated = EventType(rawValue: "template.updated")
    public static let templateDeleted = EventType(rawValue: "template.deleted")
    public static let templateImported = EventType(rawValue: "template.imported")
}

/// `evidence.*`
extension EventType {
    public static let evidenceUploaded = EventType(rawValue: "evidence.uploaded")
    public static let evidenceDeleted = EventType(rawValue: "evidence.deleted")
}

/// `upload.*`
extension EventType {
    public static let uploadAborted = EventType(rawValue: "upload.aborted")
}

/// `plugin.*`: the plugin supervisor's announcements.
extension EventType {
    public static let pluginStarted = EventType(rawValue: "plugin.started")
    public static let pluginStopped = EventType(rawValue: "plugin.stopped")
    public static let pluginCrashed = EventType(rawValue: "plugin.crashed")
    public static let pluginFailed = EventType(rawValue: "plugin.failed")
}

/// `score.*`
extension EventType {
    public static let scoreWeightsChanged = EventType(rawValue: "score.weights_changed")
}

/// `snapshot.*`
extension EventType {
    public static let snapshotCreated = EventType(rawValue: "snapshot.created")
}

/// `data_component.*`
extension EventType {
    public static let dataComponentCollectionChanged = EventType(rawValue: "data_component.collection_changed")
}

/// `compliance.*`
extension EventType {
    public static let complianceFrameworkImported = EventType(rawValue: "compliance.framework_imported")
}

/// `countermeasure.*`
extension EventType {
    public static let countermeasureSynced = EventType(rawValue: "countermeasure.synced")
}

/// `rule.*`: the rule change stream every instance's engine follows.
extension EventType {
    public static let ruleCreated = EventType(rawValue: "rule.created")
    public static let ruleUpdated = EventType(rawValue: "rule.updated")
    public static let ruleDeleted = EventType(rawValue: "rule.deleted")
    public static let ruleStateChanged = EventType(rawValue: "rule.state_changed")
    public static let ruleSyncFailed = EventType(rawValue: "rule.sync_failed")
}

/// `detection.*`
extension EventType {
    public static let detectionCreated = EventType(rawValue: "detection.created")
}
