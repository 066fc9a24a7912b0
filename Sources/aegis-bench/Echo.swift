import ArgumentParser
import Foundation
import ZeroMQ

/// The baseline: a bare ROUTER that sends every message straight back.
struct Echo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "echo", abstract: "A bare libzmq ROUTER echo.")
    @Option var endpoint: String

    func run() throws {
        let context = try ZMQContext(ioThreads: 1)
        let router = try ZMQSocket(context, .router)
        try router.setSendHighWaterMark(100_000)
        try router.setReceiveHighWaterMark(100_000)
        try router.bind(endpoint)
        print("bound \(router.lastEndpoint)")
        fflush(nil)
        while let frames = try router.receive() {
            try? router.send(frames, dontWait: true)
        }
    }
}
