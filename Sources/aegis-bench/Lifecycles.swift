import ArgumentParser
import Foundation

/// Only the lifecycle (mutation) benchmark, for iterating on the write path.
struct Lifecycles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycles", abstract: "Test lifecycles from 8 clients against a fresh aegisd.")
    @Option var binDir = ".build/release"
    @Option var attackData: String
    @Option var clients = 8
    @Option var seconds: Double = 5
    @Option var workers = 8
    @Option(help: "Use a running aegisd (with --events and --key-file) instead of starting one.") var endpoint: String?
    @Option var events: String?
    @Option var keyFile: String?

    func run() throws {
        if let endpoint, let events, let keyFile {
            let key = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let r = try MutationBench.run(endpoint: endpoint, events: events, adminKey: key, clients: clients, seconds: seconds)
            print(String(format: "%d clients: %.0f mutations/s; commit to PUB p50 %.2f ms, p99 %.2f ms",
                clients, r.mutationsPerSecond, r.publishP50, r.publishP99))
            return
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-lifecycles-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let daemon = try ChildDaemon(
            binary: URL(fileURLWithPath: binDir).appendingPathComponent("aegisd"), dataDirectory: work, workers: workers,
            attackData: attackData)
        defer { daemon.stop() }
        let r = try MutationBench.run(
            endpoint: daemon.rpc, events: daemon.events, adminKey: try daemon.adminKey(), clients: clients, seconds: seconds)
        print(String(format: "%d clients: %.0f mutations/s (%d in %.1f s); commit to PUB p50 %.2f ms, p99 %.2f ms (%d events)",
            clients, r.mutationsPerSecond, r.mutations, r.seconds, r.publishP50, r.publishP99, r.eventsMeasured))
    }
}
