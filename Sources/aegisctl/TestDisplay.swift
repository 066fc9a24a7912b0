import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// How `aegisctl test` commands print tests, timelines and lists.
enum TestDisplay {
    static let columns: [(title: String, key: String, max: Int)] = [
        ("ID", "id", 40), ("TECHNIQUE", "technique_id", 10), ("STATE", "state", 19), ("OUTCOME", "outcome", 9),
        ("VERSION", "version", 7), ("UPDATED", "updated_at", 20), ("NAME", "name", 50),
    ]

    /// Every field of a test, nested results summarised on one line each.
    static func show(_ test: MessagePackValue) {
        guard var m = test.mapValue else { return Output.json(test) }
        if let red = test["red"]?.mapValue {
            m.append(
                key: "red_summary", value: .string(summary(red, ["outcome", "attack_started_at", "attack_stopped_at"])))
            m.append(key: "red_commands", value: red["commands"] ?? .nil)
            m.append(key: "red_notes", value: red["notes"] ?? .nil)
        }
        if let blue = test["blue"]?.mapValue {
            m.append(
                key: "blue_summary",
                value: .string(summary(blue, ["prevented", "alerted", "alert_severity", "logged", "detected_at"])))
            m.append(key: "blue_tools", value: blue["detecting_tools"] ?? .nil)
            m.append(key: "blue_notes", value: blue["notes"] ?? .nil)
        }
        let approvals = test["approvals"]?.mapValue ?? [:]
        let signed = ["red", "blue"].compactMap { side -> String? in
            guard let a = approvals[side]?.mapValue else { return nil }
            return "\(side) by \(Output.text(a["by"])) at \(Output.text(a["at"]))"
        }
        if !signed.isEmpty { m.append(key: "approved", value: .string(signed.joined(separator: "; "))) }
        if let r = test["last_rejection"]?.mapValue {
            m.append(
                key: "rejection",
                value: .string(
                    "\(Output.text(r["side"])) by \(Output.text(r["by"])) at \(Output.text(r["at"])): \(Output.text(r["reason"]))"
                ))
        }
        if let r = test["remediation"]?.mapValue {
            let text = summary(r, ["owner", "due_at", "done_at"])
            if !text.isEmpty { m.append(key: "remediation_summary", value: .string(text)) }
        }
        Output.fields(
            .map(m),
            [
                ("id", "id"), ("version", "version"), ("technique", "technique_id"), ("name", "name"),
                ("state", "state"),
                ("outcome", "outcome"), ("blind", "blind"), ("redacted", "redacted"), ("assignees", "assignees"),
                ("targets", "targets"),
                ("platform", "platform"), ("executor", "executor"), ("command", "command"),
                ("expected detection", "expected_detection"), ("template", "template_id"),
                ("retest of", "retest_of"), ("source", "source_ref"), ("chain", "chain"), ("retests", "retests"), ("red", "red_summary"),
                ("red commands", "red_commands"), ("red notes", "red_notes"), ("blue", "blue_summary"),
                ("blue tools", "blue_tools"), ("blue notes", "blue_notes"), ("approved", "approved"),
                ("rejected", "rejection"), ("remediation", "remediation_summary"), ("started", "started_at"),
                ("active seconds", "active_seconds"), ("validated", "validated_at"), ("cancelled", "cancelled_at"),
                ("cancel reason", "cancel_reason"), ("reopen reason", "reopen_reason"), ("created", "created_at"),
                ("created by", "created_by"), ("updated", "updated_at"),
            ])
        if let procedure = test["procedure"]?.stringValue, !procedure.isEmpty { print("\n" + procedure) }
    }

    /// `key=value` for the keys that have a value.
    static func summary(_ m: MessagePackMap, _ keys: [String]) -> String {
        keys.compactMap { key in
            let text = Output.text(m[key])
            return text.isEmpty ? nil : "\(key)=\(text)"
        }.joined(separator: " ")
    }

    /// One line after a change: where the test is now.
    static func moved(_ test: MessagePackValue) {
        var line =
            "\(Output.text(test["id"])) is \(Output.text(test["state"])) (version \(Output.text(test["version"])))"
        if let outcome = test["outcome"]?.stringValue { line += ", outcome \(outcome)" }
        print(line)
    }
}
