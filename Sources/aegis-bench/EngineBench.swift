import AegisDetection
import AegisDomain
import Foundation

/// The detection engine alone, in this process, on one thread: the shared
/// Sigma rules and the SigmaHQ regression rules loaded; the regression
/// events mixed 1:20 with background events derived from them (the same
/// shapes, benign values) so most events match nothing. Reports events per
/// second and the time per event (p50, p99), the import of the 315 shared
/// Sigma rules (parse and compile), and RSS growth with every rule loaded.
enum EngineBench {
    struct Result: Encodable {
        var rules: Int
        var events: Int
        var matchingEvents: Int
        var matchesPerPass: Int
        var eventsPerSecond: Double
        var p50Microseconds: Double
        var p99Microseconds: Double
        var importSigmaRules: Int
        var importMS: Double
        var importMicrosecondsPerRule: Double
        var rssBeforeMB: Double
        var rssWithRulesMB: Double
        var jsonEventsPerSecond: Double
    }

    static func run(sharedData: URL, seconds: Double) throws -> Result {
        let rssBefore = residentMegabytes()
        // Import: parse and compile each shared Sigma file, as rule.import would.
        let sigmaFiles = files(sharedData.appendingPathComponent("sigma"), "yml")
        let contents = try sigmaFiles.map { try Data(contentsOf: $0) }
        let importStart = DispatchTime.now().uptimeNanoseconds
        var definitions: [RuleDefinition] = []
        for (url, data) in zip(sigmaFiles, contents) {
            definitions += RuleParser.parse(name: url.lastPathComponent, data: data, format: nil).parsed
        }
        let importNS = Double(DispatchTime.now().uptimeNanoseconds - importStart)
        let importedCount = definitions.count
        let regression = sharedData.appendingPathComponent("sigma-regression")
        var seen = Set(definitions.map(\.id))
        for folder in ["rules", "rules-emerging-threats"] {
            for url in files(regression.appendingPathComponent(folder), "yml") {
                for d in RuleParser.parse(name: url.lastPathComponent, data: try Data(contentsOf: url), format: .sigma).parsed
                where seen.insert(d.id).inserted {
                    definitions.append(d)
                }
            }
        }
        let rules = RuleSet(rules: try definitions.map { .init(rule: try RuleCompiler.compile($0), revision: 1) })
        let rssWithRules = residentMegabytes()

        // Events: each regression event and 20 background variants of it.
        let jsonTexts = try files(regression.appendingPathComponent("regression_data"), "json").map { try Data(contentsOf: $0) }
        var positives: [TelemetryEvent] = []
        for data in jsonTexts { positives += try TelemetryEvent.manyFromJSON(data) }
        var events: [TelemetryEvent] = []
        for (i, event) in positives.enumerated() {
            events.append(event)
            for k in 0..<20 { events.append(background(event, seed: i * 20 + k)) }
        }
        let engine = RuleEngine(rules: rules)
        var matching = 0, matchesPerPass = 0
        for event in events {
            let found = engine.evaluate(event, now: Date())
            if !found.isEmpty { matching += 1 }
            matchesPerPass += found.count
        }

        // Timed passes over the mixed list, one thread.
        var samples: [UInt64] = []
        samples.reserveCapacity(events.count * 64)
        var slowest: [UInt64] = Array(repeating: 0, count: events.count)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let runStart = DispatchTime.now().uptimeNanoseconds
        var evaluated = 0
        let now = Date()
        repeat {
            for (i, event) in events.enumerated() {
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = engine.evaluate(event, now: now)
                let spent = DispatchTime.now().uptimeNanoseconds - t0
                samples.append(spent)
                slowest[i] = max(slowest[i], spent)
            }
            evaluated += events.count
        } while DispatchTime.now().uptimeNanoseconds < deadline
        let runNS = Double(DispatchTime.now().uptimeNanoseconds - runStart)
        if ProcessInfo.processInfo.environment["AEGIS_BENCH_SLOWEST"] != nil {
            for (i, ns) in slowest.enumerated().sorted(by: { $0.1 > $1.1 }).prefix(10) {
                let e = events[i]
                print(String(format: "slow: %.0f µs event %d %@ %@", Double(ns) / 1000, i, e.logSource.categories.joined(separator: ","),
                    String(describing: e.fields["Image"] ?? e.fields["CommandLine"] ?? .null).prefix(120) as CVarArg))
            }
        }
        samples.sort()
        func percentile(_ p: Double) -> Double { Double(samples[min(samples.count - 1, Int(Double(samples.count) * p))]) / 1000 }

        // JSON text to events, for comparison with evaluation.
        let jsonStart = DispatchTime.now().uptimeNanoseconds
        var parsed = 0
        for _ in 0..<20 { for data in jsonTexts { parsed += try TelemetryEvent.manyFromJSON(data).count } }
        let jsonNS = Double(DispatchTime.now().uptimeNanoseconds - jsonStart)

        return Result(
            rules: rules.entries.count, events: events.count, matchingEvents: matching, matchesPerPass: matchesPerPass,
            eventsPerSecond: Double(evaluated) / (runNS / 1e9), p50Microseconds: percentile(0.50),
            p99Microseconds: percentile(0.99), importSigmaRules: importedCount, importMS: importNS / 1e6,
            importMicrosecondsPerRule: importNS / 1e3 / Double(max(1, sigmaFiles.count)), rssBeforeMB: rssBefore,
            rssWithRulesMB: rssWithRules, jsonEventsPerSecond: Double(parsed) / (jsonNS / 1e9))
    }

