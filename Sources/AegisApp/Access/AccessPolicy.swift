import AegisDomain

/// The method-by-role policy, in one place. A method is public (no `auth`),
/// open to any authenticated principal, or limited to some roles.
public enum AccessPolicy {
    public enum Rule: Sendable, Equatable {
        case `public`
        case authenticated
        case roles(Set<Role>)
    }

    /// Every method the daemon serves, with its rule. A method missing here
    /// is refused, whatever the method table says.
    public static let rules: [String: Rule] = [
        "system.ping": .public,
        "system.info": .public,
        "catalog.import": .roles([.admin]),
        "catalog.import_begin": .roles([.admin]),
        "catalog.import_append": .roles([.admin]),
        "catalog.import_commit": .roles([.admin]),
        "catalog.import_abort": .roles([.admin]),
        "catalog.status": .authenticated,
        "technique.get": .authenticated,
        "technique.list": .authenticated,
        "tactic.list": .authenticated,
        "actor.get": .authenticated,
        "actor.list": .authenticated,
        "mitigation.get": .authenticated,
        "events.replay": .authenticated,
    ]

    public static func rule(for method: String) -> Rule? { rules[method] }

    /// Throws `PERMISSION_DENIED` unless `principal` may call `method`.
    public static func authorize(_ principal: Principal, _ method: String) throws(AegisError) {
        switch rules[method] {
        case .public?, .authenticated?:
            return
        case .roles(let allowed)?:
            if principal.has(.admin) || !principal.roles.isDisjoint(with: allowed) { return }
            throw AegisError(
                .permissionDenied, "\(method) needs one of the roles \(allowed.sorted().map(\.rawValue).joined(separator: ", "))",
                details: ["method": .string(method)])
        case nil:
            throw AegisError(.permissionDenied, "\(method) is not allowed", details: ["method": .string(method)])
        }
    }
}
