import AegisDomain
import Foundation

/// What the plugin supervisor records: each lifecycle announcement as an
/// event (`plugin.started`, `plugin.stopped`, `plugin.crashed`,
/// `plugin.failed`) with its audit row, committed like any change; and the
/// refusals of calls outside a plugin's scope.
public struct PluginEventLog {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// Records `announcement` about `plugin`, with `pid` and `restarts` where they apply.
    public func record(_ announcement: PluginAnnouncement, plugin: String, pid: Int32?, version: String?, restarts: Int)
        throws
    {
        let type: EventType
        var payload: [String: Value] = ["restarts": .int(Int64(restarts))]
        switch announcement {
        case .started:
            type = .pluginStarted
            payload["pid"] = pid.map { .int(Int64($0)) } ?? .null
            payload["version"] = .text(version)
        case .stopped:
            type = .pluginStopped
        case .crashed(let exit, let reason):
            type = .pluginCrashed
            payload["reason"] = .string(reason)
            payload["exit_status"] = .null
            payload["signal"] = .null
            switch exit {
            case .exited(let status)?: payload["exit_status"] = .int(Int64(status))
            case .signaled(let signal)?: payload["signal"] = .int(Int64(signal))
            case nil: break
            }
        case .failed(let reason):
            type = .pluginFailed
            payload["reason"] = .string(reason)
        }
        let now = env.clock.now()
        try context.session.write { repos in
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                type.rawValue, "plugin", plugin, changes: payload, event: type, payload: payload)
        }
    }

    /// An admin's `plugin.start`, `plugin.stop` or `plugin.restart`.
    public func recordCommand(_ method: String, plugin: String) throws {
        let now = env.clock.now()
        try context.session.write { repos in
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(method, "plugin", plugin)
        }
    }

    /// A plugin called `method`, outside its scope (refused).
    public func recordScopeDenied(_ method: String) throws {
        let principal = try context.requirePrincipal()
        let now = env.clock.now()
        try context.session.write { repos in
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "plugin.scope_denied", "plugin", principal.id, changes: ["method": .string(String(method.prefix(64)))])
        }
    }
}

/// What a plugin says in `plugin.hello`, checked.
public enum PluginHello {
    /// `version` (1 to 64 characters) and `capabilities` (at most 64, each
    /// at most 64 characters), or `INVALID_ARGUMENT` naming the field.
    public static func validate(version: String, capabilities: [String]) throws(AegisError) -> (String, [String]) {
        (
            try Validate.text(version, field: "version", max: 64),
            try Validate.list(capabilities, field: "capabilities", maxItems: 64, maxLength: 64)
        )
    }
}
