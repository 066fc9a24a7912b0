import AegisDomain
import Foundation

/// Turns an event map into lookup names → values (docs/DETECTION.md, "Field
/// resolution"):
/// - a Windows event (`Event.System`, `Event.EventData`, as SigmaHQ's
///   regression data and evtx converters write it) gives its System values
///   under their own names (`EventID`, `Channel`, `Computer`), attributes as
///   `Provider_Name`, `TimeCreated_SystemTime`, `Security_UserID`; its
///   EventData values under their names, from a map or from `Data` entries
///   with `@Name`/`Name`/`#attributes.Name` and `#text`; UserData leaves by
///   their names;
/// - anything else is flattened to dotted paths (`process.command_line`),
///   arrays of scalars kept as arrays, arrays of maps merged per path.
enum EventFlattener {
    struct Flat {
        var fields: [String: Value] = [:]
        var windows = false
        var leaves = 0
    }

    static func flatten(_ root: [String: Value]) throws(TelemetryEventError) -> Flat {
        var flat = Flat()
        if case .map(let event)? = root["Event"], case .map(let system)? = event["System"] {
            flat.windows = true
            try windows(event: event, system: system, into: &flat)
            for (key, value) in root where key != "Event" { try generic(key, value, depth: 1, into: &flat) }
        } else {
            for (key, value) in root { try generic(key, value, depth: 1, into: &flat) }
        }
        return flat
    }

    private static func windows(event: [String: Value], system: [String: Value], into flat: inout Flat) throws(TelemetryEventError) {
        // EventData first: its names win over System's.
        if let data = event["EventData"] { try eventData(data, into: &flat) }
        if case .map(let user)? = event["UserData"] { try leaves(of: user, depth: 3, into: &flat) }
        for (key, value) in system {
            switch value {
            case .map(let inner):
                if let text = inner["#text"] { set(key, text, &flat) }
                for (attribute, attributeValue) in inner where attribute != "#text" {
                    if attribute == "#attributes", case .map(let attributes) = attributeValue {
                        for (name, v) in attributes where isScalar(v) { set("\(key)_\(name)", v, &flat) }
                    } else if isScalar(attributeValue) {
                        set("\(key)_\(attribute.hasPrefix("@") ? String(attribute.dropFirst()) : attribute)", attributeValue, &flat)
                    }
                }
            default:
                if isScalar(value) { set(key, value, &flat) }
            }
            try count(&flat)
        }
        for (key, value) in event where !["System", "EventData", "UserData", "#attributes"].contains(key) {
            try generic("Event.\(key)", value, depth: 2, into: &flat)
        }
    }

    private static func eventData(_ data: Value, into flat: inout Flat) throws(TelemetryEventError) {
        guard case .map(let map) = data else {
            if isScalar(data) { set("EventData", data, &flat) }
            return
        }
        for (key, value) in map where key != "#attributes" {
            if key == "Data" {
                let items: [Value] = if case .array(let a) = value { a } else { [value] }
                for item in items {
                    try count(&flat)
                    guard case .map(let entry) = item else {
                        if isScalar(item) { append("Data", item, &flat) }
                        continue
                    }
                    let name = entry["@Name"]?.stringValue ?? entry["Name"]?.stringValue
                        ?? entry["#attributes"]?.mapValue?["Name"]?.stringValue
                    let text = entry["#text"] ?? entry["value"] ?? .null
                    if let name {
                        set(name, text, &flat)
                        if name.contains(" ") { set(name.replacingOccurrences(of: " ", with: ""), text, &flat) }
                    } else if isScalar(text) { append("Data", text, &flat) }
                }
                continue
            }
            if case .map(let inner) = value, let text = inner["#text"] {
                set(key, text, &flat)
            } else {
                try generic(key, value, depth: 3, into: &flat)
            }
            // Defender and others name fields with spaces ("Threat Name");
            // Sigma's names drop them (ThreatName).
            if key.contains(" "), let stored = flat.fields[key] { set(key.replacingOccurrences(of: " ", with: ""), stored, &flat) }
        }
    }

    /// Every scalar under `map`, by its own key (first one wins).
    private static func leaves(of map: [String: Value], depth: Int, into flat: inout Flat) throws(TelemetryEventError) {
        guard depth <= TelemetryEvent.maxDepth else { throw tooDeep() }
        for (key, value) in map {
            switch value {
            case .map(let inner): try leaves(of: inner, depth: depth + 1, into: &flat)
            case .array: try generic(key, value, depth: depth + 1, into: &flat)
            default:
                try count(&flat)
                if flat.fields[key] == nil { flat.fields[key] = value }
            }
        }
    }

    static func generic(_ path: String, _ value: Value, depth: Int, into flat: inout Flat) throws(TelemetryEventError) {
        guard depth <= TelemetryEvent.maxDepth else { throw tooDeep() }
        switch value {
        case .map(let map):
            for (key, inner) in map { try generic("\(path).\(key)", inner, depth: depth + 1, into: &flat) }
        case .array(let items):
            if items.allSatisfy(isScalar) {
                flat.leaves += items.count
                try count(&flat)
                append(path, items, &flat)
            } else {
                for item in items { try generic(path, item, depth: depth + 1, into: &flat) }
            }
        default:
            try count(&flat)
            append(path, [value], &flat)
        }
    }

    private static func isScalar(_ value: Value) -> Bool {
        switch value {
        case .map, .array: false
        default: true
        }
    }

    private static func set(_ key: String, _ value: Value, _ flat: inout Flat) {
        if flat.fields[key] == nil { flat.fields[key] = value }
    }

    /// Adds values under `key`, making an array when it already holds some.
    private static func append(_ key: String, _ values: [Value], _ flat: inout Flat) {
        // Taken out first, so the array is appended to in place (not copied
        // once per value: an event repeating a key must stay linear).
        guard let existing = flat.fields.removeValue(forKey: key) else {
            flat.fields[key] = values.count == 1 ? values[0] : .array(values)
            return
        }
        if case .array(var old) = existing {
            old.append(contentsOf: values)
            flat.fields[key] = .array(old)
        } else {
            flat.fields[key] = .array([existing] + values)
        }
    }

    private static func append(_ key: String, _ value: Value, _ flat: inout Flat) { append(key, [value], &flat) }

    private static func count(_ flat: inout Flat) throws(TelemetryEventError) {
        flat.leaves += 1
        guard flat.leaves <= TelemetryEvent.maxFields else {
            throw TelemetryEventError("the event has more than \(TelemetryEvent.maxFields) values")
        }
    }

    private static func tooDeep() -> TelemetryEventError {
        TelemetryEventError("the event nests deeper than \(TelemetryEvent.maxDepth) levels")
    }
}
