import AegisClient
import ArgumentParser
import Foundation

struct Ping: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check that aegisd answers.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let client = try options.client()
            let started = ContinuousClock.now
            let result = try client.call("system.ping")
            let elapsed = ContinuousClock.now - started
            if options.json { return Output.json(result) }
            let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            print("pong from \(client.endpoint) in \(String(format: "%.2f", ms)) ms")
        }
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show version, uptime, store and catalog version.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("system.info")
            if options.json { return Output.json(result) }
            Output.fields(
                result,
                [("name", "name"), ("version", "version"), ("protocol", "protocol"), ("instance", "instance"),
                    ("started", "started_at"), ("uptime ms", "uptime_ms"), ("store", "store"),
                    ("catalog", "catalog_version")])
        }
    }
}
