import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl telemetry`: events in for the rule engine, and one read back.
struct TelemetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry", abstract: "Telemetry: events the rule engine evaluates.",
        subcommands: [TelemetryIngest.self, TelemetryGet.self])
}

struct TelemetryIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Send a file of events to telemetry.ingest.",
        discussion: """
            FILE holds JSON lines, a JSON array of objects, or objects one after another (pretty-printed or \
            not); `-` reads stdin. Each event goes as its own JSON text, in batches of at most --batch events \
            and --batch-bytes bytes (the daemon takes 5,000 events and its frame limit, 16 MiB by default). \
            Each batch is stored on its own: when one is refused, those before it stay ingested. A progress bar \
            shows on a terminal for files of more than one batch. Needs the ingest role (or admin).
            """)
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "The events' source kind, e.g. sysmon (native rules route by it).") var source: String?
    @Option(name: .long, help: "Most events per request (1 to 5000).") var batch: Int = 1000
    @Option(name: .long, help: "Most bytes of events per request.") var batchBytes: Int = 8 << 20
    @Argument(help: "The file of events, or - for stdin.") var file: String

    func validate() throws {
        guard (1...5000).contains(batch) else { throw ValidationError("--batch must be 1 to 5000") }
        guard batchBytes >= 1024 else { throw ValidationError("--batch-bytes must be at least 1024") }
    }

    /// Event index ranges, each one request.
    static func batches(sizes: [Int], maxEvents: Int, maxBytes: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for (i, size) in sizes.enumerated() {
            // MessagePack adds up to 5 bytes a string.
            let cost = size + 5
            if i > start && (i - start >= maxEvents || bytes + cost > maxBytes) {
                out.append(start..<i)
                start = i
                bytes = 0
            }
            bytes += cost
        }
        if start < sizes.count { out.append(start..<sizes.count) }
        return out
    }

    func run() throws {
        try reportingAllFailures {
            let events = try JSONEventFile(path: file)
            guard !events.spans.isEmpty else { throw LocalFailure("\(file): no events") }
            let batches = Self.batches(
                sizes: events.spans.indices.map(events.size), maxEvents: batch, maxBytes: batchBytes)
            let client = try options.client()
            client.timeout = .seconds(max(options.timeout, 120))
            let progress = IngestProgress(total: events.spans.count, bytes: events.data.count, shown: batches.count > 1)
            progress.start()
            var eventIDs: [MessagePackValue] = []
            var detectionIDs: [MessagePackValue] = []
            var repeated: Int64 = 0
            for range in batches {
                var params: MessagePackMap = ["events": .array(range.map(events.event))]
                params.put("source", source)
                let result: MessagePackValue
                do {
                    result = try client.call("telemetry.ingest", params)
                } catch {
                    progress.end()
                    Self.explain(error, events: events, range: range, done: eventIDs.count)
                    throw error
                }
                eventIDs += result["event_ids"]?.arrayValue ?? []
                detectionIDs += result["detection_ids"]?.arrayValue ?? []
                repeated += result["repeated"]?.intValue ?? 0
                progress.update(events: range.upperBound, bytes: events.spans[range.upperBound - 1].range.upperBound)
            }
            progress.end()
            if options.json {
                return Output.json([
                    "events": .int(Int64(eventIDs.count)), "batches": .int(Int64(batches.count)),
                    "event_ids": .array(eventIDs), "detection_ids": .array(detectionIDs), "repeated": .int(repeated),
                ])
            }
            print(
                "ingested \(eventIDs.count) event\(eventIDs.count == 1 ? "" : "s") in \(batches.count) "
                    + "batch\(batches.count == 1 ? "" : "es"): \(detectionIDs.count) new detection"
                    + "\(detectionIDs.count == 1 ? "" : "s"), \(repeated) repeated")
            for id in detectionIDs.prefix(20) { print("  " + Output.text(id)) }
            if detectionIDs.count > 20 { print("  … and \(detectionIDs.count - 20) more (detection list)") }
        }
    }

    /// Points a refused batch's `events[i]` back at the file.
    static func explain(_ error: Error, events: JSONEventFile, range: Range<Int>, done: Int) {
        var where_ = "events \(range.lowerBound + 1) to \(range.upperBound) of \(events.path)"
        if case .remote(_, _, let details) = error as? AegisClientError,
            let field = details?["field"]?.stringValue, field.hasPrefix("events["),
            let index = Int(field.dropFirst(7).prefix { $0.isNumber }), index < range.count
        {
            let n = range.lowerBound + index
            where_ = "event \(n + 1) of \(events.path), line \(events.spans[n].line)"
        }
        FileHandle.standardError.write(
            Data("aegisctl: refused at \(where_); \(done) event(s) before it were ingested\n".utf8))
    }
}

/// Progress of a long ingest on stderr: a bar on a terminal, a count a
/// batch otherwise; nothing for a file of one batch.
struct IngestProgress {
    let total: Int
    let bytes: Int
    let shown: Bool
    let terminal = isatty(STDERR_FILENO) != 0

    func update(events: Int, bytes done: Int) {
        guard shown else { return }
        guard terminal else {
            return FileHandle.standardError.write(Data("ingested \(events) of \(total) events\n".utf8))
        }
        let fraction = events == total || bytes == 0 ? 1 : Double(done) / Double(bytes)
        let width = 30
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = Int((fraction * 100).rounded(.down))
        FileHandle.standardError.write(
            Data("\r\u{1B}[K[\(bar)] \(percent)%  \(events)/\(total) events  \(Self.mib(done))/\(Self.mib(bytes)) MiB".utf8))
    }

    /// Before the first batch: the empty bar, on a terminal only.
    func start() {
        if shown && terminal { update(events: 0, bytes: 0) }
    }

    private static func mib(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 19)) >> 20
        return "\(tenths / 10).\(tenths % 10)"
    }

    func end() {
        if shown && terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

struct TelemetryGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a stored event.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Event id (evt_...).") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("telemetry.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            Output.fields(
                result,
                [
                    ("id", "id"), ("occurred", "occurred_at"), ("received", "received_at"), ("host", "host"),
                    ("source", "source"), ("agent", "agent"),
                ])
            print("")
            Output.json(result["event"] ?? .nil)
        }
    }
}
