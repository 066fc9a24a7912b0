import AegisTestSupport
import AegisWire
import Foundation
import Testing
import ZeroMQ

/// The probe's ninth defect: with the usual soft limit of 1,024 open files,
/// 2,000 concurrent clients left new ones waiting. aegisd now raises the
/// soft limit to the hard one at start and logs it.
@Suite(.serialized) struct OpenFileLimitTests {
    static func hardLimit() -> UInt64 {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return UInt64(limit.rlim_max)
    }

    /// This process needs a descriptor per client too.
    static func raiseOwnLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    @Test func twoThousandClientsAtOnceAreAllAnsweredWhenStartedWithASoftLimitOf1024() throws {
        let hard = Self.hardLimit()
        try #require(hard >= 4096, "the machine's hard limit of open files (\(hard)) is too low for this test")
        Self.raiseOwnLimit()
        let daemon = try DaemonProcess(openFileLimit: 1024)
        #expect(daemon.waitForLog("\"limit\":\"\(hard)\""), "\(daemon.log)")

        let context = try ZMQContext(maxSockets: 4096)
        defer { context.terminate() }
        var sockets: [ZMQSocket] = []
        defer { sockets.forEach { $0.close() } }
        for _ in 0..<2000 {
            let socket = try ZMQSocket(context, .dealer)
            try socket.setReceiveTimeout(20_000)
            try socket.connect(daemon.rpc)
            sockets.append(socket)
        }
        for (n, socket) in sockets.enumerated() {
            try socket.send([Data(), RequestEnvelope(id: .int(Int64(n)), method: "system.ping").encoded()])
        }
        var answered = 0
        for (n, socket) in sockets.enumerated() {
            guard let frames = try socket.receive(), let body = frames.last else { break }
            if (try? ReplyEnvelope.parse(body).get())?.id == .int(Int64(n)) { answered += 1 }
        }
        #expect(answered == 2000)
    }
}
