import AegisCaldera
import AegisPluginKit
import Foundation

/// `aegis-caldera`: brings red's work in MITRE Caldera into Aegis. Run by
/// aegisd as a plugin (`[[plugin]]` in its config file; see
/// plugins/caldera/README.md): it imports Caldera's abilities as templates,
/// and turns every finished link of the operations its settings name into
/// an Aegis test waiting for blue, once.
///
/// Exit status: 0 when stopped, 78 (EX_CONFIG) when its settings or its
/// environment cannot be used.

let version = "1.0.0"

let environment: PluginEnvironment
let settings: CalderaPluginSettings
do {
    environment = try PluginEnvironment()
    settings = try CalderaPluginSettings(json: environment.settingsJSON)
} catch {
    Log.error("aegis-caldera cannot start: \(error)")
    exit(78)
}

let plugin = try AegisPlugin(
    version: version, capabilities: ["import-abilities", "import-links"] + (settings.runTests ? ["run-tests"] : []))
/// The Caldera operation the plugin pushes the tests it runs into; never imported.
let runOperationName = "aegis-runs-\(environment.name)"
let caldera = CalderaClient(settings: settings.caldera)
let aegis = AegisAPI(client: try plugin.client())
let faults = Faults(plugin: plugin)
let intake = OperationIntake(
    caldera: caldera, aegis: aegis, importer: LinkImporter(aegis: aegis, assignees: settings.assignees),
    faults: faults, isOwnOperation: { $0.name == runOperationName })
let abilities = AbilitySync(caldera: caldera, aegis: aegis, faults: faults)

Log.info(
    "aegis-caldera \(version): Caldera at \(settings.caldera.url.absoluteString), polling every "
        + "\(settings.caldera.pollInterval) s, importing \(settings.caldera.operations)")
do throws(CalderaError) {
    let health = try blocking { try await caldera.health() }
    Log.info("Caldera \(health.version) answers (access \(health.access))")
} catch {
    faults.caldera(error, "checking Caldera")
}

if settings.runTests {
    let runner = TestRunner(
        plugin: plugin, caldera: caldera, aegis: AegisAPI(client: try plugin.client()), faults: faults,
        operationName: runOperationName)
    let thread = Thread { runner.run() }
    thread.name = "aegis-caldera-runs"
    thread.start()
    Log.info("running the tests red starts from Caldera templates on the agents their targets name")
}

var polls = 0
var abilitiesSynced = false
while !plugin.isStopping {
    // Abilities at the first poll that reaches Caldera, then every N polls.
    if !abilitiesSynced || polls % settings.abilitiesEvery == 0 {
        if abilities.run(logSkipped: !abilitiesSynced) {
            abilitiesSynced = true
            intake.forgetSkipped()
        }
    }
    intake.poll(stopping: { plugin.isStopping })
    polls += 1
    plugin.count("polls")
    plugin.wait(.milliseconds(Int(settings.caldera.pollInterval * 1000)))
}
Log.info("aegis-caldera stopping")
exit(0)
