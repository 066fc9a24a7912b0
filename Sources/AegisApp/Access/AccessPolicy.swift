import AegisDomain

/// The method-by-role policy, in one place. A method is public (no `auth`),
/// open to any authenticated principal, or limited to some roles.
public enum AccessPolicy {
    public enum Rule: Sendable, Equatable {
        case `public`
        case authenticated
        case roles(Set<Role>)
        /// Plugin principals only (`plugin.hello`, `plugin.heartbeat`).
        case plugins
    }

    /// Every method the daemon serves, with its rule. A method missing here
    /// is refused, whatever the method table says.
    public static let rules: [String: Rule] = {
        let red: Set<Role> = [.redLead, .redOperator]
        let blue: Set<Role> = [.blueLead, .blueAnalyst]
        let leads: Set<Role> = [.redLead, .blueLead]
        let admin: Rule = .roles([.admin])
        var rules: [String: Rule] = [
            "system.ping": .public,
            "system.info": .public,
            "system.stats": admin,
            // Plugins: they say hello and heartbeat; admins watch and steer them.
            "plugin.hello": .plugins,
            "plugin.heartbeat": .plugins,
            "plugin.list": admin,
            "plugin.start": admin,
            "plugin.stop": admin,
            "plugin.restart": admin,
            "plugin.logs": admin,
            "auth.login": .public,
            "auth.logout": .authenticated,
            "auth.whoami": .authenticated,
            "auth.change_password": .authenticated,
            "user.create": admin,
            "user.update": admin,
            "user.disable": admin,
            "user.get": .authenticated,
            "user.list": .authenticated,
            "api_key.create": admin,
            "api_key.list": admin,
            "api_key.revoke": admin,
            "catalog.status": .authenticated,
            "technique.get": .authenticated,
            "technique.list": .authenticated,
            "tactic.list": .authenticated,
            "actor.get": .authenticated,
            "actor.list": .authenticated,
            "mitigation.get": .authenticated,
            "events.replay": .authenticated,
            "events.status": .authenticated,
            // Tests: red builds and runs them, blue reviews, the leads validate
            // (each side's own, checked in the use case).
            "test.create": .roles(red),
            "test.create_from_template": .roles(red),
            "test.update": .roles(red),
            "test.mark_ready": .roles(red),
            "test.start": .roles(red),
            "test.pause": .roles(red),
            "test.resume": .roles(red),
            "test.submit_red": .roles(red),
            "test.retest": .roles(red),
            "test.cancel": .roles([.redLead]),
            "test.start_review": .roles(blue),
            "test.submit_blue": .roles(blue),
            "test.update_remediation": .roles(blue.union([.redLead])),
            "test.approve": .roles(leads),
            "test.reject": .roles(leads),
            "test.reopen": .roles(leads),
            "test.get": .authenticated,
            "test.list": .authenticated,
            "test.timeline": .authenticated,
            "template.create": .roles(red),
            "template.update": .roles(red),
            "template.delete": .roles([.redLead]),
            "template.import": .roles([.redLead]),
            "template.get": .authenticated,
            "template.list": .authenticated,
            // Either side attaches its own evidence (checked in the use case).
            "evidence.upload": .roles(red.union(blue)),
            "evidence.upload_begin": .roles(red.union(blue)),
            "evidence.upload_append": .roles(red.union(blue)),
            "evidence.upload_commit": .roles(red.union(blue)),
            "evidence.upload_abort": .roles(red.union(blue)),
            // Uploads in progress: everyone their own, admins anyone's.
            "upload.list": .authenticated,
            "upload.abort": .authenticated,
            "evidence.list": .authenticated,
            "evidence.get": .authenticated,
            "evidence.delete": .roles(leads),
            "audit.list": .roles(leads),
            "notification.list": .authenticated,
            "notification.mark_read": .authenticated,
            // Scores: everyone reads them; the leads set the weights, blue
            // (who knows its telemetry) sets visibility.
            "score.weights.get": .authenticated,
            "score.weights.set": .roles(leads),
            "score.technique": .authenticated,
            "score.tactic": .authenticated,
            "score.actor": .authenticated,
            "score.org": .authenticated,
            "visibility.set": .roles([.blueLead]),
            "data_component.list": .authenticated,
            "data_component.set_collected": .roles([.blueLead]),
            "snapshot.create": .roles(leads),
            "snapshot.get": .authenticated,
            "snapshot.list": .authenticated,
            "snapshot.diff": .authenticated,
            "layer.export": .authenticated,
            "layer.import": .authenticated,
            "layer.compare": .authenticated,
            "report.coverage": .authenticated,
            "report.test_results": .authenticated,
            "report.remediation": .authenticated,
            "report.export": .authenticated,
            "metrics.operational": .authenticated,
            "compliance.framework.import": .roles(leads),
            "compliance.framework.list": .authenticated,
            "compliance.gap": .authenticated,
            // Countermeasures: everyone reads them; a sync replaces a whole
            // source (an admin's for now; the D3FEND plugin's key later).
            "countermeasure.sync": admin,
            "countermeasure.list": .authenticated,
            "countermeasure.get": .authenticated,
            "report.countermeasures": .authenticated,
            // Detection rules: everyone reads them; blue leads own what is
            // imported and whether it fires.
            "rule.get": .authenticated,
            "rule.list": .authenticated,
            "rule.import": .roles([.blueLead]),
            "rule.delete": .roles([.blueLead]),
            "rule.set_state": .roles([.blueLead]),
            "rule.test": .roles(blue),
            "rule.backtest": .roles(blue),
            // Telemetry: sensors and collectors (the `ingest` role) feed it;
            // blue reads the events back; everyone sees the detections.
            "telemetry.ingest": .roles([.ingest]),
            "telemetry.get": .roles(blue),
            "detection.get": .authenticated,
            "detection.list": .authenticated,
            "rule.sources": .authenticated,
        ]
        for method in ["catalog.import", "catalog.import_begin", "catalog.import_append", "catalog.import_commit", "catalog.import_abort"] {
            rules[method] = admin
        }
        return rules
    }()