    static func describe(_ r: Result) -> [String] {
        [
            String(format: "rules loaded: %d (%d of 315 shared Sigma rules parsed in %.1f ms, %.0f µs a rule, parse and compile)",
                r.rules, r.importSigmaRules, r.importMS, r.importMicrosecondsPerRule),
            String(format: "RSS %.1f MB before, %.1f MB with every rule loaded (+%.1f MB)", r.rssBeforeMB, r.rssWithRulesMB,
                r.rssWithRulesMB - r.rssBeforeMB),
            String(format: "events: %d (%d match a rule, %d matches a pass)", r.events, r.matchingEvents, r.matchesPerPass),
            String(format: "one thread: %.0f events/s; per event p50 %.1f µs, p99 %.1f µs", r.eventsPerSecond,
                r.p50Microseconds, r.p99Microseconds),
            String(format: "JSON text to events: %.0f events/s", r.jsonEventsPerSecond),
        ]
    }

    /// A benign variant of an event: the same fields, each text value
    /// replaced by a deterministic ordinary one, numbers kept (so it routes
    /// like the original).
    static func background(_ event: TelemetryEvent, seed: Int) -> TelemetryEvent {
        let keep: Set<String> = ["EventID", "Channel", "Computer", "Provider_Name", "TimeCreated_SystemTime", "UtcTime", "EventType"]
        var fields: [String: Value] = [:]
        for (key, value) in event.fields {
            if keep.contains(key) { fields[key] = value; continue }
            guard case .string = value else { fields[key] = value; continue }
            let n = (seed &* 2_654_435_761 &+ key.utf8.count) % 997
            fields[key] = .string("C:\\Program Files\\Vendor\(n)\\Component\\service\(n % 37).dat --mode \(n % 5) --id \(seed)")
        }
        return TelemetryEvent(fields: fields)
    }

    static func files(_ folder: URL, _ ext: String) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var found: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == ext { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// This process's VmRSS in MB.
    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return kb / 1024
    }

    /// `AEGIS_SHARED_DATA`, else `../shared/data`.
    static var sharedData: URL {
        if let path = ProcessInfo.processInfo.environment["AEGIS_SHARED_DATA"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: "../shared/data")
    }
}
