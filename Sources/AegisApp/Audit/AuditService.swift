import AegisDomain
import Foundation

/// `audit.list`: the trail, oldest first.
public struct AuditService {
    public let context: CallContext

    public init(context: CallContext) { self.context = context }

    /// Of an entry about a test this principal sees blind (or about that
    /// test's red evidence), only these changes are shown: the trail must not
    /// tell what `test.get` hides.
    static let keptWhileBlind: Set<String> = ["state", "version", "side", "test_id", "technique_id"]

    public func list(
        entityKind: String?, entityID: String?, actor: String?, action: String?, since: Date?, until: Date?, limit: Int?,
        cursor: String?
    ) throws -> ListResult<AuditEntry> {
        let principal = try context.requirePrincipal()
        let query = AuditQuery(
            entityKind: entityKind, entityID: entityID, actor: actor, action: action, since: since, until: until,
            page: try Cursor.pageRequest(limit: limit, cursor: cursor))
        let page = try context.session.read { repos in
            var page = try repos.audit.entries(matching: query)
            if principal.seesBlindTestsBlind { page.items = try redactBlind(page.items, principal: principal, repos: repos) }
            return page
        }
        return ListResult(page)
    }

    private func redactBlind(_ entries: [AuditEntry], principal: Principal, repos: any Repositories) throws -> [AuditEntry] {
        var hidden: [String: Bool] = [:]
        func isHidden(_ testID: String) throws -> Bool {
            if let known = hidden[testID] { return known }
            let answer = try repos.tests.test(id: testID).map(principal.seesRedacted) ?? false
            hidden[testID] = answer
            return answer
        }
        return try entries.map { entry in
            // Entries about the test itself, or about its red evidence (blue
            // evidence is theirs to see).
            let testID =
                entry.entityKind == "test"
                ? entry.entityID : entry.changes["side"] == "blue" ? nil : entry.changes["test_id"]?.stringValue
            guard let testID, try isHidden(testID) else { return entry }
            var redacted = entry
            redacted.changes = entry.changes.filter { Self.keptWhileBlind.contains($0.key) }
            return redacted
        }
    }
}
