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

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the daemon holds for its clients and has refused them (admins).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("system.stats")
            if options.json { return Output.json(result) }
            Output.fields(
                result,
                [("instance", "instance"), ("resident bytes", "resident_bytes"), ("open files limit", "open_files_limit"),
                    ("uploads open", "uploads")])
            Output.fields(
                result["transport"] ?? .nil,
                [("connections", "connections"), ("unread reply bytes", "unread_bytes"),
                    ("requests in flight", "requests_in_flight"), ("pending request bytes", "pending_request_bytes"),
                    ("refused, not reading", "refused_unread"), ("refused, too many in flight", "refused_in_flight"),
                    ("refused, busy", "refused_busy"), ("replies dropped", "dropped_replies")])
        }
    }
}
