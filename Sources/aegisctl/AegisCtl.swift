import AegisClient
import AegisWire
import ArgumentParser
import Foundation

/// aegisctl: the admin's command line for aegisd.
@main
struct AegisCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aegisctl",
        abstract: "Talk to aegisd: the ATT&CK catalog, coverage and administration.",
        discussion: """
            The endpoint comes from --endpoint, AEGIS_RPC_ENDPOINT, the running daemon's \
            <AEGIS_DATA_DIR>/aegisd.json, or tcp://127.0.0.1:7700; the key from AEGIS_API_KEY, the session \
            `aegisctl login` stored for that endpoint ($XDG_CONFIG_HOME/aegis/session, default \
            ~/.config/aegis/session), or <AEGIS_DATA_DIR>/admin.key (AEGIS_DATA_DIR defaults to ./var). \
            Refused calls print `CODE: message` and exit 2; an unreachable daemon exits 3.
            """,
        subcommands: [
            Ping.self, Info.self, Stats.self, Login.self, Logout.self, WhoAmI.self, PasswordCommand.self, UserCommand.self,
            APIKeyCommand.self, CatalogCommand.self, TechniqueCommand.self, TacticCommand.self, ActorCommand.self,
            MitigationCommand.self, TemplateCommand.self, TestCommand.self, EvidenceCommand.self, Audit.self,
            NotificationsCommand.self, EventsCommand.self, StoreCommand.self, ScoreCommand.self,
            SnapshotCommand.self, LayerCommand.self, ReportCommand.self, MetricsCommand.self, ComplianceCommand.self,
            UploadCommand.self, PluginCommand.self, CountermeasureCommand.self, RuleCommand.self, TelemetryCommand.self,
            DetectionCommand.self,
        ])
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "RPC endpoint of aegisd.")
    var endpoint: String?

    @Flag(name: .long, help: "Print the result as JSON instead of a table.")
    var json = false

    @Option(name: .long, help: "Seconds to wait for each reply.")
    var timeout: Int = 30

    func client() throws -> AegisClient {
        let settings = ClientSettings.resolve(endpoint: endpoint)
        return try AegisClient(endpoint: settings.endpoint, apiKey: settings.apiKey, timeout: .seconds(timeout))
    }

    var settings: ClientSettings { ClientSettings.resolve(endpoint: endpoint) }
}

/// Runs `body`, printing a failed call as `CODE: message` on stderr and
/// exiting non-zero.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as AegisClientError {
        FileHandle.standardError.write(Data("aegisctl: \(error)\n".utf8))
        throw ExitCode(error.exitStatus)
    }
}

extension AegisClientError {
    /// 2 for refused requests, 3 for unreachable daemons.
    var exitStatus: Int32 {
        switch self {
        case .remote: 2
        case .timeout, .transport: 3
        }
    }
}
