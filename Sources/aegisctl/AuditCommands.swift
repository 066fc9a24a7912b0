import AegisClient
import AegisWire
import ArgumentParser
import Foundation

enum AuditDisplay {
    static let columns: [(title: String, key: String, max: Int)] = [
        ("AT", "at", 20), ("ACTOR", "actor", 40), ("ACTION", "action", 28), ("ENTITY", "entity", 50),
        ("CHANGES", "changes_text", 100),
    ]

    static let timelineColumns: [(title: String, key: String, max: Int)] = [
        ("AT", "at", 20), ("ACTOR", "actor", 40), ("ACTION", "action", 28), ("CHANGES", "changes_text", 100),
    ]

    /// An audit entry with `entity` (`kind:id`) and `changes_text` added.
    static func row(_ entry: MessagePackValue) -> MessagePackValue {
        var m = entry.mapValue ?? [:]
        m.append(
            key: "entity", value: .string("\(Output.text(entry["entity_kind"])):\(Output.text(entry["entity_id"]))"))
        m.append(key: "changes_text", value: .string(Output.pairs(entry["changes"]?.mapValue ?? [:])))
        return .map(m)
    }
}

/// `aegisctl audit`: the append-only trail of who did what.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Search the audit trail (leads and admins).")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Entity kind: test, user, api_key, template, evidence...") var entityKind: String?
    @Option(name: .long, help: "Entity id.") var entityID: String?
    @Option(name: .long, help: "Actor, e.g. user:usr_... or api_key:key_...") var actor: String?
    @Option(name: .long, help: "Action, e.g. test.submit_red.") var action: String?
    @Option(name: .long, help: "At or after this time (ISO 8601).", transform: ISOTime.argument) var since: Date?
    @Option(name: .long, help: "Before this time (ISO 8601).", transform: ISOTime.argument) var until: Date?
    @Option(name: .long, help: "At most this many entries.") var limit: Int = 100

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("entity_kind", entityKind)
        params.put("entity_id", entityID)
        params.put("actor", actor)
        params.put("action", action)
        params.put("since", since)
        params.put("until", until)
        try reportingFailures {
            let items = try listAll(options.client(), "audit.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            Output.table(items.map(AuditDisplay.row), AuditDisplay.columns)
        }
    }
}

/// `aegisctl notifications`: what the signed-in user should act on.
struct NotificationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "Your notifications (a signed-in user's).",
        subcommands: [NotificationsList.self, NotificationsRead.self], defaultSubcommand: NotificationsList.self)
}

struct NotificationsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List your notifications.")
    @OptionGroup var options: GlobalOptions
    @Flag(name: .long, help: "Only those not read yet.") var unread = false
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func run() throws {
        var params: MessagePackMap = [:]
        if unread { params.put("unread_only", true) }
        try reportingFailures {
            let items = try listAll(options.client(), "notification.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            if items.isEmpty { return print(unread ? "no unread notifications" : "no notifications") }
            Output.table(
                items,
                [
                    ("ID", "id", 40), ("AT", "created_at", 20), ("KIND", "kind", 24), ("TEST", "test_id", 40),
                    ("READ", "read_at", 20), ("MESSAGE", "message", 100),
                ])
        }
    }
}

struct NotificationsRead: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "read", abstract: "Mark notifications read.")
    @OptionGroup var options: GlobalOptions
    @Flag(name: .long, help: "Every notification.") var all = false
    @Argument(help: "Notification ids (ntf_...).") var ids: [String] = []

    func validate() throws {
        guard all != !ids.isEmpty else { throw ValidationError("give notification ids, or --all (not both)") }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        if all { params.put("all", true) } else { params.put("ids", ids) }
        try reportingFailures {
            let result = try options.client().call("notification.mark_read", params)
            if options.json { return Output.json(result) }
            print("marked \(Output.text(result["marked"])) notification(s) read")
        }
    }
}
