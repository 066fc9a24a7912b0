import AegisDomain

/// What kind of log an event is, in Sigma's logsource terms.
public struct EventLogSource: Sendable, Hashable {
    /// `windows`, `linux`, `macos`; nil when the event does not say.
    public var product: String?
    /// Sigma service (`security`, `sysmon`...); for a Windows channel Sigma
    /// has no service for, the channel itself, lower case; nil when unknown.
    public var service: String?
    /// Sigma categories the event belongs to (`process_creation`...).
    public var categories: [String]
    /// Whether `categories` is the whole truth: false for an event that could
    /// not be classified, which category rules are then evaluated against.
    public var categoriesKnown: Bool

    public init(product: String? = nil, service: String? = nil, categories: [String] = [], categoriesKnown: Bool = false) {
        self.product = product
        self.service = service
        self.categories = categories
        self.categoriesKnown = categoriesKnown
    }
}

/// A rule's logsource, normalized (lower case, empty values dropped).
public struct RuleLogSource: Sendable, Equatable, Hashable {
    public var product: String?
    public var service: String?
    public var category: String?

    public init(product: String? = nil, service: String? = nil, category: String? = nil) {
        func clean(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0.lowercased() } }
        self.product = clean(product)
        self.service = clean(service)
        self.category = clean(category)
    }

    init(_ map: [String: String]) { self.init(product: map["product"], service: map["service"], category: map["category"]) }
}

/// Routing of rules to events by log source (docs/DETECTION.md has the table).
public enum LogSourceRouting {
    /// Sysmon event ids → Sigma categories.
    static let sysmon: [Int64: [String]] = [
        1: ["process_creation"], 2: ["file_change"], 3: ["network_connection"], 4: ["sysmon_status"],
        5: ["process_termination"], 6: ["driver_load"], 7: ["image_load"], 8: ["create_remote_thread"],
        9: ["raw_access_thread"], 10: ["process_access"], 11: ["file_event"],
        12: ["registry_event", "registry_add", "registry_delete"], 13: ["registry_event", "registry_set"],
        14: ["registry_event", "registry_rename"], 15: ["create_stream_hash"], 16: ["sysmon_status"],
        17: ["pipe_created"], 18: ["pipe_created"], 19: ["wmi_event"], 20: ["wmi_event"], 21: ["wmi_event"],
        22: ["dns_query"], 23: ["file_delete"], 24: ["clipboard_capture"], 25: ["process_tampering"],
        26: ["file_delete", "file_delete_detected"], 27: ["file_block_executable"], 28: ["file_block_shredding"],
        29: ["file_executable_detected"], 255: ["sysmon_error"],
    ]

    /// Categories of other channels' event ids, by service.
    static let byService: [String: [Int64: [String]]] = [
        "security": [4688: ["process_creation"]],
        "powershell": [4103: ["ps_module"], 4104: ["ps_script"]],
        "powershell-classic": [400: ["ps_classic_start"], 600: ["ps_classic_provider_start"], 800: ["ps_classic_script"]],
    ]

