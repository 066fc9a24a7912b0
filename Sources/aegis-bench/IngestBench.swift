import AegisClient
import AegisDomain
import AegisStore
import AegisWire
import Foundation
import Synchronization

/// Issue #12's ingest figures: every shared Sigma and regression rule
/// imported with `rule.import`; events (IngestWorkload) sent by an `ingest`
/// key as MessagePack maps in batches of 1,000 from 4 clients on SQLite
/// (`synchronous=FULL`, the store's setting); the same as JSON text, once;
/// an offered load of 10,000 events/s (100 every 10 ms) with a subscriber
/// timing send → `detection.created`; the same rows through a bare ROUTER
/// echo and into a bare SQLite table as anchors; then the same ingest on
/// PostgreSQL against a `COPY` of the same rows into a bare table.
enum IngestBench {
    struct Result: Encodable {
        var rulesImported: Int
        var events: Int
        var positives: Int
        var sqlite: IngestLoad.Result
        var sqliteJSON: IngestLoad.Result
        var echo: IngestLoad.Result
        var sqliteBareRowsPerSecond: Double
        var offered: IngestLoad.Result
        var offeredEventsPerSecond: Double
        var publishP50: Double
        var publishP99: Double
        var publishMeasured: Int
        var postgres: IngestLoad.Result?
        var postgresCopyRowsPerSecond: Double?
    }

    static let clients = 4
    static let batchSize = 1_000

    static func run(
        binary: URL, echoBinary: URL, work: URL, sharedData: URL, workers: Int, seconds: Double, postgresURL: String?
    ) throws -> Result {
        let workload = try IngestWorkload.load(sharedData: sharedData)
        print("events: \(workload.events.count) (\(workload.positives) regression events, each with \(IngestWorkload.backgroundPerEvent) background ones)")
        let daemon = try ChildDaemon(binary: binary, dataDirectory: work.appendingPathComponent("ingest"), workers: workers)
        defer { daemon.stop() }
        let (key, rules) = try prepare(daemon, sharedData: sharedData)
        print("rules imported: \(rules)")
        let batches = try (0..<3).map { try workload.batch(start: $0 * batchSize, count: batchSize, json: false, key: key) }
        let span = max(seconds, 5)

        let sqlite = try IngestLoad.run(endpoint: daemon.rpc, batches: batches, clients: clients, seconds: span)
        print(IngestLoad.describe("SQLite, MessagePack maps, 4 clients × 1,000", sqlite))
        let jsonBatches = try (0..<3).map { try workload.batch(start: $0 * batchSize, count: batchSize, json: true, key: key) }
        let json = try IngestLoad.run(endpoint: daemon.rpc, batches: jsonBatches, clients: clients, seconds: max(seconds, 3))
        print(IngestLoad.describe("SQLite, JSON text, 4 clients × 1,000", json))

        let small = try (0..<24).map { try workload.batch(start: $0 * 100, count: 100, json: false, key: key) }
        let (offered, latencies) = try paced(daemon, batches: small, seconds: span)
        print(IngestLoad.describe("offered 10,000 events/s (4 clients, 100 every 40 ms each)", offered))
        print(String(format: "send → detection.created on PUB: p50 %.2f ms, p99 %.2f ms (%d detections)",
            IngestLoad.percentile(latencies, 0.5), IngestLoad.percentile(latencies, 0.99), latencies.count))
        daemon.stop()

        // Anchors: the transport alone, and SQLite alone, with the same rows.
        let echo = try ChildEcho(binary: echoBinary)
        let bare = try IngestLoad.run(endpoint: echo.endpoint, batches: batches, clients: clients, seconds: max(seconds, 3), echo: true)
        echo.stop()
        print(IngestLoad.describe("bare ROUTER echo of the same 1,000-event frames", bare))
        let bodies = workload.bodies()
        let sqliteRows = try bareLoad(.sqlite(path: work.appendingPathComponent("bare.sqlite").path), bodies: bodies, rows: 100_000)
        print(String(format: "bare SQLite table, same rows, 1,000 a transaction, synchronous=FULL, one connection: %.0f rows/s", sqliteRows))

        var result = Result(
            rulesImported: rules, events: workload.events.count, positives: workload.positives, sqlite: sqlite, sqliteJSON: json,
            echo: bare, sqliteBareRowsPerSecond: sqliteRows, offered: offered, offeredEventsPerSecond: 10_000,
            publishP50: IngestLoad.percentile(latencies, 0.5), publishP99: IngestLoad.percentile(latencies, 0.99),
            publishMeasured: latencies.count)
        if let postgresURL {
            print("== ingest on PostgreSQL, against COPY of the same rows into a bare table ==")
            let schema = try PostgresBench.freshSchema(postgresURL, "bench_ingest")
            let pg = try ChildDaemon(
                binary: binary, dataDirectory: work.appendingPathComponent("pg-ingest"), workers: workers,
                environment: ["AEGIS_DATABASE_URL": schema, "AEGIS_INSTANCE_ID": "bench-a"])
            defer { pg.stop() }
            let (pgKey, _) = try prepare(pg, sharedData: sharedData)
            let pgBatches = try (0..<3).map { try workload.batch(start: $0 * batchSize, count: batchSize, json: false, key: pgKey) }
            let ingest = try IngestLoad.run(endpoint: pg.rpc, batches: pgBatches, clients: clients, seconds: span)
            pg.stop()
            print(IngestLoad.describe("PostgreSQL, MessagePack maps, 4 clients × 1,000", ingest))
            let copy = try bareLoad(.postgres(url: schema), bodies: bodies, rows: max(ingest.events, 20_000))
            print(String(format: "COPY of the same rows into a bare table, 1,000 a COPY, 4 connections: %.0f rows/s; ingest/COPY %.2f",
                copy, ingest.eventsPerSecond / copy))
            result.postgres = ingest
            result.postgresCopyRowsPerSecond = copy
        }
        return result
    }

