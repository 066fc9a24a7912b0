import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// `aegisctl upload list|abort`: chunked uploads in progress (yours; an
/// admin's: everyone's).
struct UploadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Chunked uploads in progress (admins see and abort anyone's).",
        subcommands: [UploadList.self, UploadAbort.self])
}

let uploadColumns: [(title: String, key: String, max: Int)] = [
    ("ID", "id", 40), ("KIND", "kind", 10), ("OWNER", "owner", 45), ("FILES", "files", 6), ("BYTES", "bytes", 14),
    ("OF", "max_bytes", 14), ("STARTED", "started_at", 20), ("LAST APPEND", "touched_at", 20),
]

struct UploadList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List uploads in progress.")
    @OptionGroup var options: GlobalOptions
    @Option(name: .long, help: "Only this owner's (user:usr_... or api_key:key_...).") var owner: String?
    @Option(name: .long, help: "Only catalog or evidence uploads.") var kind: String?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("owner", owner)
        params.put("kind", kind)
        try reportingFailures {
            let items = try options.client().call("upload.list", params)["items"]?.arrayValue ?? []
            if options.json { return Output.json(.array(items)) }
            Output.table(items, uploadColumns)
        }
    }
}

struct UploadAbort: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort", abstract: "Discard an upload in progress (an admin: anyone's; audited).")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Upload id (upl_...).") var id: String
    @Option(name: .long, help: "Why, for the audit trail.") var reason: String?

    func run() throws {
        var params: MessagePackMap = ["upload_id": .string(id)]
        params.put("reason", reason)
        try reportingFailures {
            let result = try options.client().call("upload.abort", params)
            if options.json { return Output.json(result) }
            print("aborted \(Output.text(result["kind"])) upload \(id) of \(Output.text(result["owner"])) "
                + "(\(Output.text(result["bytes"])) bytes received)")
        }
    }
}
