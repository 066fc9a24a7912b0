import AegisWire
import Foundation
import Synchronization
import ZeroMQ

/// `telemetry.ingest` load: `clients` threads, each with its own DEALER and
/// its own batches, lockstep (the next batch as soon as the reply arrives)
/// or paced (a batch every `period`, client `c` offset by `c * period /
/// clients`). With `echo`, the server is the bare ROUTER echo and replies
/// are not read.
enum IngestLoad {
    struct Result: Encodable {
        var events: Int
        var detections: Int
        var repeated: Int
        var seconds: Double
        var eventsPerSecond: Double
        var detectionsPerSecond: Double
        /// Milliseconds per batch, send to reply.
        var batchP50: Double
        var batchP99: Double
    }

    /// When each batch was sent, by the event ids its reply gave (paced runs).
    typealias SendTimes = [String: UInt64]

    final class SendLog: Sendable {
        let times = Mutex<SendTimes>([:])
    }

    static func run(
        endpoint: String, batches: [IngestBatch], clients: Int, seconds: Double, period: Duration? = nil,
        echo: Bool = false, sendTimes: SendLog? = nil
    ) throws -> Result {
        let context = try ZMQContext(ioThreads: 1)
        defer { context.terminate() }
        let start = Atomic<Bool>(false), stop = Atomic<Bool>(false)
        let events = Atomic<Int>(0), detections = Atomic<Int>(0), repeated = Atomic<Int>(0)
        let latencies = Mutex<[Double]>([])
        let failure = Mutex<String?>(nil)
        let group = DispatchGroup()
        let periodNS = period.map { UInt64($0.components.seconds) * 1_000_000_000 + UInt64($0.components.attoseconds / 1_000_000_000) }
        let began = Atomic<UInt64>(0)
        for c in 0..<clients {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let socket = try ZMQSocket(context, .dealer)
                    defer { socket.close() }
                    try socket.connect(endpoint)
                    var mine = batches
                    var local: [Double] = []
                    var times = SendTimes()
                    // Warm-up: one batch, checked.
                    var i = c
                    mine[i % mine.count].renumber()
                    _ = try roundTrip(socket, mine[i % mine.count].body, echo: echo)
                    i += clients
                    while !start.load(ordering: .acquiring) { sched_yield() }
                    var n: UInt64 = 0
                    while !stop.load(ordering: .relaxed) {
                        if let periodNS {
                            let due = began.load(ordering: .relaxed) + n * periodNS + UInt64(c) * periodNS / UInt64(clients)
                            let now = DispatchTime.now().uptimeNanoseconds
                            if due > now { usleep(UInt32((due - now) / 1000)) }
                            n += 1
                        }
                        mine[i % mine.count].renumber()
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        let reply = try roundTrip(socket, mine[i % mine.count].body, echo: echo)
                        local.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                        events.add(mine[i % mine.count].count, ordering: .relaxed)
                        if let reply {
                            detections.add(reply.detections, ordering: .relaxed)
                            repeated.add(reply.repeated, ordering: .relaxed)
                            if sendTimes != nil { for id in reply.eventIDs { times[id] = t0 } }
                        }
                        i += clients
                    }
                    latencies.withLock { $0 += local }
                    if let sendTimes { sendTimes.times.withLock { $0.merge(times) { a, _ in a } } }
                } catch {
                    failure.withLock { $0 = $0 ?? "\(error)" }
                }
            }.start()
        }
        usleep(300_000)
        let t0 = DispatchTime.now().uptimeNanoseconds
        began.store(t0, ordering: .relaxed)
        start.store(true, ordering: .releasing)
        usleep(UInt32(seconds * 1_000_000))
        stop.store(true, ordering: .relaxed)
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        if let message = failure.withLock({ $0 }) { throw BenchError("an ingest client failed: \(message)") }
        var all = latencies.withLock { $0 }
        all.sort()
        let e = events.load(ordering: .relaxed), d = detections.load(ordering: .relaxed)
        return Result(
            events: e, detections: d, repeated: repeated.load(ordering: .relaxed), seconds: elapsed,
            eventsPerSecond: Double(e) / elapsed, detectionsPerSecond: Double(d) / elapsed,
            batchP50: percentile(all, 0.5), batchP99: percentile(all, 0.99))
    }

    struct Reply {
        var eventIDs: [String]
        var detections: Int
        var repeated: Int
    }

    private static func roundTrip(_ socket: ZMQSocket, _ body: Data, echo: Bool) throws -> Reply? {
        try socket.send([Data(), body])
        guard let frames = try socket.receive(), let reply = frames.last else { throw BenchError("no reply") }
        if echo { return nil }
        guard case .success(let envelope) = ReplyEnvelope.parse(reply, limits: MessagePackLimits(maxBytes: Int.max)) else {
            throw BenchError("unreadable reply")
        }
        switch envelope.outcome {
        case .failure(let error): throw BenchError("telemetry.ingest failed: \(error)")
        case .success(let result):
            return Reply(
                eventIDs: (result["event_ids"]?.arrayValue ?? []).compactMap(\.stringValue),
                detections: result["detection_ids"]?.arrayValue?.count ?? 0,
                repeated: Int(result["repeated"]?.intValue ?? 0))
        }
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? -1 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func describe(_ label: String, _ r: Result) -> String {
        String(format: "%@: %.0f events/s, %.0f detections/s (%d events, %d detections, %d repeated, %.1f s); batch p50 %.1f ms, p99 %.1f ms",
            label, r.eventsPerSecond, r.detectionsPerSecond, r.events, r.detections, r.repeated, r.seconds, r.batchP50, r.batchP99)
    }
}