    /// Sigma Windows services → event log channel.
    public static let windowsServices: [String: String] = [
        "security": "Security", "system": "System", "application": "Application",
        "sysmon": "Microsoft-Windows-Sysmon/Operational",
        "powershell": "Microsoft-Windows-PowerShell/Operational", "powershell-classic": "Windows PowerShell",
        "taskscheduler": "Microsoft-Windows-TaskScheduler/Operational",
        "windefend": "Microsoft-Windows-Windows Defender/Operational",
        "wmi": "Microsoft-Windows-WMI-Activity/Operational",
        "bits-client": "Microsoft-Windows-Bits-Client/Operational",
        "codeintegrity-operational": "Microsoft-Windows-CodeIntegrity/Operational",
        "firewall-as": "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall",
        "appxdeployment-server": "Microsoft-Windows-AppXDeploymentServer/Operational",
        "lsa-server": "Microsoft-Windows-LSA/Operational", "msexchange-management": "MSExchange Management",
        "dns-server": "DNS Server", "dns-client": "Microsoft-Windows-DNS Client Events/Operational",
        "driver-framework": "Microsoft-Windows-DriverFrameworks-UserMode/Operational",
        "ntlm": "Microsoft-Windows-NTLM/Operational", "printservice-admin": "Microsoft-Windows-PrintService/Admin",
        "printservice-operational": "Microsoft-Windows-PrintService/Operational",
        "smbclient-security": "Microsoft-Windows-SmbClient/Security",
        "terminalservices-localsessionmanager": "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
        "openssh": "OpenSSH/Operational", "shell-core": "Microsoft-Windows-Shell-Core/Operational",
        "diagnosis-scripted": "Microsoft-Windows-Diagnosis-Scripted/Operational",
        "capi2": "Microsoft-Windows-CAPI2/Operational", "vhdmp": "Microsoft-Windows-VHDMP-Operational",
        "appmodel-runtime": "Microsoft-Windows-AppModel-Runtime/Admin",
        "ldap_debug": "Microsoft-Windows-LDAP-Client/Debug",
    ]

    static let channelToService: [String: String] = Dictionary(
        windowsServices.map { ($0.value.lowercased(), $0.key) }, uniquingKeysWith: { a, _ in a })

    /// Classifies an event by its fields: a Windows `Channel` (with
    /// `EventID`), else ECS `event.category`/`host.os.type`, else unknown.
    static func classify(_ fields: [String: Value]) -> EventLogSource {
        if let channel = fields["Channel"].flatMap(EventValues.firstString) {
            let service = channelToService[channel.lowercased()] ?? channel.lowercased()
            let eventID = fields["EventID"].flatMap(EventValues.firstString).flatMap { Int64($0) }
            var categories: [String] = []
            if let eventID {
                categories = (service == "sysmon" ? sysmon[eventID] : byService[service]?[eventID]) ?? []
            }
            return EventLogSource(product: "windows", service: service, categories: categories, categoriesKnown: true)
        }
        var source = EventLogSource()
        for key in ["host.os.type", "host.os.family", "os.type", "host.os.platform"] {
            if let os = fields[key].flatMap(EventValues.firstString)?.lowercased() {
                source.product = os == "darwin" || os == "macos" ? "macos" : os
                break
            }
        }
        if let category = fields["event.category"] {
            let names: [String] = if case .array(let items) = category { items.compactMap(EventValues.text) } else { EventValues.text(category).map { [$0] } ?? [] }
            let types: [String] = fields["event.type"].map { v in
                if case .array(let items) = v { items.compactMap(EventValues.text) } else { EventValues.text(v).map { [$0] } ?? [] }
            } ?? []
            var categories: [String] = []
            for name in names.map({ $0.lowercased() }) {
                switch name {
                case "process": categories += types.contains("start") ? ["process_creation"] : types.contains("end") ? ["process_termination"] : ["process_creation"]
                case "network": categories += fields["dns.question.name"] != nil ? ["dns_query", "dns"] : ["network_connection"]
                case "file": categories += types.contains("deletion") ? ["file_delete"] : ["file_event"]
                case "registry": categories += ["registry_event", "registry_set", "registry_add", "registry_delete"]
                case "driver": categories += ["driver_load"]
                case "library": categories += ["image_load"]
                default: break
                }
            }
            if !categories.isEmpty {
                source.categories = categories
                source.categoriesKnown = true
            }
        }
        return source
    }

    /// Whether a rule with this logsource can match an event of that one:
    /// each of product, service and category the rule names must agree with
    /// the event's, unless the event's is unknown.
    public static func applies(_ rule: RuleLogSource, to event: EventLogSource) -> Bool {
        if let product = rule.product, let eventProduct = event.product, product != eventProduct { return false }
        if let service = rule.service, let eventService = event.service, service != eventService { return false }
        if let category = rule.category, event.categoriesKnown, !event.categories.contains(category) { return false }
        return true
    }
}
