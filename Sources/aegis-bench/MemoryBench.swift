import AegisWire
import Foundation
import ZeroMQ

/// What aegisd's memory does under the probe's bursts (issue #10): 2,000
/// request frames of 1 MiB one after another, 3,000 replies of about
/// 500 KB that the client never reads, and 2,000 clients connected at once.
/// Each is RSS before, at the peak (sampled) and after (settled).
enum MemoryBench {
    struct Burst: Encodable {
        var frames: Int
        var frameBytes: Int
        var rssBeforeMB: Double
        var rssPeakMB: Double
        var rssAfterMB: Double
        var seconds: Double
    }

    struct Connections: Encodable {
        var clients: Int
        var rssBeforeMB: Double
        var rssAfterMB: Double
        var kilobytesPerClient: Double
    }

    struct Result: Encodable {
        var largeRequests: Burst
        var unreadReplies: Burst
        var connections: Connections
    }

    static func run(binary: URL, work: URL, attackData: String, workers: Int) throws -> Result {
        let daemon = try ChildDaemon(
            binary: binary, dataDirectory: work.appendingPathComponent("memory"), workers: workers, attackData: attackData)
        defer { daemon.stop() }
        let key = try daemon.adminKey()
        let context = try ZMQContext(maxSockets: 8192)
        defer { context.terminate() }

        let large = try largeRequests(daemon, context, frames: 2000)
        print(describe("2,000 × 1 MiB system.ping, one after another", large))
        let unread = try unreadReplies(daemon, context, key: key, requests: 3000)
        print(describe("3,000 × technique.list {limit: 1000} never read", unread))
        let connections = try manyClients(daemon, context, clients: 2000)
        print(String(format: "2,000 clients connected: RSS %.1f -> %.1f MB, %.0f KB a client",
            connections.rssBeforeMB, connections.rssAfterMB, connections.kilobytesPerClient))
        return Result(largeRequests: large, unreadReplies: unread, connections: connections)
    }

    static func describe(_ name: String, _ burst: Burst) -> String {
        String(format: "%@: RSS %.1f MB before, peak %.1f MB (%.2fx), %.1f MB after (%.2fx), %.1f s",
            name, burst.rssBeforeMB, burst.rssPeakMB, burst.rssPeakMB / burst.rssBeforeMB, burst.rssAfterMB,
            burst.rssAfterMB / burst.rssBeforeMB, burst.seconds)
    }

    /// The probe's frame: `system.ping` with `params: {x: <zeros as bin32>}`, `size` bytes in all.
    static func ping(size: Int) -> Data {
        func body(_ zeros: Int) -> Data {
            RequestEnvelope(id: 1, method: "system.ping", params: ["x": .binary(Data(count: zeros))], auth: "").encoded()
        }
        let overhead = body(1 << 16).count - (1 << 16)
        return body(size - overhead)
    }

    static func largeRequests(_ daemon: ChildDaemon, _ context: ZMQContext, frames: Int) throws -> Burst {
        let socket = try ZMQSocket(context, .dealer)
        defer { socket.close() }
        try socket.setReceiveTimeout(30_000)
        try socket.connect(daemon.rpc)
        let frame = ping(size: 1 << 20)
        func send(_ n: Int, sample: (Int) -> Void = { _ in }) throws {
            for i in 0..<n {
                try socket.send([Data(), frame])
                guard try socket.receive() != nil else { throw BenchError("no reply to a 1 MiB ping") }
                sample(i)
            }
        }
        try send(20)
        let before = settled(daemon)
        var peak = before
        let start = ContinuousClock.now
        try send(frames) { i in if i % 50 == 0 { peak = max(peak, daemon.residentMegabytes()) } }
        let seconds = (ContinuousClock.now - start).seconds
        peak = max(peak, daemon.residentMegabytes())
        return Burst(
            frames: frames, frameBytes: frame.count, rssBeforeMB: before, rssPeakMB: peak, rssAfterMB: settled(daemon),
            seconds: seconds)
    }

    static func unreadReplies(_ daemon: ChildDaemon, _ context: ZMQContext, key: String, requests: Int) throws -> Burst {
        let reader = try ZMQSocket(context, .dealer)
        defer { reader.close() }
        try reader.setReceiveTimeout(30_000)
        try reader.connect(daemon.rpc)
        let list = RequestEnvelope(id: 1, method: "technique.list", params: ["limit": 1000], auth: key).encoded()
        try reader.send([Data(), list])
        guard let reply = try reader.receive()?.last else { throw BenchError("no reply to technique.list") }
        let before = settled(daemon)
        var peak = before

        let silent = try ZMQSocket(context, .dealer)
        try silent.setReceiveHighWaterMark(1)
        try silent.setSendHighWaterMark(0)
        try silent.connect(daemon.rpc)
        let start = ContinuousClock.now
        for i in 0..<requests {
            try silent.send([Data(), list])
            if i % 100 == 0 { peak = max(peak, daemon.residentMegabytes()) }
        }
        // Answered in order after the flood's: the front has sent them all.
        try reader.send([Data(), RequestEnvelope(id: 2, method: "system.ping").encoded()])
        guard try reader.receive() != nil else { throw BenchError("no reply to a ping") }
        let seconds = (ContinuousClock.now - start).seconds
        peak = max(peak, settled(daemon))
        silent.close()
        return Burst(
            frames: requests, frameBytes: reply.count, rssBeforeMB: before, rssPeakMB: peak, rssAfterMB: settled(daemon),
            seconds: seconds)
    }

    static func manyClients(_ daemon: ChildDaemon, _ context: ZMQContext, clients: Int) throws -> Connections {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let before = settled(daemon)
        var sockets: [ZMQSocket] = []
        defer { sockets.forEach { $0.close() } }
        for _ in 0..<clients {
            let socket = try ZMQSocket(context, .dealer)
            try socket.setReceiveTimeout(30_000)
            try socket.connect(daemon.rpc)
            sockets.append(socket)
        }
        let ping = RequestEnvelope(id: 1, method: "system.ping").encoded()
        for socket in sockets { try socket.send([Data(), ping]) }
        for socket in sockets { guard try socket.receive() != nil else { throw BenchError("a client got no reply") } }
        let after = settled(daemon)
        return Connections(
            clients: clients, rssBeforeMB: before, rssAfterMB: after, kilobytesPerClient: (after - before) * 1024 / Double(clients))
    }

    /// RSS once it has stopped moving (the daemon trims its heap within a
    /// second or two of a burst), checked every 200 ms for up to 5 s.
    static func settled(_ daemon: ChildDaemon) -> Double {
        var last = daemon.residentMegabytes()
        let deadline = ContinuousClock.now + .seconds(5)
        var steady = 0
        while ContinuousClock.now < deadline, steady < 3 {
            Thread.sleep(forTimeInterval: 0.2)
            let now = daemon.residentMegabytes()
            steady = abs(now - last) < 0.5 ? steady + 1 : 0
            last = now
        }
        return last
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
