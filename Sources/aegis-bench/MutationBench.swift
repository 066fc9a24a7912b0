import AegisClient
import AegisWire
import Foundation
import Synchronization

/// Whole test lifecycles from `clients` threads: create, mark ready, start,
/// submit red, start review, submit blue, approve red, approve blue. Each
/// call is one mutation with its audit row and outbox event, committed with
/// `synchronous=FULL`. A subscriber measures how long committed events take
/// to reach the PUB socket.
enum MutationBench {
    struct Result: Encodable {
        var mutations: Int
        var seconds: Double
        var mutationsPerSecond: Double
        /// Milliseconds from an event's `occurred_at` (inside its
        /// transaction, so a little before the commit) to its arrival.
        var publishP50: Double
        var publishP99: Double
        var eventsMeasured: Int
    }

    static func run(endpoint: String, events: String, adminKey: String, clients: Int, seconds: Double) throws -> Result {
        let admin = try AegisClient(endpoint: endpoint, apiKey: adminKey)
        // Dual validation needs two people: one key per side.
        let red = try admin.call("api_key.create", ["name": "bench-red", "roles": ["red_lead", "red_operator"]])
        let blue = try admin.call("api_key.create", ["name": "bench-blue", "roles": ["blue_lead", "blue_analyst"]])
        guard let redKey = red["key"]?.stringValue, let blueKey = blue["key"]?.stringValue else {
            throw BenchError("could not create the bench keys")
        }
        let technique = try admin.call("technique.list", ["limit": 1])["items"]?.arrayValue?.first?["id"] ?? "T0803"

        let stop = Atomic<Bool>(false)
        let counted = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let latencies = Mutex<[Double]>([])
        let subscriberReady = DispatchSemaphore(value: 0)
        let subscriber = Thread {
            guard let sub = try? EventSubscriber(endpoint: events, topics: ["test."]) else { return }
            subscriberReady.signal()
            var local: [Double] = []
            while !stop.load(ordering: .relaxed) {
                guard let event = try? sub.next(timeout: .milliseconds(200)), let at = event.occurredAt else { continue }
                local.append(Date().timeIntervalSince(at) * 1000)
            }
            latencies.withLock { $0 = local }
        }
        subscriber.start()
        subscriberReady.wait()
        usleep(300_000)  // let the SUB connection settle

        let group = DispatchGroup()
        let began = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<clients {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let r = try AegisClient(endpoint: endpoint, apiKey: redKey)
                    let b = try AegisClient(endpoint: endpoint, apiKey: blueKey)
                    func move(_ c: AegisClient, _ method: String, _ t: MessagePackValue, _ extra: MessagePackMap = [:]) throws
                        -> MessagePackValue
                    {
                        var p: MessagePackMap = ["id": t["id"] ?? .nil, "version": t["version"] ?? .nil]
                        for (k, v) in extra.entries { p.append(key: k, value: v) }
                        let next = try c.call(method, p)
                        counted.add(1, ordering: .relaxed)
                        return next
                    }
                    while !stop.load(ordering: .relaxed) {
                        var t = try r.call("test.create", ["technique_id": technique, "name": "bench"])
                        counted.add(1, ordering: .relaxed)
                        t = try move(r, "test.mark_ready", t)
                        t = try move(r, "test.start", t)
                        t = try move(r, "test.submit_red", t, ["outcome": "executed"])
                        t = try move(b, "test.start_review", t)
                        t = try move(b, "test.submit_blue", t, ["prevented": "none", "alerted": true])
                        t = try move(r, "test.approve", t, ["side": "red"])
                        t = try move(b, "test.approve", t, ["side": "blue"])
                    }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }.start()
        }
        usleep(UInt32(seconds * 1_000_000))
        stop.store(true, ordering: .relaxed)
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        while subscriber.isExecuting { usleep(10_000) }
        guard failures.load(ordering: .relaxed) == 0 else { throw BenchError("a lifecycle client failed") }
        var all = latencies.withLock { $0 }
        all.sort()
        func percentile(_ p: Double) -> Double { all.isEmpty ? -1 : all[min(all.count - 1, Int(Double(all.count) * p))] }
        let n = counted.load(ordering: .relaxed)
        return Result(
            mutations: n, seconds: elapsed, mutationsPerSecond: Double(n) / elapsed, publishP50: percentile(0.5),
            publishP99: percentile(0.99), eventsMeasured: all.count)
    }
}
