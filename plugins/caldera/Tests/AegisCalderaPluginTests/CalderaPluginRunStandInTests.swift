import AegisClient
import AegisWire
import CalderaTestSupport
import Foundation
import Testing

/// `run_tests = true` against the Caldera stand-in: a test red starts from a
/// Caldera template on a Caldera agent is pushed to the agent as a
/// potential link, and red's result comes back when the link finishes. The
/// stand-in plays the operation the plugin creates and its link from the
/// recorded ones (`operation-create`, `potential-link-create`, `link-0`).
@Suite(.serialized) struct CalderaPluginRunStandInTests {
    /// The plugin's operation in the stand-in: what was pushed, and its one link.
    final class RunOperation: @unchecked Sendable {
        static let id = "aegis-run-operation"
        static var base: String { "/api/v2/operations/\(id)" }
        private let lock = NSLock()
        private let standIn: CalderaStandIn
        private var link: [String: Any]?
        private var pushed: [[String: Any]] = []

        init(_ standIn: CalderaStandIn) throws {
            self.standIn = standIn
            standIn.handle("POST", "/api/v2/operations") { [self] body in created(body) }
            standIn.handle("POST", "\(Self.base)/potential-links") { [self] body in push(body) }
            standIn.handle("GET", "\(Self.base)/links") { [self] _ in
                Self.json(lock.withLock { link.map { [$0] } ?? [] })
            }
        }

        var pushes: [[String: Any]] { lock.withLock { pushed } }

        private func recorded(_ name: String) -> [String: Any] {
            ((try? standIn.recordings.named(name).json()) as? [String: Any]) ?? [:]
        }

        /// `POST /operations`: the recorded operation, named as asked.
        private func created(_ body: Data) -> CalderaStandIn.Response {
            let request = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            var operation = recorded("operation-create")
            operation["id"] = Self.id
            operation["name"] = request["name"]
            operation["group"] = request["group"] ?? ""
            return Self.json(operation)
        }

        /// `POST .../potential-links`: the recorded queued link, with what was pushed.
        private func push(_ body: Data) -> CalderaStandIn.Response {
            let request = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            let executor = request["executor"] as? [String: Any] ?? [:]
            var link = recorded("potential-link-create")
            link["id"] = "aegis-run-link"
            link["paw"] = request["paw"]
            link["command"] = executor["command"]
            link["plaintext_command"] = executor["command"]
            link["ability"] = request["ability"]
            lock.withLock {
                pushed.append(request)
                self.link = link
            }
            return Self.json(link)
        }

        /// The agent ran it: the link finishes as the recorded `echo` did.
        func finish() {
            let finished = recorded("link-0")
            var result = recorded("link-0-result")
            lock.withLock {
                guard var link else { return }
                for key in ["status", "decide", "collect", "finish", "output", "agent_reported_time", "pid"] {
                    link[key] = finished[key]
                }
                self.link = link
                result["link"] = link
            }
            standIn.serve("GET", "\(Self.base)/links/aegis-run-link/result", json: Self.body(result))
        }

