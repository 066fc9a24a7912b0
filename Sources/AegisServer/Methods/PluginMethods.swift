import AegisApp
import AegisDomain
import Foundation

/// `plugin.*`: what plugin processes say (hello, heartbeat) and what admins
/// do with them (list, start, stop, restart, logs).
enum PluginMethods {
    static let all: [MethodHandler] = [
        .method("plugin.hello", HelloParams.self) { p, scope in
            let (supervisor, name) = try caller(scope)
            guard p.name == name else {
                throw CallFailure(
                    code: .invalidArgument, message: "this credential is plugin \(name)'s, not \(p.name)'s",
                    details: ["field": "name"])
            }
            let (version, capabilities) = try PluginHello.validate(version: p.version, capabilities: p.capabilities ?? [])
            supervisor.hello(name, version: version, capabilities: capabilities)
            return HelloResult(
                name: name, heartbeatIntervalMS: supervisor.policy.heartbeatInterval.milliseconds,
                heartbeatTimeoutMS: supervisor.heartbeatTimeout(of: name)?.milliseconds ?? 0)
        },
        .method("plugin.heartbeat", HeartbeatParams.self) { p, scope in
            let (supervisor, name) = try caller(scope)
            let report = p.status ?? [:]
            // The heartbeat counts whatever the counters: bad ones are refused, not the beat.
            let valid = report.count <= 64 && report.keys.allSatisfy { !$0.isEmpty && $0.utf8.count <= 64 }
            supervisor.heartbeat(name, report: valid ? report : [:])
            guard valid else {
                throw CallFailure(
                    code: .invalidArgument,
                    message: "status holds at most 64 counters with names of 1 to 64 bytes (the heartbeat was counted)",
                    details: ["field": "status"])
            }
            return Done()
        },
        .method("plugin.list") { scope in Items(items: try supervisor(scope).statuses.map(PluginWire.init)) },
        .method("plugin.start", NameParams.self) { p, scope in try command(scope, "plugin.start", p.name) { try $0.start($1) } },
        .method("plugin.stop", NameParams.self) { p, scope in try command(scope, "plugin.stop", p.name) { try $0.stop($1) } },
        .method("plugin.restart", NameParams.self) { p, scope in
            try command(scope, "plugin.restart", p.name) { try $0.restart($1) }
        },
        .method("plugin.logs", LogsParams.self) { p, scope in
            let lines = p.lines ?? 100
            guard (1...1000).contains(lines) else {
                throw CallFailure(code: .invalidArgument, message: "lines must be 1 to 1000", details: ["field": "lines"])
            }
            guard let logs = try supervisor(scope).logs(p.name, last: lines) else { throw notFound(p.name) }
            return Items(items: logs.map { LogLine(at: $0.at, stream: $0.stream, text: $0.text) })
        },
    ]

    private static func supervisor(_ scope: RequestScope) throws -> PluginSupervisor {
        guard let supervisor = scope.plugins else { throw AegisError.failedPrecondition("this daemon supervises no plugins") }
        return supervisor
    }

    /// The supervisor and the calling plugin's name.
    private static func caller(_ scope: RequestScope) throws -> (PluginSupervisor, String) {
        let principal = try scope.context.requirePrincipal()
        guard principal.kind == .plugin else { throw AegisError(.permissionDenied, "only plugins say hello and heartbeat") }
        let supervisor = try supervisor(scope)
        guard supervisor.isDeclared(principal.id) else { throw notFound(principal.id) }
        return (supervisor, principal.id)
    }

    /// An admin's command: audited, carried out, answered with the plugin as it is now.
    private static func command(
        _ scope: RequestScope, _ method: String, _ name: String, _ body: (PluginSupervisor, String) throws -> Void
    ) throws -> PluginWire {
        let supervisor = try supervisor(scope)
        guard supervisor.isDeclared(name) else { throw notFound(name) }
        try body(supervisor, name)
        try PluginEventLog(env: scope.env, context: scope.context).recordCommand(method, plugin: name)
        guard let status = supervisor.statuses.first(where: { $0.name == name }) else { throw notFound(name) }
        return PluginWire(status)
    }

    private static func notFound(_ name: String) -> AegisError { AegisError.notFound("plugin", String(name.prefix(64))) }

    struct HelloParams: Decodable, Sendable {
        var name: String
        var version: String
        var capabilities: [String]?
    }

    struct HelloResult: Encodable, Sendable {
        var name: String
        var heartbeatIntervalMS: Int64
        var heartbeatTimeoutMS: Int64
        enum CodingKeys: String, CodingKey {
            case name
            case heartbeatIntervalMS = "heartbeat_interval_ms"
            case heartbeatTimeoutMS = "heartbeat_timeout_ms"
        }
    }

    struct HeartbeatParams: Decodable, Sendable {
        /// Counters the plugin reports (errors, imported...), shown by `plugin.list`.
        var status: [String: Int64]?
    }

    struct NameParams: Decodable, Sendable { var name: String }

    struct LogsParams: Decodable, Sendable {
        var name: String
        var lines: Int?
    }

    struct LogLine: Encodable, Sendable {
        var at: Date
        var stream: String
        var text: String
    }
}

/// A plugin on the wire (`plugin.list`).
struct PluginWire: Encodable, Sendable {
    var name: String
    var state: String
    var pid: Int32?
    var restarts: Int
    var lastHeartbeat: Date?
    var lastExit: String?
    var exitStatus: Int32?
    var signal: Int32?
    var version: String?
    var capabilities: [String]
    var singleton: Bool
    var status: [String: Int64]
    var startedAt: Date?

    enum CodingKeys: String, CodingKey {
        case name, state, pid, restarts, version, capabilities, singleton, status, signal
        case lastHeartbeat = "last_heartbeat"
        case lastExit = "last_exit"
        case exitStatus = "exit_status"
        case startedAt = "started_at"
    }

    init(_ s: PluginSupervisor.Status) {
        name = s.name
        state = s.state.rawValue
        pid = s.pid
        restarts = s.restarts
        lastHeartbeat = s.lastHeartbeat
        lastExit = s.lastExit.map { "\($0)" }
        switch s.lastExit {
        case .exited(let status)?: exitStatus = status
        case .signaled(let number)?: signal = number
        case nil: break
        }
        version = s.version
        capabilities = s.capabilities
        singleton = s.singleton
        status = s.report
        startedAt = s.startedAt
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
