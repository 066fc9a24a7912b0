import ArgumentParser
import Foundation

/// Drives an already running server, for profiling.
struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Lockstep technique.get load against a running endpoint (for profiling).")
    @Option var endpoint: String
    @Option var keyFile: String?
    @Option var clients = 8
    @Option var seconds: Double = 5
    @Option(help: "technique.get, or a method without params such as system.ping.") var method = "technique.get"

    func run() throws {
        let key = try keyFile.map { try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let result = try LoadBench.run(endpoint: endpoint, key: key, clients: clients, seconds: seconds, method: method)
        print(LoadBench.describe("load", clients, result))
    }
}
