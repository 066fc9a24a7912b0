import AegisWire

/// What the plugin reads of an Aegis test.
struct AegisTest: Sendable, Equatable {
    var id: String
    var version: Int64
    var state: String
    var techniqueID: String
    /// These are nil or empty when the test is redacted for the plugin.
    var name: String
    var command: String
    var executor: String
    var platform: String
    var templateID: String?
    var targets: [String]
    var sourceRef: String?

    init?(_ value: MessagePackValue) {
        guard let id = value["id"]?.stringValue, let version = value["version"]?.intValue,
            let state = value["state"]?.stringValue
        else { return nil }
        self.id = id
        self.version = version
        self.state = state
        techniqueID = value["technique_id"]?.stringValue ?? ""
        name = value["name"]?.stringValue ?? ""
        command = value["command"]?.stringValue ?? ""
        executor = value["executor"]?.stringValue ?? ""
        platform = value["platform"]?.stringValue ?? ""
        templateID = value["template_id"]?.stringValue
        targets = value["targets"]?.arrayValue?.compactMap(\.stringValue) ?? []
        sourceRef = value["source_ref"]?.stringValue
    }

    /// Red has not submitted yet: the states before `blue_pending`.
    var awaitsRed: Bool { ["draft", "ready", "red_running", "red_paused"].contains(state) }
}