        static func body(_ object: Any) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }
        static func json(_ object: Any) -> CalderaStandIn.Response { .init(status: 200, body: body(object)) }
    }

    static func settings(_ standIn: CalderaStandIn) -> String {
        CalderaAegisd.settings(
            url: standIn.url, importing: "prefix:no-operation-is-imported", extra: "run_tests = true")
    }

    /// A test red makes from the template of the recorded `echo` ability, started.
    static func startedTest(_ aegisd: CalderaAegisd, targets: [String], blind: Bool = true) throws -> MessagePackValue {
        #expect(try eventually { try Self.template(aegisd) != nil })
        let template = try #require(try Self.template(aegisd))
        var test = try aegisd.admin.call(
            "test.create_from_template",
            [
                "template_id": template["id"] ?? .nil, "targets": .array(targets.map(MessagePackValue.string)),
                "blind": .bool(blind),
            ])
        for move in ["test.mark_ready", "test.start"] {
            test = try aegisd.admin.call(move, ["id": test["id"] ?? .nil, "version": test["version"] ?? .nil])
        }
        return test
    }

    static func template(_ aegisd: CalderaAegisd) throws -> MessagePackValue? {
        let items = try aegisd.admin.call("template.list", ["format": "caldera", "limit": 1000])["items"]?.arrayValue
        return items?.first { $0["source"]?["source_id"] == "aegis-rec-echo" }
    }

    static func state(_ aegisd: CalderaAegisd, _ test: MessagePackValue) throws -> MessagePackValue? {
        try aegisd.admin.call("test.get", ["id": test["id"] ?? .nil])["state"]
    }

    @Test func standInATestRedStartsRunsThroughCalderaOnceAndGetsItsResult() throws {
        let standIn = try CalderaStandIn()
        let run = try RunOperation(standIn)
        let aegisd = try CalderaAegisd(settings: Self.settings(standIn))
        // Blind: the plugin works for red, so it reads the test all the same.
        let test = try Self.startedTest(aegisd, targets: ["aegisrec"])
        let id = try #require(test["id"]?.stringValue)

        #expect(try eventually { run.pushes.count == 1 })
        let pushed = try #require(run.pushes.first)
        let executor = pushed["executor"] as? [String: Any] ?? [:]
        let ability = pushed["ability"] as? [String: Any] ?? [:]
        #expect(pushed["paw"] as? String == "aegisrec")
        #expect(executor["name"] as? String == "sh")
        #expect(executor["platform"] as? String == "linux")
        #expect(executor["command"] as? String == "echo aegis-recorded")
        #expect(ability["ability_id"] as? String == "aegis-rec-echo")
        #expect(ability["technique_id"] as? String == "T1082")
        #expect(ability["description"] as? String == "Run by Aegis for test \(id)")
        #expect(standIn.count("POST", "/api/v2/operations") == 1)
        #expect(try Self.state(aegisd, test) == "red_running")
        #expect(try aegisd.logged("test \(id) pushed to Caldera agent aegisrec (aegis-rec01.lab.example)"))

        // Restarted before the link finishes: it finds its link, and does not push again.
        _ = try aegisd.admin.call("plugin.restart", ["name": "caldera"])
        #expect(try eventually { try aegisd.events("plugin.started").count == 2 })
        let looks = standIn.count("GET", "/api/v2/operations/\(RunOperation.id)/links")
        #expect(try eventually { standIn.count("GET", "/api/v2/operations/\(RunOperation.id)/links") >= looks + 2 })
        #expect(run.pushes.count == 1)

        run.finish()
        #expect(try eventually { try Self.state(aegisd, test) == "blue_pending" })
        let done = try aegisd.admin.call("test.get", ["id": .string(id)])
        #expect(done["red"]?["outcome"] == "executed")
        #expect(done["red"]?["submitted_by"] == "plugin:caldera")
        #expect(done["red"]?["commands"] == .array(["echo aegis-recorded"]))
        let evidence = try aegisd.evidence(id)
        #expect(evidence.count == 1)
        #expect(evidence.first?["side"] == "red")
        #expect(try eventually { try aegisd.counter("runs_finished") == 1 })
        #expect(try aegisd.counter("runs_pushed") == 0, "pushed by the first run; this run only finished it")
        #expect(run.pushes.count == 1)
    }

    @Test func standInATestWhoseTargetsNameNoAgentIsLeftToRed() throws {
        let standIn = try CalderaStandIn()
        let run = try RunOperation(standIn)
        let aegisd = try CalderaAegisd(settings: Self.settings(standIn))
        let test = try Self.startedTest(aegisd, targets: ["web99.corp.example"], blind: false)
        let id = try #require(test["id"]?.stringValue)
        #expect(
            try eventually {
                try aegisd.logged(
                    "test \(id) is not run through Caldera: no agent is named by its targets (web99.corp.example)")
            })
        #expect(try eventually { try aegisd.counter("runs_refused") == 1 })
        #expect(run.pushes.isEmpty)
        #expect(try Self.state(aegisd, test) == "red_running")
        // A test made by hand is none of the plugin's business.
        var manual = try aegisd.admin.call(
            "test.create", ["technique_id": "T1082", "name": "By hand", "targets": ["aegisrec"], "command": "echo hi"])
        for move in ["test.mark_ready", "test.start"] {
            manual = try aegisd.admin.call(move, ["id": manual["id"] ?? .nil, "version": manual["version"] ?? .nil])
        }
        let looks = standIn.count("GET", "/api/v2/agents")
        let polls = try aegisd.counter("polls")
        #expect(try eventually { try aegisd.counter("polls") >= polls + 2 })
        #expect(run.pushes.isEmpty)
        #expect(standIn.count("GET", "/api/v2/agents") == looks, "not even looked at")
    }
}
