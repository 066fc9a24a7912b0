import AegisDomain
import Synchronization

/// How a rule's field name finds an event value (docs/DETECTION.md): the
/// name itself; without an `Event.EventData.`/`Event.System.` prefix; an
/// ECS or Security-log equivalent of a Sysmon name; `winlog.event_data.<name>`;
/// finally the same name in another case.
enum FieldResolver {
    static let prefixes = ["Event.EventData.", "Event.System.", "EventData.", "System."]

    static let aliases: [String: [String]] = [
        "Image": ["process.executable", "NewProcessName"],
        "CommandLine": ["process.command_line"],
        "ParentImage": ["process.parent.executable", "ParentProcessName"],
        "ParentCommandLine": ["process.parent.command_line"],
        "OriginalFileName": ["process.pe.original_file_name"],
        "CurrentDirectory": ["process.working_directory"],
        "ProcessId": ["process.pid"], "ParentProcessId": ["process.parent.pid"],
        "User": ["user.name"], "Company": ["process.pe.company"], "Description": ["process.pe.description"],
        "Product": ["process.pe.product"], "TargetFilename": ["file.path"], "ImageLoaded": ["dll.path", "file.path"],
        "TargetObject": ["registry.path"], "Details": ["registry.data.strings"],
        "DestinationIp": ["destination.ip"], "DestinationPort": ["destination.port"],
        "DestinationHostname": ["destination.domain"], "SourceIp": ["source.ip"], "SourcePort": ["source.port"],
        "QueryName": ["dns.question.name"], "EventID": ["event.code", "winlog.event_id"],
        "Channel": ["winlog.channel"], "Provider_Name": ["winlog.provider_name"],
        "Computer": ["host.name", "winlog.computer_name"], "ScriptBlockText": ["powershell.file.script_block_text"],
    ]

    static func lookup(_ name: String, in event: TelemetryEvent, lowered: () -> [String: String]) -> Value? {
        let fields = event.fields
        if let v = fields[name] { return v }
        for prefix in prefixes where name.hasPrefix(prefix) {
            if let v = fields[String(name.dropFirst(prefix.count))] { return v }
        }
        if let names = aliases[name] {
            for alias in names { if let v = fields[alias] { return v } }
        }
        if let v = fields["winlog.event_data." + name] { return v }
        if let key = lowered()[name.lowercased()] { return fields[key] }
        return nil
    }
}

/// A field of one event as rules test it, resolved once per evaluation:
/// its texts, and lazily their lower-cased and raw UTF-8 bytes.
final class ResolvedField {
    /// Whether the event has the field at all (a null value counts).
    let present: Bool
    /// Present with no value but null.
    let isNull: Bool
    /// The scalar values as text (an array gives several).
    let texts: [String]
    private var loweredCache: [[UInt8]]?
    private var rawCache: [[UInt8]]?

    init(_ value: Value?) {
        present = value != nil
        switch value {
        case .array(let items)?:
            texts = items.compactMap(EventValues.text)
            isNull = texts.isEmpty
        case let v?:
            let text = EventValues.text(v)
            texts = text.map { [$0] } ?? []
            isNull = text == nil
        case nil:
            texts = []
            isNull = false
        }
    }

    var lowered: [[UInt8]] {
        if let loweredCache { return loweredCache }
        let made = texts.map { Array($0.lowercased().utf8) }
        loweredCache = made
        return made
    }

    var raw: [[UInt8]] {
        if let rawCache { return rawCache }
        let made = texts.map { Array($0.utf8) }
        rawCache = made
        return made
    }

}

/// Field names numbered process-wide when rules compile, so an evaluation
/// caches resolved fields in an array instead of hashing names per test.
/// The table is bounded (rules tried with `rule.test` name fields too): past
/// `capacity` names, a field gets no number and is cached by name.
enum FieldSlots {
    private static let table = Mutex<[String: Int]>([:])
    static let capacity = 4_096

    /// The field's number, or -1 once the table is full.
    static func slot(_ name: String) -> Int {
        table.withLock { table in
            if let slot = table[name] { return slot }
            guard table.count < capacity else { return -1 }
            let slot = table.count
            table[name] = slot
            return slot
        }
    }
}

/// One evaluation's state: the event, fields resolved so far, the regex
/// scratch (made on first use) and what happened (regex limit hits).
final class EvaluationContext {
    let event: TelemetryEvent
    let limits: EngineLimits
    private var cache: [String: ResolvedField] = [:]
    private var slots: [ResolvedField?] = []
    private var loweredNames: [String: String]?
    private var scratch: RegexScratch?
    private var everyText: [ResolvedField]?
    var regexLimitHits = 0

    private let pool: RegexScratchPool?

    init(event: TelemetryEvent, limits: EngineLimits, pool: RegexScratchPool? = nil) {
        self.event = event
        self.limits = limits
        self.pool = pool
    }

    deinit {
        if let scratch, let pool { pool.give(scratch) }
    }

    func field(_ name: String) -> ResolvedField {
        if let hit = cache[name] { return hit }
        let resolved = ResolvedField(FieldResolver.lookup(name, in: event, lowered: loweredFieldNames))
        cache[name] = resolved
        return resolved
    }

    /// The field numbered `slot` (see `FieldSlots`), named `name`.
    func field(_ name: String, slot: Int) -> ResolvedField {
        guard slot >= 0 else { return field(name) }
        if slot < slots.count, let hit = slots[slot] { return hit }
        let resolved = field(name)
        if slot >= slots.count { slots.append(contentsOf: repeatElement(nil, count: slot + 1 - slots.count)) }
        slots[slot] = resolved
        return resolved
    }

    private func loweredFieldNames() -> [String: String] {
        if let loweredNames { return loweredNames }
        var made: [String: String] = [:]
        for key in event.fields.keys { made[key.lowercased()] = made[key.lowercased()] ?? key }
        loweredNames = made
        return made
    }

    /// Every field of the event, for keyword searches.
    var allFields: [ResolvedField] {
        if let everyText { return everyText }
        let made = event.fields.keys.sorted().map { field($0) }
        everyText = made
        return made
    }

    var regexScratch: RegexScratch {
        if let scratch { return scratch }
        let made = pool?.take() ?? RegexScratch(limits: limits)
        scratch = made
        return made
    }
}
