import AegisDomain
import Foundation

/// `evidence.*`: files attached to tests, content-addressed by SHA-256.
/// Red roles attach red evidence, blue roles blue; blue roles do not see a
/// blind test's red evidence until red submits.
public struct EvidenceService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// The metadata an upload is begun with.
    public struct Description: Sendable {
        public var testID: String
        public var side: TeamSide
        public var caption: String
        public var filename: String

        public init(testID: String, side: TeamSide, caption: String, filename: String) {
            self.testID = testID
            self.side = side
            self.caption = caption
            self.filename = filename
        }
    }

    /// A file that fits in one frame.
    public func upload(_ description: Description, content: Data) throws -> Evidence {
        let description = try check(description)
        guard Int64(content.count) <= env.limits.maxEvidenceBytes else { throw tooLarge() }
        let sha = env.crypto.sha256Hex(content)
        return try BlobLocks.shared.withLock(sha) {
            try env.blobs.put(data: content, sha256: sha)
            return try record(description, size: Int64(content.count), sha256: sha)
        }
    }

    public struct Begun: Sendable, Encodable {
        public var uploadID: String
        public var chunkBytes: Int

        enum CodingKeys: String, CodingKey {
            case uploadID = "upload_id"
            case chunkBytes = "chunk_bytes"
        }
    }

    /// Starts a chunked upload of exactly `size` bytes hashing to `sha256`.
    public func begin(_ description: Description, size: Int64, sha256: String) throws -> Begun {
        let description = try check(description)
        guard size >= 0 else { throw AegisError.invalidArgument("size", "size must be 0 or more") }
        guard size <= env.limits.maxEvidenceBytes else { throw tooLarge() }
        let sha = sha256.lowercased()
        guard sha.utf8.count == 64, sha.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw AegisError.invalidArgument("sha256", "sha256 must be 64 hex digits")
        }
        let id = try env.uploads.begin(
            for: context.uploadOwner(.evidence), maxBytes: size,
            metadata: [
                "test_id": description.testID, "side": description.side.rawValue, "caption": description.caption,
                "filename": description.filename, "size": String(size), "sha256": sha,
            ])
        return Begun(uploadID: id, chunkBytes: env.limits.chunkBytes)
    }

    /// Adds one chunk at `offset` (the bytes received so far); returns the
    /// bytes received. Only the caller's own evidence uploads are found.
    public func append(uploadID: String, offset: Int64, data: Data) throws -> Int64 {
        guard offset >= 0 else { throw AegisError.invalidArgument("offset", "offset must be 0 or more") }
        return try env.uploads.append(
            uploadID: uploadID, by: context.uploadOwner(.evidence), file: "content", offset: offset, data: data)
    }

    /// Checks size and hash, stores the content, and makes it visible.
    /// Whatever happens, the caller's staged upload is gone afterwards;
    /// anyone else's is `NOT_FOUND` and left alone.
    public func commit(uploadID: String) throws -> Evidence {
        let claimed = try env.uploads.claim(uploadID: uploadID, by: context.uploadOwner(.evidence))
        defer { env.uploads.discard(uploadID: uploadID) }
        let m = claimed.metadata
        guard let testID = m["test_id"], let side = m["side"].flatMap(TeamSide.init(rawValue:)),
            let size = m["size"].flatMap(Int64.init), let sha = m["sha256"]
        else { throw AegisError.notFound("upload", uploadID) }
        let content = claimed.files.first?.content ?? Data()
        guard Int64(content.count) == size else {
            throw AegisError(
                .failedPrecondition, "received \(content.count) of \(size) bytes",
                details: ["expected": .int(size), "received": .int(Int64(content.count))])
        }
        guard env.crypto.sha256Hex(content) == sha else {
            throw AegisError(.failedPrecondition, "the content does not match its sha256", details: ["field": "sha256"])
        }
        return try BlobLocks.shared.withLock(sha) {
            if claimed.files.isEmpty {
                try env.blobs.put(data: Data(), sha256: sha)
            } else {
                try env.blobs.put(file: env.uploads.fileURL(uploadID: uploadID, index: 0), sha256: sha)
            }
            return try record(
                Description(testID: testID, side: side, caption: m["caption"] ?? "", filename: m["filename"] ?? ""),
                size: size, sha256: sha)
        }
    }

    /// Discards the caller's upload; anyone else's is `NOT_FOUND` and left
    /// alone.
    public func abort(uploadID: String) throws {
        _ = try env.uploads.claim(uploadID: uploadID, by: context.uploadOwner(.evidence))
        env.uploads.discard(uploadID: uploadID)
    }

    /// One page of a test's evidence by `uploaded_at`, then `id`. A caller
    /// who sees the test blind gets blue's evidence only, page after page.
    public func list(testID: String, limit: Int?, cursor: String?) throws -> ListResult<Evidence> {
        let principal = try context.requirePrincipal()
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        return try context.session.read { repos in
            guard let test = try repos.tests.test(id: testID) else { throw AegisError.notFound("test", testID) }
            let side: TeamSide? = principal.seesRedacted(test) ? .blue : nil
            return ListResult(try repos.evidence.evidence(testID: testID, side: side, page: page))
        }
    }

    public struct Chunk: Sendable, Encodable {
        public var evidence: Evidence
        public var offset: Int64
        public var data: Data
        public var eof: Bool
    }

    /// `length` bytes (at most the chunk size) from `offset`.
    public func get(id: String, offset: Int64, length: Int?) throws -> Chunk {
        let principal = try context.requirePrincipal()
        guard offset >= 0 else { throw AegisError.invalidArgument("offset", "offset must be 0 or more") }
        let length = min(length ?? env.limits.chunkBytes, env.limits.chunkBytes)
        guard length > 0 else { throw AegisError.invalidArgument("length", "length must be at least 1") }
        let evidence = try context.session.read { try visibleEvidence(id: id, in: $0, to: principal) }
        guard offset <= evidence.size else {
            throw AegisError.invalidArgument("offset", "offset is beyond the end (\(evidence.size) bytes)")
        }
        let data = try env.blobs.read(sha256: evidence.sha256, offset: offset, length: length)
        return Chunk(evidence: evidence, offset: offset, data: data, eof: offset + Int64(data.count) >= evidence.size)
    }

    /// Removes the evidence; its content too when nothing else points at it.
    /// Red evidence that blind mode hides from the caller is `NOT_FOUND`,
    /// as for `get`, and stays.
    public func delete(id: String) throws {
        let principal = try context.requirePrincipal()
        let now = env.clock.now()
        // Evidence never changes, so its hash read here is the one deleted below.
        let sha = try context.session.read { try visibleEvidence(id: id, in: $0, to: principal).sha256 }
        try BlobLocks.shared.withLock(sha) {
            let unreferenced = try context.session.write { repos -> Bool in
                let e = try visibleEvidence(id: id, in: repos, to: principal)
                try repos.evidence.delete(id: id)
                let log = ChangeLog(repos: repos, env: env, context: context, now: now)
                try log.record("evidence.delete", "evidence", id, changes: ["test_id": .string(e.testID)])
                try announce(.evidenceDeleted, e.id, testID: e.testID, side: e.side, repos: repos, now: now)
                return try repos.evidence.references(sha256: e.sha256) == 0
            }
            // On PostgreSQL several instances may share the content, and
            // `BlobLocks` only orders this process: another instance could
            // be recording new evidence for this very content. Its content
            // stays (a later sweep by the leader removes what nothing
            // references).
            if unreferenced, env.storeKind != "postgresql" { try? env.blobs.remove(sha256: sha) }
        }
    }

    // MARK: Helpers

    /// The evidence `id` if `principal` may see it: red evidence that blind
    /// mode hides is `NOT_FOUND`, like evidence that does not exist.
    private func visibleEvidence(id: String, in repos: any Repositories, to principal: Principal) throws -> Evidence {
        guard let e = try repos.evidence.evidence(id: id), let test = try repos.tests.test(id: e.testID),
            !(e.side == .red && principal.seesRedacted(test))
        else { throw AegisError.notFound("evidence", id) }
        return e
    }

    private func record(_ d: Description, size: Int64, sha256: String) throws -> Evidence {
        let principal = try context.requirePrincipal()
        let now = env.clock.now()
        let evidence = Evidence(
            id: env.crypto.newID(prefix: "evd_"), testID: d.testID, side: d.side, caption: d.caption,
            filename: d.filename, size: size, sha256: sha256, uploadedBy: principal.actorID, uploadedAt: now)
        try context.session.write { repos in
            guard try repos.tests.test(id: d.testID) != nil else { throw AegisError.notFound("test", d.testID) }
            try repos.evidence.insert(evidence)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "evidence.upload", "evidence", evidence.id,
                changes: [
                    "test_id": .string(d.testID), "side": .string(d.side.rawValue), "filename": .string(d.filename),
                    "size": .int(size), "sha256": .string(sha256),
                ])
            try announce(.evidenceUploaded, evidence.id, testID: d.testID, side: d.side, repos: repos, now: now)
        }
        return evidence
    }

    /// Announces a change of evidence. Events reach every subscriber, and
    /// `evidence.list` hides red's evidence on a test blind mode redacts:
    /// on such a test, neither the test, the side nor the actor is told,
    /// for either side's evidence, so that none can be told apart.
    private func announce(
        _ type: EventType, _ evidenceID: String, testID: String, side: TeamSide, repos: any Repositories, now: Date
    ) throws {
        let hidden = try repos.tests.test(id: testID)?.isRedactedWhileBlind ?? true
        try repos.events.append(
            DomainEvent(
                type: type, subject: .init(kind: "evidence", id: evidenceID), actor: hidden ? nil : context.actorID,
                payload: hidden ? ["test_id": .null, "side": .null] : ["test_id": .string(testID), "side": .string(side.rawValue)]),
            source: env.instanceID, at: now)
    }

    /// Validates the description and the caller's side.
    private func check(_ d: Description) throws -> Description {
        let principal = try context.requirePrincipal()
        let roles = d.side == .red ? Principal.redRoles : Principal.blueRoles
        let plugin = d.side == .red ? principal.worksForRed : principal.worksForBlue
        guard principal.hasAny(roles) || plugin else {
            throw AegisError(
                .permissionDenied, "only \(d.side.rawValue) roles attach \(d.side.rawValue) evidence",
                details: ["side": .string(d.side.rawValue)])
        }
        try UploadName.validate(d.filename, field: "filename")
        let caption = try Validate.text(d.caption, field: "caption", max: 1000, required: false)
        guard try context.session.read({ try $0.tests.test(id: d.testID) }) != nil else {
            throw AegisError.notFound("test", d.testID)
        }
        return Description(testID: d.testID, side: d.side, caption: caption, filename: d.filename)
    }

    private func tooLarge() -> AegisError {
        AegisError.resourceExhausted(
            "evidence files are limited to \(env.limits.maxEvidenceBytes) bytes",
            details: ["max_bytes": .int(env.limits.maxEvidenceBytes)])
    }
}
