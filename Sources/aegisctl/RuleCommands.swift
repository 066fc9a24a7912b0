import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl rule`: detection rules (Sigma, Elastic, native) and their state.
struct RuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule", abstract: "Detection rules: Sigma, Elastic and Aegis native.",
        subcommands: [
            RuleImport.self, RuleList.self, RuleGet.self, RuleSetState.self, RuleDelete.self, RuleTest.self,
            RuleBacktest.self,
        ])
}

enum RuleFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case sigma, elastic, native
}

enum RuleStateArgument: String, ExpressibleByArgument, CaseIterable {
    case enabled, disabled, clipped
}

enum RuleLevelArgument: String, ExpressibleByArgument, CaseIterable {
    case informational, low, medium, high, critical
}

/// Uploads rule files to `rule.import` in batches under the frame limit.
struct RuleImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import rule files (Sigma YAML, Elastic TOML, native YAML).",
        discussion: """
            A folder means every .yml, .yaml and .toml file inside it, recursively. Without --format, each \
            file's format is told apart by its content. Files go up in batches of at most --batch-bytes (and \
            2,000 files); a file is stored whole or not at all. Prints a line per rule and the totals; exits 1 \
            when any rule is invalid (unsupported rules are reported, not failed). Needs blue_lead.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "sigma, elastic or native (default: told apart by content).") var format: RuleFormatArgument?
    @Option(name: .long, help: "Most bytes of files per request.") var batchBytes: Int = 8 << 20
    @Argument(help: "Files or folders.") var paths: [String]

    func validate() throws {
        guard batchBytes >= 1024 else { throw ValidationError("--batch-bytes must be at least 1024") }
    }

    func run() throws {
        try reportingAllFailures {
            let files = try RuleFiles.collect(paths, extensions: ["yml", "yaml", "toml"])
            let batches = RuleFiles.batches(files, maxBytes: batchBytes, maxFiles: 2_000)
            let client = try options.client()
            client.timeout = .seconds(max(options.timeout, 120))
            var reports: [MessagePackValue] = []
            var totals: [String: Int64] = [:]
            for (index, batch) in batches.enumerated() {
                if batches.count > 1 {
                    Output.progress("importing batch \(index + 1) of \(batches.count) (\(reports.count) of \(files.count) files done)")
                }
                var uploads: [MessagePackValue] = []
                for file in batch {
                    uploads.append(["name": .string(file.url.lastPathComponent), "content": .binary(try LocalFiles.read(file.url.path))])
                }
                var params: MessagePackMap = ["files": .array(uploads)]
                params.put("format", format)
                let result = try client.call("rule.import", params)
                let lines = result["files"]?.arrayValue ?? []
                for (i, file) in batch.enumerated() {
                    var m = (i < lines.count ? lines[i].mapValue : nil) ?? [:]
                    m.append(key: "path", value: .string(file.label))
                    reports.append(.map(m))
                }
                for (key, value) in result["totals"]?.mapValue ?? [:] {
                    totals[Output.text(key), default: 0] += value.intValue ?? 0
                }
            }
            if batches.count > 1 { Output.endProgress() }
            let statuses = ["imported", "updated", "unchanged", "invalid", "unsupported"]
            if options.json {
                Output.json([
                    "files": .array(reports),
                    "totals": .map(MessagePackMap(statuses.map { (.string($0), .int(totals[$0] ?? 0)) })),
                ])
            } else {
                for report in reports { Self.printLines(report) }
                let rules = statuses.reduce(Int64(0)) { $0 + (totals[$1] ?? 0) }
                print(
                    "\(reports.count) file\(reports.count == 1 ? "" : "s"), \(rules) rule\(rules == 1 ? "" : "s"): "
                        + statuses.map { "\(totals[$0] ?? 0) \($0)" }.joined(separator: ", "))
            }
            if (totals["invalid"] ?? 0) > 0 { throw ExitCode.failure }
        }
    }

    /// A line per rule: status, id, the file, and why when refused.
    static func printLines(_ report: MessagePackValue) {
        let path = Output.text(report["path"])
        let format = report["format"]?.stringValue.map { " (\($0))" } ?? ""
        let rules = report["rules"]?.arrayValue ?? []
        for rule in rules {
            var line = Output.text(rule["status"]).padding(toLength: 12, withPad: " ", startingAt: 0)
            line += (rule["id"]?.stringValue ?? "-") + "  " + path + format
            if let reason = rule["reason"]?.stringValue { line += ": " + reason }
            print(line)
        }
        if rules.isEmpty { print("invalid     -  \(path)\(format): no rules") }
    }
}

/// Rule files on the caller's machine.
enum RuleFiles {
    struct File {
        var url: URL
        /// As given, or the folder given plus the path inside it: what is printed.
        var label: String
        var size: Int
    }

    /// Files as given, and folders' files with one of `extensions`, recursively, sorted.
    static func collect(_ paths: [String], extensions: Set<String>) throws -> [File] {
        var out: [File] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            guard isDirectory.boolValue else {
                out.append(File(url: url, label: path, size: size(url)))
                continue
            }
            let root = url.standardizedFileURL.resolvingSymlinksInPath()
            var found: [File] = []
            let walker = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            while let item = walker?.nextObject() as? URL {
                guard extensions.contains(item.pathExtension.lowercased()),
                    (try? item.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
                else { continue }
                let full = item.resolvingSymlinksInPath().path
                let relative = full.hasPrefix(root.path + "/") ? String(full.dropFirst(root.path.count + 1)) : full
                found.append(File(url: item, label: (path.hasSuffix("/") ? path : path + "/") + relative, size: size(item)))
            }
            out += found.sorted { $0.label < $1.label }
        }
        guard !out.isEmpty else {
            throw ValidationError("no \(extensions.sorted().map { "." + $0 }.joined(separator: ", ")) files to import")
        }
        return out
    }

    static func batches(_ files: [File], maxBytes: Int, maxFiles: Int) -> [[File]] {
        var out: [[File]] = []
        var current: [File] = []
        var bytes = 0
        for file in files {
            if !current.isEmpty && (bytes + file.size > maxBytes || current.count >= maxFiles) {
                out.append(current)
                current = []
                bytes = 0
            }
            current.append(file)
            bytes += file.size
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private static func size(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }
}

struct RuleList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List rules by id.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "ATT&CK technique id, e.g. T1059.001.") var technique: String?
    @Option(name: .long, help: "sigma, elastic or native.") var format: RuleFormatArgument?
    @Option(name: .long, help: "The state in force: enabled, disabled or clipped.") var state: RuleStateArgument?
    @Option(name: .long, help: "true: rules Aegis evaluates; false: Elastic's.") var evaluable: Bool?
    @Option(name: .long, help: "informational, low, medium, high or critical.") var level: RuleLevelArgument?
    @Option(name: [.long, .customShort("q")], help: "Text in the id or name, any case.") var query: String?
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("technique_id", technique)
        params.put("format", format)
        params.put("state", state)
        params.put("evaluable", evaluable)
        params.put("level", level)
        params.put("q", query)
        try reportingFailures {
            let items = try listAll(options.client(), "rule.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            if items.isEmpty { return print("no rules") }
            let rows = items.map { item -> MessagePackValue in
                var m = item.mapValue ?? [:]
                m["state_text"] = .string(RuleDisplay.state(item["state"]))
                return .map(m)
            }
            Output.table(
                rows,
                [
                    ("ID", "id", 40), ("FORMAT", "format", 7), ("LEVEL", "level", 13), ("STATE", "state_text", 20),
                    ("TECHNIQUES", "technique_ids", 30), ("NAME", "name", 70),
                ])
        }
    }
}

struct RuleGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a rule.")
    @OptionGroup var options: GlobalOptions
    @Flag(name: .long, help: "Print the rule's source text too.") var source = false
    @Argument(help: "Rule id.") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("rule.get", ["id": .string(id)])
            var m = result.mapValue ?? [:]
            if !source { m["source"] = nil }
            if options.json { return Output.json(.map(m)) }
            m["state_text"] = .string(RuleDisplay.state(result["state"], long: true))
            m["logsource_text"] = .string(Output.text(result["logsource"]))
            Output.fields(
                .map(m),
                [
                    ("id", "id"), ("name", "name"), ("format", "format"), ("level", "level"), ("status", "status"),
                    ("evaluable", "evaluable"), ("techniques", "technique_ids"), ("tactics", "tactic_ids"),
                    ("logsource", "logsource_text"), ("state", "state_text"), ("origin", "origin"),
                    ("file", "source_name"), ("rule version", "rule_version"), ("revision", "revision"),
                    ("version", "version"), ("created", "created_at"), ("updated", "updated_at"),
                ])
            if let description = result["description"]?.stringValue, !description.isEmpty { print("\n" + description) }
            if source, let text = result["source"]?.stringValue { print("\n" + text) }
        }
    }
}

/// How rule states read.
enum RuleDisplay {
    /// `clipped ≤ 40 until 2026-…` (and, long, who set it, when and why).
    static func state(_ value: MessagePackValue?, long: Bool = false) -> String {
        guard let value else { return "" }
        var text = Output.text(value["state"])
        if let cap = value["confidence_max"]?.intValue { text += " ≤ \(cap)" }
        if let until = value["expires_at"], until != .nil { text += " until " + Output.text(until) }
        guard long else { return text }
        if let by = value["set_by"]?.stringValue { text += ", set by \(by)" }
        if let at = value["set_at"], at != .nil { text += " at " + Output.text(at) }
        if let reason = value["reason"]?.stringValue { text += ": " + reason }
        return text
    }
}

struct RuleSetState: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Enable, disable or clip a rule (blue_lead).",
        discussion: """
            clipped caps the confidence of its detections at --confidence-max. With --expires-at or --for, the \
            state reverts to enabled when the time comes. Reads the rule's version first.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Rule id.") var id: String
    @Option(name: .customLong("set"), help: "enabled, disabled or clipped.") var state: RuleStateArgument
    @Option(name: .long, help: "For clipped: the most confidence it fires with (0 to 100).") var confidenceMax: Int?
    @Option(name: .long, help: "When it reverts to enabled (ISO 8601).", transform: ISOTime.argument)
    var expiresAt: Date?
    @Option(name: .customLong("for"), help: "How long until it reverts to enabled: 90m, 12h, 7d, 1h30m.")
    var duration: String?
    @Option(name: .long, help: "Why (kept with the state and in the audit log).") var reason: String?

    func validate() throws {
        if expiresAt != nil && duration != nil { throw ValidationError("give --expires-at or --for, not both") }
        if let duration, Durations.seconds(duration) == nil {
            throw ValidationError("--for takes a duration such as 90s, 30m, 12h, 7d or 1h30m")
        }
    }

    func run() throws {
        try reportingFailures {
            let client = try options.client()
            let rule = try client.call("rule.get", ["id": .string(id)])
            var params: MessagePackMap = [
                "id": .string(id), "version": .int(rule["version"]?.intValue ?? 0), "state": .string(state.rawValue),
            ]
            params.put("confidence_max", confidenceMax)
            params.put("expires_at", expiresAt ?? duration.flatMap(Durations.seconds).map { Date().addingTimeInterval($0) })
            params.put("reason", reason)
            let result = try client.call("rule.set_state", params)
            if options.json { return Output.json(result) }
            print("\(Output.text(result["id"])): \(RuleDisplay.state(result["state"], long: true))")
        }
    }
}

extension Durations {
    /// `90s`, `30m`, `12h`, `7d`, `2w`, `1h30m` in seconds; nil for anything else.
    static func seconds(_ text: String) -> Double? {
        var total = 0.0
        var number = ""
        for c in text {
            if c.isASCII && c.isNumber {
                number.append(c)
                continue
            }
            guard let n = Double(number) else { return nil }
            switch c {
            case "s": total += n
            case "m": total += n * 60
            case "h": total += n * 3600
            case "d": total += n * 86_400
            case "w": total += n * 604_800
            default: return nil
            }
            number = ""
        }
        return number.isEmpty && total > 0 ? total : nil
    }
}

struct RuleDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete an imported rule (blue_lead); reads its version first.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Rule id.") var id: String

    func run() throws {
        try reportingFailures {
            let client = try options.client()
            let rule = try client.call("rule.get", ["id": .string(id)])
            _ = try client.call("rule.delete", ["id": .string(id), "version": .int(rule["version"]?.intValue ?? 0)])
            if options.json { return Output.json(["id": .string(id), "deleted": true]) }
            print("deleted rule \(id)")
        }
    }
}
