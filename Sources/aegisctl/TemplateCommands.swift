import AegisClient
import AegisWire
import ArgumentParser
import Foundation

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template", abstract: "Test templates: Atomic Red Team tests and Caldera abilities.",
        subcommands: [TemplateImport.self, TemplateGet.self, TemplateList.self, TemplateDelete.self])
}

enum ImportFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case atomic, caldera
}

/// Uploads YAML files to `template.import` in batches that stay well under
/// the frame limit.
struct TemplateImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Atomic Red Team technique files or Caldera abilities (YAML).",
        discussion: """
            A folder means every .yaml and .yml file inside it, recursively. Without --format, a file with \
            `atomic_tests:` is read as Atomic Red Team and any other as Caldera. Files go up in batches of at most \
            --batch-bytes; each batch is imported on its own, so an earlier batch stays imported if a later one \
            is refused. Importing a file again updates its templates.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "atomic or caldera (default: told apart by content).") var format: ImportFormatArgument?
    @Argument(help: "Files or folders.") var paths: [String]
    @Option(name: .long, help: "Most bytes of files per request.") var batchBytes: Int = 8 << 20

    struct File {
        var url: URL
        /// As given, or relative to the folder given: what is printed.
        var label: String
        var size: Int
    }

    func validate() throws {
        guard batchBytes >= 1024 else { throw ValidationError("--batch-bytes must be at least 1024") }
    }

    /// Atomic Red Team technique files say `atomic_tests:`; Caldera's don't.
    static func detectFormat(_ content: Data) -> ImportFormatArgument {
        content.range(of: Data("atomic_tests:".utf8)) != nil ? .atomic : .caldera
    }

    func run() throws {
        let files = try collect()
        var batches: [(format: ImportFormatArgument, files: [File])] = []
        for format in ImportFormatArgument.allCases {
            let mine = try files.filter { file in
                if let chosen = self.format { return chosen == format }
                return Self.detectFormat(try read(file)) == format
            }
            var current: [File] = []
            var currentBytes = 0
            for file in mine {
                if !current.isEmpty && currentBytes + file.size > batchBytes {
                    batches.append((format, current))
                    current = []
                    currentBytes = 0
                }
                current.append(file)
                currentBytes += file.size
            }
            if !current.isEmpty { batches.append((format, current)) }
        }

        try reportingAllFailures {
            let client = try options.client()
            client.timeout = .seconds(max(options.timeout, 120))
            var reports: [MessagePackValue] = []
            var added: Int64 = 0
            var updated: Int64 = 0
            var unchanged: Int64 = 0
            for (index, (format, batch)) in batches.enumerated() {
                Output.progress(
                    "importing batch \(index + 1) of \(batches.count) (\(batch.count) file(s), \(reports.count) of \(files.count) done)"
                )
                var uploads: [MessagePackValue] = []
                for file in batch {
                    uploads.append(["name": .string(file.url.lastPathComponent), "content": .binary(try read(file))])
                }
                let result = try client.call(
                    "template.import", ["format": .string(format.rawValue), "files": .array(uploads)])
                let results = result["files"]?.arrayValue ?? []
                for (i, file) in batch.enumerated() {
                    var m = (i < results.count ? results[i].mapValue : nil) ?? ["status": "unknown"]
                    m.append(key: "path", value: .string(file.label))
                    reports.append(.map(m))
                }
                added += result["added"]?.intValue ?? 0
                updated += result["updated"]?.intValue ?? 0
                unchanged += result["unchanged"]?.intValue ?? 0
            }
            Output.endProgress()
            if options.json {
                return Output.json([
                    "files": .array(reports), "added": .int(added), "updated": .int(updated),
                    "unchanged": .int(unchanged),
                ])
            }
            var counts: [String: Int] = [:]
            var templates: Int64 = 0
            for report in reports {
                let status = Output.text(report["status"])
                counts[status, default: 0] += 1
                templates += report["imported"]?.intValue ?? 0
                var line = status.padding(toLength: 9, withPad: " ", startingAt: 0) + Output.text(report["path"])
                switch status {
                case "imported":
                    line += "  (\(Output.text(report["imported"])) template(s)"
                    let skipped = report["skipped"]?.arrayValue?.count ?? 0
                    line += skipped > 0 ? ", \(skipped) entr\(skipped == 1 ? "y" : "ies") skipped)" : ")"
                case "invalid":
                    line += ": \(Output.text(report["error"]))"
                case "skipped":
                    if let first = report["skipped"]?.arrayValue?.first {
                        line += ": \(Output.text(first["reason"]))"
                    }
                default: break
                }
                print(line)
            }
            print(
                "\(reports.count) file(s): \(counts["imported"] ?? 0) imported, \(counts["skipped"] ?? 0) skipped, "
                    + "\(counts["invalid"] ?? 0) invalid; \(templates) template(s): added \(added), updated \(updated), "
                    + "unchanged \(unchanged)")
        }
    }

    private func read(_ file: File) throws -> Data {
        do {
            return try Data(contentsOf: file.url)
        } catch {
            throw LocalFailure("cannot read \(file.url.path): \(error.localizedDescription)")
        }
    }

    private func collect() throws -> [File] {
        var out: [File] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            guard isDirectory.boolValue else {
                out.append(File(url: url, label: path, size: try size(url)))
                continue
            }
            let root = url.standardizedFileURL.resolvingSymlinksInPath()
            var found: [File] = []
            let enumerator = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            while let item = enumerator?.nextObject() as? URL {
                let ext = item.pathExtension.lowercased()
                guard ext == "yaml" || ext == "yml",
                    (try? item.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
                else { continue }
                let full = item.resolvingSymlinksInPath().path
                let relative = full.hasPrefix(root.path + "/") ? String(full.dropFirst(root.path.count + 1)) : full
                let label = (path.hasSuffix("/") ? path : path + "/") + relative
                found.append(File(url: item, label: label, size: try size(item)))
            }
            out += found.sorted { $0.label < $1.label }
        }
        guard !out.isEmpty else { throw ValidationError("no .yaml or .yml files to import") }
        return out
    }

    private func size(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }
}

struct TemplateGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a template.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Template id (tpl_...).") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("template.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            var m = result.mapValue ?? [:]
            let source = result["source"]?.mapValue ?? [:]
            m.append(key: "source_text", value: .string(TestDisplay.summary(source, ["format", "source_id", "file"])))
            let inputs = (result["inputs"]?.arrayValue ?? []).map { input -> String in
                let d = input["default"].map { Output.text($0) } ?? ""
                return "\(Output.text(input["name"]))" + (d.isEmpty ? "" : "=\(d)")
            }
            m.append(key: "inputs_text", value: .string(inputs.joined(separator: ", ")))
            Output.fields(
                .map(m),
                [
                    ("id", "id"), ("version", "version"), ("technique", "technique_id"), ("name", "name"),
                    ("source", "source_text"), ("inputs", "inputs_text"), ("created", "created_at"),
                    ("updated", "updated_at"),
                ])
            for executor in result["executors"]?.arrayValue ?? [] {
                print(
                    "\nexecutor \(Output.text(executor["name"])) on \(Output.text(executor["platforms"]))"
                        + (executor["elevation_required"]?.boolValue == true ? " (elevated)" : "") + ":")
                print(
                    Output.text(executor["command"]).split(separator: "\n", omittingEmptySubsequences: false)
                        .map { "    " + $0 }.joined(separator: "\n"))
                if let cleanup = executor["cleanup"]?.stringValue, !cleanup.isEmpty {
                    print("  cleanup:")
                    print(
                        cleanup.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
                            .joined(separator: "\n"))
                }
            }
            if let description = result["description"]?.stringValue, !description.isEmpty { print("\n" + description) }
        }
    }
}

struct TemplateList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List templates.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Technique id.") var technique: String?
    @Option(name: .long, help: "Where they came from.") var format: TemplateFormatArgument?
    @Option(name: [.long, .customShort("q")], help: "Text in the name or description.") var query: String?
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("technique_id", technique)
        params.put("format", format)
        params.put("q", query)
        try reportingFailures {
            let items = try listAll(options.client(), "template.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            let rows = items.map { item -> MessagePackValue in
                var m = item.mapValue ?? [:]
                m.append(key: "format", value: item["source"]?["format"] ?? .nil)
                m.append(
                    key: "executor_names",
                    value: .array((item["executors"]?.arrayValue ?? []).map { $0["name"] ?? .nil }))
                return .map(m)
            }
            Output.table(
                rows,
                [
                    ("ID", "id", 40), ("TECHNIQUE", "technique_id", 10), ("FORMAT", "format", 8),
                    ("VERSION", "version", 7), ("EXECUTORS", "executor_names", 30), ("NAME", "name", 70),
                ])
        }
    }
}

struct TemplateDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a template.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Template id.") var id: String
    @Option(name: .long, help: "The template's version, as last read.") var version: Int

    func run() throws {
        try reportingFailures {
            let result = try options.client().call(
                "template.delete", ["id": .string(id), "version": .int(Int64(version))])
            if options.json { return Output.json(result) }
            print("deleted template \(id)")
        }
    }
}
