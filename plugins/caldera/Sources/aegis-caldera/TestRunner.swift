import AegisCaldera
import AegisClient
import AegisPluginKit
import Foundation

/// Runs through Caldera the tests red starts (`run_tests = true`): a test
/// made from a Caldera template (`template.get`: format `caldera`, the
/// ability id) whose `targets` name a Caldera agent (paw or host) is pushed
/// to that agent as a potential link of an operation the plugin owns, and
/// when the link finishes, red's result and output are submitted as for an
/// imported link (`LinkImporter.finishRed`).
///
/// It follows `test.state_changed` with the kit's gap-free follower, from
/// the `seq` it starts at; at start it looks at the tests already running,
/// so nothing started while it was down is missed. A link it pushed names
/// its test in its ability's description, so after a restart it finds its
/// links again instead of pushing twice.
///
/// Made on the main thread, then used by its own thread alone.
final class TestRunner: @unchecked Sendable {
    let plugin: AegisPlugin
    let caldera: CalderaClient
    let aegis: AegisAPI
    let importer: LinkImporter
    let faults: Faults
    /// The agent group the operation runs against (nil: every agent).
    let group: String?
    let operationName: String
    let pollInterval: Duration
    /// The plugin's own operation, once found or created.
    private var operation: CalderaOperation?
    /// Tests pushed to Caldera, waiting for their link: test id -> link id.
    private var running: [String: String] = [:]
    /// Tests reported as not runnable through Caldera (reported once).
    private var refused: Set<String> = []

    init(plugin: AegisPlugin, caldera: CalderaClient, aegis: AegisAPI, faults: Faults, operationName: String) {
        self.plugin = plugin
        self.caldera = caldera
        self.aegis = aegis
        importer = LinkImporter(aegis: aegis, assignees: [])
        self.faults = faults
        group = caldera.settings.agentGroup
        self.operationName = operationName
        pollInterval = .milliseconds(Int(caldera.settings.pollInterval * 1000))
    }

    /// The thread's body: until the plugin stops.
    func run() {
        var follower: EventFollower?
        var lastCheck = ContinuousClock.now
        while !plugin.isStopping {
            do {
                if follower == nil { follower = try start() }
                if let event = try follower?.next(timeout: pollInterval) { try handle(event) }
            } catch let error as AegisClientError {
                faults.aegis(error, "following the tests red starts")
                follower = nil
                plugin.wait(pollInterval)
            } catch {
                faults.plugin.count("errors")
                Log.error("following the tests red starts: \(error)")
                follower = nil
                plugin.wait(pollInterval)
            }
            if ContinuousClock.now - lastCheck >= pollInterval {
                checkRunning()
                lastCheck = ContinuousClock.now
            }
        }
    }

    /// Where the event stream stands, then the tests already running.
    private func start() throws -> EventFollower {
        let seq = try aegis.lastSeq()
        for state in ["red_running", "red_paused"] {
            for test in try aegis.tests(state: state) { try consider(test.id, mayPush: state == "red_running") }
        }
        return try plugin.events(topics: ["test.state_changed"], afterSeq: seq)
    }

    private func handle(_ event: AegisEvent) throws(AegisClientError) {
        guard event.type == "test.state_changed", event.payload["to"] == "red_running",
            event.actor != "plugin:\(plugin.environment.name)"
        else { return }
        try consider(event.subjectID, mayPush: event.payload["action"] == "start")
    }

