import AegisApp

/// The explicit allowlist of methods: a name not here is `UNKNOWN_METHOD`.
/// Every entry must also have a rule in `AccessPolicy` (checked at start
/// and by tests).
struct MethodTable: Sendable {
    let handlers: [String: MethodHandler]

    /// One method file per wire noun (`Methods/<Noun>Methods.swift`).
    static let standard = MethodTable(
        SystemMethods.all + AuthMethods.all + UserMethods.all + APIKeyMethods.all + CatalogMethods.all
            + TechniqueMethods.all + TacticMethods.all + ActorMethods.all + MitigationMethods.all + TestMethods.all
            + TemplateMethods.all + EvidenceMethods.all + UploadMethods.all + AuditMethods.all
            + NotificationMethods.all + EventMethods.all + ScoreMethods.all + VisibilityMethods.all
            + DataComponentMethods.all + SnapshotMethods.all + LayerMethods.all + ReportMethods.all
            + MetricsMethods.all + ComplianceMethods.all + CountermeasureMethods.all + PluginMethods.all
            + RuleMethods.all + TelemetryMethods.all + DetectionMethods.all)

    init(_ methods: [MethodHandler]) {
        var handlers: [String: MethodHandler] = [:]
        for m in methods { handlers[m.name] = m }
        self.handlers = handlers
    }

    subscript(name: String) -> MethodHandler? { handlers[name] }

    var names: [String] { handlers.keys.sorted() }

    /// Methods without an access rule, and rules without a method.
    func policyMismatches() -> (unruled: [String], unserved: [String]) {
        let served = Set(handlers.keys), ruled = Set(AccessPolicy.rules.keys)
        return (served.subtracting(ruled).sorted(), ruled.subtracting(served).sorted())
    }
}
