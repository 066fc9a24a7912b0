import AegisClient
import AegisWire
import Foundation

/// Users of every role on a test daemon, each signed in with its own
/// client. The catalog holds ICS ATT&CK, so T0803 exists.
final class Team: @unchecked Sendable {
    let daemon: TestDaemon
    let admin: AegisClient
    var clients: [String: AegisClient] = [:]
    var ids: [String: String] = [:]
    static let password = "Correct-Horse-42!"

    /// `importingCatalog: false` for a daemon that imported it at start.
    init(daemon: TestDaemon? = nil, importingCatalog: Bool = true) throws {
        self.daemon = try daemon ?? TestDaemon()
        admin = try self.daemon.client()
        if importingCatalog { _ = try admin.call("catalog.import", ["files": .array([try SharedDaemon.icsFile()])]) }
        for (name, role) in [
            ("redlead", "red_lead"), ("redop", "red_operator"), ("bluelead", "blue_lead"),
            ("blueanalyst", "blue_analyst"), ("viewer1", "viewer"),
        ] {
            let user = try admin.call(
                "user.create",
                ["username": .string(name), "password": .string(Self.password), "roles": .array([.string(role)])])
            ids[name] = user.mapValue?["id"]?.stringValue
            clients[name] = try signIn(name)
        }
    }

    func signIn(_ name: String, password: String = Team.password) throws -> AegisClient {
        let anonymous = try daemon.client(key: .some(nil))
        let login = try anonymous.call("auth.login", ["username": .string(name), "password": .string(password)])
        guard let token = login.mapValue?["token"]?.stringValue else { throw AegisClientError.transport("no token") }
        return try daemon.client(key: .some(token))
    }

    subscript(name: String) -> AegisClient { clients[name] ?? admin }

    /// Calls a test move and returns the test.
    @discardableResult
    func move(_ who: String, _ method: String, _ test: MessagePackValue, _ extra: MessagePackMap = [:]) throws
        -> MessagePackValue
    {
        var params: MessagePackMap = ["id": test.mapValue?["id"] ?? .nil, "version": test.mapValue?["version"] ?? .nil]
        for (k, v) in extra.entries { params.append(key: k, value: v) }
        return try self[who].call(method, params)
    }

    /// A test created by the red operator for T0803, ready to start.
    func readyTest(name: String = "Block a command message", blind: Bool = true) throws -> MessagePackValue {
        let test = try self["redop"].call(
            "test.create",
            [
                "technique_id": "T0803", "name": .string(name), "procedure": "Send a spoofed block command",
                "command": "modbus-cli write 1 0", "blind": .bool(blind),
                "assignees": .array([.string(ids["redop"] ?? ""), .string(ids["blueanalyst"] ?? "")]),
            ])
        return try move("redop", "test.mark_ready", test)
    }

    /// Runs `test` through red and blue to awaiting_validation.
    func throughBlue(_ test: MessagePackValue, alerted: Bool = true) throws -> MessagePackValue {
        var t = test["state"] == "ready" ? try move("redop", "test.start", test) : test
        t = try move("redop", "test.submit_red", t, ["outcome": "executed", "commands": .array(["modbus-cli write 1 0"])])
        t = try move("blueanalyst", "test.start_review", t)
        return try move(
            "blueanalyst", "test.submit_blue", t,
            ["prevented": "none", "alerted": .bool(alerted), "logged": true, "detecting_tools": .array(["SIEM"])])
    }
}
