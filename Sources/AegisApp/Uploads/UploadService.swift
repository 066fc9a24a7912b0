import AegisDomain
import Foundation

/// `upload.list` and `upload.abort`: the chunked uploads in progress on
/// this instance. Everyone sees and aborts their own; an administrator
/// sees and aborts anyone's (audited), so that no one can hold the slots.
public struct UploadService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// Uploads in progress, oldest first: the caller's own, or for an
    /// administrator everyone's, narrowed to `owner` and `kind` when given.
    public func list(owner: String?, kind: UploadKind?) throws -> [UploadSummary] {
        let principal = try context.requirePrincipal()
        let visible = principal.has(.admin) ? owner : principal.actorID
        if let owner, owner != visible { return [] }
        return env.uploads.list().filter { upload in
            (visible.map { upload.owner == $0 } ?? true) && (kind.map { upload.kind == $0 } ?? true)
        }
    }

    /// Discards an upload and records who did it and why. Another's upload
    /// is `NOT_FOUND` unless the caller is an administrator.
    public func abort(uploadID: String, reason: String?) throws -> UploadSummary {
        let principal = try context.requirePrincipal()
        let reason = try Validate.optionalText(reason, field: "reason", max: 1000)
        let notFound = AegisError.notFound("upload", String(uploadID.prefix(64)))
        guard let visible = env.uploads.list().first(where: { $0.id == uploadID }),
            principal.has(.admin) || visible.owner == principal.actorID,
            let upload = env.uploads.detach(uploadID: uploadID)
        else { throw notFound }
        let now = env.clock.now()
        do {
            try context.session.write { repos in
                try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                    "upload.abort", "upload", upload.id,
                    changes: [
                        "kind": .string(upload.kind.rawValue), "owner": .string(upload.owner),
                        "bytes": .int(upload.bytes), "reason": .text(reason),
                    ],
                    event: .uploadAborted, payload: ["kind": .string(upload.kind.rawValue), "owner": .string(upload.owner)])
            }
        } catch {
            env.uploads.release(uploadID: uploadID)
            throw error
        }
        env.uploads.discard(uploadID: uploadID)
        return upload
    }
}
