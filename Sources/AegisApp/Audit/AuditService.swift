import AegisDomain
import Foundation

/// `audit.list`: the trail, oldest first.
public struct AuditService {
    public let context: CallContext

    public init(context: CallContext) { self.context = context }

    public func list(
        entityKind: String?, entityID: String?, actor: String?, action: String?, since: Date?, until: Date?, limit: Int?,
        cursor: String?
    ) throws -> ListResult<AuditEntry> {
        let query = AuditQuery(
            entityKind: entityKind, entityID: entityID, actor: actor, action: action, since: since, until: until,
            page: try Cursor.pageRequest(limit: limit, cursor: cursor))
        return ListResult(try context.session.read { try $0.audit.entries(matching: query) })
    }
}