    /// Imports the rules (admin key); an `ingest` key.
    static func prepare(_ daemon: ChildDaemon, sharedData: URL) throws -> (key: String, rules: Int) {
        let admin = try AegisClient(endpoint: daemon.rpc, apiKey: try daemon.adminKey(), timeout: .seconds(120))
        var urls = EngineBench.files(sharedData.appendingPathComponent("sigma"), "yml")
        for folder in ["rules", "rules-emerging-threats"] {
            urls += EngineBench.files(sharedData.appendingPathComponent("sigma-regression/\(folder)"), "yml")
        }
        var imported = 0
        for chunk in stride(from: 0, to: urls.count, by: 100).map({ urls[$0..<min($0 + 100, urls.count)] }) {
            let files: [MessagePackValue] = try chunk.map {
                .map(["name": .string($0.lastPathComponent), "content": .string(try String(contentsOf: $0, encoding: .utf8))])
            }
            let report = try admin.call("rule.import", ["files": .array(files)])
            imported += Int(report["totals"]?["imported"]?.intValue ?? 0)
        }
        let created = try admin.call("api_key.create", ["name": "bench-sensor", "roles": ["ingest"]])
        guard let key = created["key"]?.stringValue else { throw BenchError("no ingest key") }
        return (key, imported)
    }

    /// 10,000 events/s offered: batches of 100, four clients each every 40
    /// ms; a subscriber on `detection.` times each detection from the send
    /// of the batch holding its event.
    static func paced(_ daemon: ChildDaemon, batches: [IngestBatch], seconds: Double) throws -> (IngestLoad.Result, [Double]) {
        let stop = Atomic<Bool>(false)
        let arrivals = Mutex<[(String, UInt64)]>([])
        let ready = DispatchSemaphore(value: 0)
        let endpoint = daemon.events
        let subscriber = Thread {
            guard let sub = try? EventSubscriber(endpoint: endpoint, topics: ["detection."]) else {
                ready.signal()
                return
            }
            ready.signal()
            var local: [(String, UInt64)] = []
            while !stop.load(ordering: .relaxed) {
                guard let event = try? sub.next(timeout: .milliseconds(100)) else { continue }
                if let id = event.payload["event_id"]?.stringValue { local.append((id, DispatchTime.now().uptimeNanoseconds)) }
            }
            arrivals.withLock { $0 = local }
        }
        subscriber.start()
        ready.wait()
        usleep(300_000)
        let sent = IngestLoad.SendLog()
        let result = try IngestLoad.run(
            endpoint: daemon.rpc, batches: batches, clients: clients, seconds: seconds, period: Duration.milliseconds(40), sendTimes: sent)
        usleep(500_000)
        stop.store(true, ordering: .relaxed)
        while subscriber.isExecuting { usleep(10_000) }
        let times = sent.times.withLock { $0 }
        let latencies = arrivals.withLock { $0 }.compactMap { id, at in times[id].map { Double(at &- $0) / 1e6 } }.sorted()
        return (result, latencies)
    }

    /// Rows per second writing `rows` telemetry rows (the daemon's columns,
    /// these bodies) into a bare table: 1,000 a transaction (a COPY on
    /// PostgreSQL), from 4 connections on PostgreSQL, one on SQLite (one
    /// writer, as the daemon has).
    static func bareLoad(_ location: StoreLocation, bodies: [Data], rows: Int) throws -> Double {
        let columns = ["id", "received_at", "occurred_at", "host", "source", "agent", "size", "body"]
        let setup = try StoreConsole.BulkLoader(location)
        try setup.execute(
            """
            DROP TABLE IF EXISTS bare_telemetry;
            CREATE TABLE bare_telemetry (id TEXT, received_at BIGINT, occurred_at BIGINT, host TEXT, source TEXT,
                agent TEXT, size BIGINT, body \(location.isPostgres ? "BYTEA" : "BLOB"))
            """)
        let connections = location.isPostgres ? 4 : 1
        let loaders = try (0..<connections).map { _ in try StoreConsole.BulkLoader(location) }
        let now = Int64(Date().timeIntervalSince1970 * 1e6)
        let chunks = (rows + 999) / 1000
        let failure = Mutex<String?>(nil)
        let t0 = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: connections) { c in
            do {
                for chunk in stride(from: c, to: chunks, by: connections) {
                    let batch: [[StoreConsole.Cell]] = (chunk * 1000..<min(rows, chunk * 1000 + 1000)).map { i in
                        let body = bodies[i % bodies.count]
                        return [
                            .text(String(format: "evt_%012llx%020llx", UInt64(now / 1000), UInt64(i))), .int(now), .int(now),
                            .text("swachchhanda"), .text("sysmon"), .text("key_bench"), .int(Int64(body.count)), .blob(body),
                        ]
                    }
                    try loaders[c].load("bare_telemetry", columns: columns, rows: batch)
                }
            } catch {
                failure.withLock { $0 = $0 ?? "\(error)" }
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        if let message = failure.withLock({ $0 }) { throw BenchError("bare load failed: \(message)") }
        return Double(rows) / elapsed
    }
}

extension StoreLocation {
    fileprivate var isPostgres: Bool { if case .postgres = self { true } else { false } }
}