    /// Pushes `testID` to Caldera if it is one to run and not pushed yet.
    private func consider(_ testID: String, mayPush: Bool) throws(AegisClientError) {
        guard running[testID] == nil, !refused.contains(testID) else { return }
        let test = try aegis.test(id: testID)
        guard test.sourceRef == nil, ["red_running", "red_paused"].contains(test.state),
            let templateID = test.templateID
        else { return }
        let source = try aegis.templateSource(id: templateID)
        guard source.format == "caldera", let abilityID = source.sourceID else { return }
        do throws(CalderaError) {
            let operation = try ownOperation()
            let caldera = caldera
            let links = try blocking { try await caldera.links(operationID: operation.id) }
            if let link = links.first(where: { TestRun.testID(fromDescription: $0.ability.description) == testID }) {
                running[testID] = link.id
                return
            }
            guard mayPush else { return }
            let agents = try blocking { try await caldera.agents() }
            let ability = try? blocking { try await caldera.ability(id: abilityID) }
            let toRun = TestToRun(
                id: test.id, name: test.name, techniqueID: test.techniqueID, command: test.command,
                executor: test.executor, platform: test.platform, targets: test.targets, abilityID: abilityID)
            switch TestRun.plan(toRun, ability: ability, agents: agents, group: group) {
            case .success(let plan):
                let pushed = try blocking { try await caldera.pushLink(operationID: operation.id, plan.link) }
                running[testID] = pushed.id
                plugin.count("runs_pushed")
                Log.info(
                    "test \(testID) pushed to Caldera agent \(plan.agent.paw) (\(plan.agent.host)) as link \(pushed.id)"
                )
            case .failure(let refusal):
                refused.insert(testID)
                plugin.count("runs_refused")
                Log.error("test \(testID) is not run through Caldera: \(refusal.reason)")
            }
        } catch {
            faults.caldera(error, "running test \(testID) through Caldera")
        }
    }

    /// The operation the plugin pushes its links into: found by name, else
    /// created (empty adversary, not closing by itself).
    private func ownOperation() throws(CalderaError) -> CalderaOperation {
        if let operation { return operation }
        let caldera = caldera
        let name = operationName
        let open = try blocking { try await caldera.operations() }.first {
            $0.name == name && !["finished", "cleanup", "out_of_time"].contains($0.state)
        }
        let group = group
        if let open {
            operation = open
            return open
        }
        let created = try blocking {
            try await caldera.createOperation(
                CalderaOperationRequest(name: name, group: group, state: "running", autoClose: false))
        }
        Log.info("Caldera operation \(created.name) (\(created.id)) created for the tests it runs")
        operation = created
        return created
    }

    /// Submits red's result of every pushed test whose link finished.
    private func checkRunning() {
        guard let operation, !running.isEmpty else { return }
        let caldera = caldera
        let links: [CalderaLink]
        do throws(CalderaError) {
            links = try blocking { try await caldera.links(operationID: operation.id) }
        } catch {
            if case .notFound = error { self.operation = nil }
            faults.caldera(error, "reading the links of the tests it runs")
            return
        }
        for (testID, linkID) in running {
            guard let link = links.first(where: { $0.id == linkID }) else {
                running[testID] = nil
                Log.error("test \(testID): its Caldera link \(linkID) is gone; start the test again to run it again")
                continue
            }
            guard CalderaLink.Status.isFinished(link.status), link.finish != nil else { continue }
            do {
                let output =
                    link.hasOutput
                    ? try blocking { try await caldera.linkResult(operationID: operation.id, linkID: linkID) }.output
                    : nil
                guard
                    case .importing(let plan) = LinkIntake.decide(
                        link, operation: operation, output: output, techniqueExists: { _ in true })
                else { continue }
                let test = try aegis.test(id: testID)
                running[testID] = nil
                guard test.awaitsRed, test.state != "draft", test.state != "ready" else {
                    Log.info(
                        "test \(testID): its Caldera link finished, but red's result is no longer awaited (\(test.state))"
                    )
                    continue
                }
                try importer.finishRed(test, plan, fresh: false)
                plugin.count("runs_finished")
                Log.info(
                    "test \(testID): its Caldera link \(linkID) finished with status \(link.status); red's result submitted"
                )
            } catch let error as CalderaError {
                faults.caldera(error, "reading the result of test \(testID)'s link")
            } catch let error as AegisClientError {
                faults.aegis(error, "submitting red's result of test \(testID)")
            } catch {
                faults.plugin.count("errors")
                Log.error("submitting red's result of test \(testID): \(error)")
            }
        }
    }
}