    public static func rule(for method: String) -> Rule? { rules[method] }

    /// What every plugin may call besides its scope: reading back the event
    /// stream it already receives (its kit fills gaps with it).
    public static let everyPluginMay: Set<String> = ["events.replay", "events.status"]

    /// Throws `PERMISSION_DENIED` unless `principal` may call `method`. A
    /// plugin may call what its scope names (whatever roles the method
    /// needs), `plugin.hello`, `plugin.heartbeat`, ``everyPluginMay`` and
    /// public methods, and nothing else.
    public static func authorize(_ principal: Principal, _ method: String) throws(AegisError) {
        if principal.kind == .plugin {
            let rule = rules[method]
            if rule == .plugins || rule == .public || everyPluginMay.contains(method)
                || PluginScope.allows(principal.scope ?? [], method)
            {
                return
            }
            throw AegisError(
                .permissionDenied, "\(method) is outside the scope of plugin \(principal.id)",
                details: ["method": .string(method)])
        }
        switch rules[method] {
        case .public?:
            return
        case .authenticated?:
            // A key that only feeds telemetry reads nothing.
            guard principal.roles.isSubset(of: [.ingest]), !principal.roles.isEmpty else { return }
            throw AegisError(
                .permissionDenied, "\(method) is not for ingest-only credentials", details: ["method": .string(method)])
        case .roles(let allowed)?:
            if principal.has(.admin) || !principal.roles.isDisjoint(with: allowed) { return }
            throw AegisError(
                .permissionDenied, "\(method) needs one of the roles \(allowed.sorted().map(\.rawValue).joined(separator: ", "))",
                details: ["method": .string(method)])
        case .plugins?:
            throw AegisError(.permissionDenied, "\(method) is for plugins", details: ["method": .string(method)])
        case nil:
            throw AegisError(.permissionDenied, "\(method) is not allowed", details: ["method": .string(method)])
        }
    }
}
