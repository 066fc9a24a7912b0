import AegisClient
import AegisStore
import Foundation

/// The PostgreSQL figures of `make bench`: the lifecycle mutation workload
/// on one instance, and the read workload on one instance against two
/// instances of one deployment. Each part gets a fresh schema of the
/// cluster `make bench` starts (scripts/with-postgres).
enum PostgresBench {
    struct Result: Encodable {
        var lifecycles: MutationBench.Result?
        var readsOneInstance: LoadResult?
        var readsTwoInstances: LoadResult?
        var readsSQLite: LoadResult?
    }

    /// `url` with `schema` (created here) as its search path.
    static func freshSchema(_ url: String, _ name: String) throws -> String {
        try StoreConsole.execute("DROP SCHEMA IF EXISTS \(name) CASCADE; CREATE SCHEMA \(name)", at: .postgres(url: url))
        return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
    }

    static func run(
        binary: URL, work: URL, url: String, attackData: String, workers: Int, seconds: Double, rounds: Int,
        sqliteReads: LoadResult?
    ) throws -> Result {
        var result = Result(readsSQLite: sqliteReads)
        print("== test lifecycles on PostgreSQL: 8 clients, one instance ==")
        do {
            let schema = try freshSchema(url, "bench_lifecycles")
            let daemon = try ChildDaemon(
                binary: binary, dataDirectory: work.appendingPathComponent("pg-lifecycles"), workers: workers,
                attackData: attackData, environment: ["AEGIS_DATABASE_URL": schema, "AEGIS_INSTANCE_ID": "bench-a"])
            defer { daemon.stop() }
            let r = try MutationBench.run(
                endpoint: daemon.rpc, events: daemon.events, adminKey: try daemon.adminKey(), clients: 8,
                seconds: max(seconds, 5))
            result.lifecycles = r
            print(String(format: "8 clients: %.0f mutations/s (%d in %.1f s); commit to PUB p50 %.2f ms, p99 %.2f ms",
                r.mutationsPerSecond, r.mutations, r.seconds, r.publishP50, r.publishP99))
        }

        print("== technique.get on PostgreSQL: 8 clients on one instance, then on two ==")
        let schema = try freshSchema(url, "bench_reads")
        let a = try ChildDaemon(
            binary: binary, dataDirectory: work.appendingPathComponent("pg-a"), workers: workers,
            attackData: attackData, environment: ["AEGIS_DATABASE_URL": schema, "AEGIS_INSTANCE_ID": "bench-a"])
        defer { a.stop() }
        let b = try ChildDaemon(
            binary: binary, dataDirectory: work.appendingPathComponent("pg-b"), workers: workers,
            environment: ["AEGIS_DATABASE_URL": schema, "AEGIS_INSTANCE_ID": "bench-b"])
        defer { b.stop() }
        let key = try a.adminKey()
        var pairs: [(one: LoadResult, two: LoadResult)] = []
        for _ in 0..<max(1, rounds) {
            let one = try LoadBench.run(endpoints: [a.rpc], key: key, clients: 8, seconds: seconds)
            let two = try LoadBench.run(endpoints: [a.rpc, b.rpc], key: key, clients: 8, seconds: seconds)
            pairs.append((one, two))
        }
        let ratios = pairs.map { $0.two.requestsPerSecond / $0.one.requestsPerSecond }
        print("rounds, throughput two/one: " + ratios.map { String(format: "%.2f", $0) }.joined(separator: " "))
        pairs.sort { $0.two.requestsPerSecond / $0.one.requestsPerSecond < $1.two.requestsPerSecond / $1.one.requestsPerSecond }
        let (one, two) = pairs[pairs.count / 2]
        result.readsOneInstance = one
        result.readsTwoInstances = two
        print(LoadBench.describe("one instance ", 8, one))
        print(LoadBench.describe("two instances", 8, two))
        print(String(format: "ratio two/one: throughput %.2f, p99 %.2fx", two.requestsPerSecond / one.requestsPerSecond,
            two.p99 / one.p99))
        if let sqliteReads {
            print(String(format: "one PostgreSQL instance / SQLite (cached reads): throughput %.2f",
                one.requestsPerSecond / sqliteReads.requestsPerSecond))
        }
        return result
    }
}
