import AegisClient
import AegisWire
import ArgumentParser
import Foundation

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "The event stream.", subcommands: [EventsReplay.self, EventsWatch.self])
}

struct EventsReplay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Events after a seq.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Show events after this seq.") var after: Int64 = 0
    @Option(name: .long, help: "At most this many.") var limit: Int = 100

    func run() throws {
        try reportingFailures {
            let result = try options.client().call(
                "events.replay", ["after_seq": .int(after), "limit": .int(Int64(limit))])
            if options.json { return Output.json(result) }
            Output.table(
                result.mapValue?["items"]?.arrayValue ?? [],
                [("SEQ", "seq", 8), ("TYPE", "type", 28), ("AT", "occurred_at", 22), ("ACTOR", "actor", 40),
                    ("SUBJECT", "subject", 40)])
        }
    }
}

struct EventsWatch: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "watch", abstract: "Print events as they happen.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Topic prefixes (event types), default all.") var topic: [String] = []

    func run() throws {
        let subscriber = try EventSubscriber(endpoint: options.settings.eventsEndpoint, topics: topic)
        while true {
            guard let event = try subscriber.next(timeout: .seconds(3600)) else { continue }
            print("\(event.seq)  \(event.type)  \(event.subjectKind):\(event.subjectID)  \(Output.text(.map(event.payload)))")
            fflush(nil)
        }
    }
}
