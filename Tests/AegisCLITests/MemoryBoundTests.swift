import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing
import ZeroMQ

/// The probe's memory defects, reproduced against aegisd as a child process
/// and measured by its resident size: large request bodies are released once
/// answered, and replies a client leaves unread are bounded in bytes and
/// freed when it leaves.
@Suite(.serialized) struct MemoryBoundTests {
    /// `{v, id, method: system.ping, auth: "", params: {x: <zeros>}}` of
    /// exactly `size` bytes, as the probe sent it.
    static func ping(size: Int, id: Int) -> Data {
        func body(_ zeros: Int) -> Data {
            RequestEnvelope(id: .int(Int64(id)), method: "system.ping", params: ["x": .binary(Data(count: zeros))], auth: "")
                .encoded()
        }
        // The envelope around a bin32 value (64 KiB and more) has a fixed size.
        let overhead = body(1 << 16).count - (1 << 16)
        return body(size - overhead)
    }

    static func dealer(_ context: ZMQContext, _ endpoint: String) throws -> ZMQSocket {
        let socket = try ZMQSocket(context, .dealer)
        try socket.setReceiveTimeout(30_000)
        try socket.connect(endpoint)
        return socket
    }

    /// Waits (up to 10 s) for `condition`, checking every 50 ms.
    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    @Test func oneMebibytePingsOneAfterAnotherLeaveNothingBehind() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_MAX_FRAME_BYTES": "1048576"])
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try Self.dealer(context, daemon.rpc)
        defer { socket.close() }
        func send(_ count: Int) throws {
            for id in 0..<count {
                try socket.send([Data(), Self.ping(size: 1 << 20, id: id)])
                let reply = try ReplyEnvelope.parse(try #require(try socket.receive()?.last)).get()
                #expect(reply.id == .int(Int64(id)))
            }
        }
        try send(20)  // warm up: threads, buffers
        let baseline = daemon.residentMegabytes
        try send(300)
        let after = daemon.residentMegabytes
        // Before the fix: about 1 MB more for each frame (300 MB).
        #expect(after - baseline < 48, "RSS \(baseline) MB -> \(after) MB")
    }

    @Test func largeFramesAtTheDefaultLimitLeaveNothingBehind() throws {
        let daemon = try DaemonProcess()
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let context = try ZMQContext()
        defer { context.terminate() }
        let socket = try Self.dealer(context, daemon.rpc)
        defer { socket.close() }
        func exchange(_ body: Data) throws -> ReplyEnvelope {
            try socket.send([Data(), body])
            return try ReplyEnvelope.parse(try #require(try socket.receive()?.last)).get()
        }
        _ = try exchange(Self.ping(size: 1 << 20, id: 0))
        let baseline = daemon.residentMegabytes

        // The probe: 30 pings of 16 MiB added 480 MB; 30 frames of 8 MiB of
        // unauthenticated garbage, 240 MB; 60 catalog chunks of 4 MiB, 240 MB.
        for _ in 0..<30 { _ = try exchange(Self.ping(size: 16 << 20, id: 0)) }
        var garbage = Data(count: 8 << 20)
        garbage[0] = 0xc1  // never valid MessagePack
        for _ in 0..<30 {
            let reply = try exchange(garbage)
            if case .failure(let error) = reply.outcome { #expect(error.code == .invalidRequest) }
        }
        let begun = try exchange(RequestEnvelope(id: 1, method: "catalog.import_begin", auth: key).encoded())
        let upload = try #require(try begun.outcome.get()["upload_id"])
        let chunk = Data(repeating: 0x20, count: 4 << 20)
        for n in 0..<60 {
            let params: MessagePackMap = [
                "upload_id": upload, "name": "big.json", "offset": .int(Int64(n * chunk.count)), "data": .binary(chunk),
            ]
            let reply = try exchange(RequestEnvelope(id: 2, method: "catalog.import_append", params: params, auth: key).encoded())
            #expect((try? reply.outcome.get()) != nil)
        }
        _ = try exchange(RequestEnvelope(id: 3, method: "catalog.import_abort", params: ["upload_id": upload], auth: key).encoded())
        #expect(Self.eventually { daemon.residentMegabytes - baseline < 48 }, "RSS \(baseline) MB -> \(daemon.residentMegabytes) MB")
    }

    @Test func repliesLeftUnreadAreBoundedAndFreedWhenTheClientLeaves() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let context = try ZMQContext()
        defer { context.terminate() }
        let reader = try Self.dealer(context, daemon.rpc)
        defer { reader.close() }
        let list = RequestEnvelope(id: 0, method: "technique.list", params: ["limit": 1000], auth: key).encoded()
        try reader.send([Data(), list])
        let replyBytes = try #require(try reader.receive()?.last).count
        let baseline = daemon.residentMegabytes

        // 8,000 replies of about 25 KB (200 MB) to a client that reads none.
        let silent = try ZMQSocket(context, .dealer)
        try silent.setReceiveHighWaterMark(1)
        try silent.setSendHighWaterMark(0)
        try silent.connect(daemon.rpc)
        for _ in 0..<8000 { try silent.send([Data(), list]) }
        // The last request answered: a request on another connection after
        // them is answered after them (the front takes them in order).
        try reader.send([Data(), RequestEnvelope(id: 1, method: "system.ping").encoded()])
        _ = try #require(try reader.receive())
        #expect(Self.eventually { daemon.log.contains("is not reading its replies") })
        let peak = daemon.residentMegabytes
        // Allowance 32 MiB, plus the short refusals that follow it.
        #expect(peak - baseline < 64, "RSS \(baseline) MB -> \(peak) MB with \(replyBytes)-byte replies unread")

        silent.close()
        #expect(Self.eventually { daemon.residentMegabytes - baseline < 16 }, "RSS \(baseline) MB -> \(peak) MB -> \(daemon.residentMegabytes) MB after the client left")
    }
}
