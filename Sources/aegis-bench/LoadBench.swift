import AegisClient
import AegisWire
import Foundation
import Synchronization
import ZeroMQ

/// Throughput and latency of one lockstep load phase.
struct LoadResult: Encodable {
    var requests: Int
    var seconds: Double
    var requestsPerSecond: Double
    /// Milliseconds.
    var p50: Double
    var p99: Double
}

/// `clients` threads, each with its own DEALER, each sending the next
/// `technique.get` as soon as the previous reply arrives, for `seconds`
/// after a short warm-up. The client does the same work whichever server
/// answers: during the warm-up every reply is decoded and must be a
/// successful reply (or, from the echo, the request itself); while measuring,
/// replies are only received, so the ratio compares the servers and not the
/// client's decoding of a 1.5 KB technique against a 100-byte echo.
enum LoadBench {
    static let ids = ["T1059.001", "T1003", "T1566.001", "T1027", "T1105", "T1071.001", "T1055", "T1547.001"]

    static func run(
        endpoint: String, key: String, clients: Int, seconds: Double, method: String = "technique.get"
    ) throws -> LoadResult {
        try run(endpoints: [endpoint], key: key, clients: clients, seconds: seconds, method: method)
    }

    /// The same load, client `c` sending to `endpoints[c % count]` (several
    /// instances of one deployment).
    static func run(
        endpoints: [String], key: String, clients: Int, seconds: Double, method: String = "technique.get"
    ) throws -> LoadResult {
        let context = try ZMQContext(ioThreads: 1)
        defer { context.terminate() }
        let start = Atomic<Bool>(false)
        let stop = Atomic<Bool>(false)
        let results = Mutex<[[Double]]>([])
        let failures = Atomic<Int>(0)
        let group = DispatchGroup()
        for c in 0..<clients {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    let socket = try ZMQSocket(context, .dealer)
                    defer { socket.close() }
                    try socket.connect(endpoints[c % endpoints.count])
                    let bodies = ids.enumerated().map { i, id in
                        RequestEnvelope(
                            id: .int(Int64(i)), method: method,
                            params: method == "technique.get" ? ["id": .string(id)] : [:], auth: key)
                            .encoded()
                    }
                    var latencies: [Double] = []
                    latencies.reserveCapacity(200_000)
                    var i = c
                    // Warm-up: connect, touch the caches, check the answers.
                    for _ in 0..<200 {
                        let body = bodies[i % bodies.count]
                        try check(try roundTrip(socket, body), sent: body)
                        i += 1
                    }
                    while !start.load(ordering: .acquiring) { sched_yield() }
                    while !stop.load(ordering: .relaxed) {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        try roundTrip(socket, bodies[i % bodies.count])
                        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                        i += 1
                    }
                    results.withLock { $0.append(latencies) }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
            thread.start()
        }
        usleep(300_000)
        let began = DispatchTime.now().uptimeNanoseconds
        start.store(true, ordering: .releasing)
        usleep(UInt32(seconds * 1_000_000))
        stop.store(true, ordering: .relaxed)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        group.wait()
        guard failures.load(ordering: .relaxed) == 0 else { throw BenchError("a load client failed") }
        var all = results.withLock { $0.flatMap { $0 } }
        all.sort()
        func percentile(_ p: Double) -> Double { all.isEmpty ? 0 : all[min(all.count - 1, Int(Double(all.count) * p))] }
        return LoadResult(
            requests: all.count, seconds: elapsed, requestsPerSecond: Double(all.count) / elapsed,
            p50: percentile(0.50), p99: percentile(0.99))
    }

    @discardableResult
    private static func roundTrip(_ socket: ZMQSocket, _ body: Data) throws -> Data {
        try socket.send([Data(), body])
        guard let frames = try socket.receive(), let reply = frames.last else { throw BenchError("no reply") }
        return reply
    }

    /// An echo returns the request; aegisd a successful reply.
    private static func check(_ reply: Data, sent: Data) throws {
        if reply == sent { return }
        guard case .success(let envelope) = ReplyEnvelope.parse(reply), case .success = envelope.outcome else {
            throw BenchError("the server did not answer successfully")
        }
    }

    static func describe(_ name: String, _ clients: Int, _ r: LoadResult) -> String {
        String(format: "%@ %d client(s): %8.0f req/s  p50 %.3f ms  p99 %.3f ms  (%d requests)",
            name, clients, r.requestsPerSecond, r.p50, r.p99, r.requests)
    }
}
