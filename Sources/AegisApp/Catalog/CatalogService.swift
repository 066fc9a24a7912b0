import AegisDomain
import Foundation

/// Use cases of the ATT&CK catalog: import, status and look-ups.
public struct CatalogService {
    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// Imports the uploaded files in one transaction and announces
    /// `catalog.imported` per domain. Nothing is written if any file fails.
    public func importCatalog(_ files: [UploadedFile]) throws -> CatalogImportSummary {
        let started = env.clock.now()
        let known = try context.session.read { try $0.catalog.attackIDsByStixID() }
        let bundles = try CatalogImporter(crypto: env.crypto).bundles(from: files, knownIDs: known)
        let actor = context.principal?.actorID
        let changes = try context.session.write { repos in
            try bundles.map { bundle in
                let now = env.clock.now()
                let change = try repos.catalog.importBundle(bundle, at: now)
                try repos.events.append(
                    DomainEvent(
                        type: .catalogImported, subject: .init(kind: "catalog", id: bundle.domain), actor: actor,
                        payload: [
                            "domain": .string(bundle.domain), "version": .string(bundle.version),
                            "format": .string(bundle.source.format.rawValue),
                            "added": .int(Int64(change.added)), "updated": .int(Int64(change.updated)),
                            "unchanged": .int(Int64(change.unchanged)),
                            "revoked": .map(change.revoked.mapValues(Value.string)),
                        ]),
                    source: env.instanceID, at: now)
                return change
            }
        }
        let elapsed = env.clock.now().timeIntervalSince(started)
        return CatalogImportSummary(domains: changes, elapsedMS: Int((elapsed * 1000).rounded()))
    }

    public func status() throws -> CatalogStatus {
        try context.session.read { try $0.catalog.status() }
    }

    /// The technique with the countermeasures linked to it and its
    /// detection rules counted.
    public func technique(id: String) throws -> TechniqueDetail {
        let id = try AttackID.technique(id)
        let now = env.clock.now()
        guard
            let found = try context.session.read({ repos in
                try repos.catalog.technique(id: id).map {
                    TechniqueDetail(
                        technique: $0, countermeasures: try repos.countermeasures.countermeasures(addressing: id),
                        rules: try repos.scores.ruleCounts(techniqueID: id, now: now))
                }
            })
        else { throw AegisError.notFound("technique", id) }
        return found
    }

    /// `tactic` may be an id (`TA0002`, one domain) or a shortname
    /// (`execution`, every domain).
    public func techniques(
        tactic: String?, platform: String?, text: String?, includeSubtechniques: Bool, includeRevoked: Bool,
        limit: Int?, cursor: String?
    ) throws -> ListResult<Technique> {
        var query = TechniqueQuery(
            platform: try nonEmpty(platform, field: "platform", max: 64),
            text: try nonEmpty(text, field: "q", max: 200), includeSubtechniques: includeSubtechniques,
            includeRevoked: includeRevoked, page: try Cursor.pageRequest(limit: limit, cursor: cursor))
        return try context.session.read { repos in
            if let tactic = try nonEmpty(tactic, field: "tactic", max: 64) {
                if tactic.uppercased().hasPrefix("TA") {
                    let id = try AttackID.tactic(tactic, field: "tactic")
                    guard let found = try repos.catalog.tactic(id: id) else { throw AegisError.notFound("tactic", id) }
                    query.tacticShortname = found.shortname
                    query.domain = found.domain
                } else {
                    query.tacticShortname = tactic.lowercased()
                }
            }
            return ListResult(try repos.catalog.techniques(matching: query))
        }
    }

    /// Tactics in matrix order, domain by domain; paginated like every list
    /// although a domain has only a dozen or so.
    public func tactics(domain: String?, limit: Int?, cursor: String?) throws -> ListResult<Tactic> {
        let domain = try nonEmpty(domain, field: "domain", max: 64)
        let page = try Cursor.pageRequest(limit: limit, cursor: cursor)
        let all = try context.session.read { try $0.catalog.tactics(domain: domain) }
        var start = 0
        if let after = page.after {
            guard let index = all.firstIndex(where: { $0.id == after }) else {
                throw AegisError.invalidArgument("cursor", "not a cursor of this list")
            }
            start = index + 1
        }
        let items = Array(all.dropFirst(start).prefix(page.limit))
        let more = start + items.count < all.count
        return ListResult(items: items, nextCursor: more ? Cursor.encode(items.last?.id) : nil)
    }

    public func actor(id: String) throws -> ThreatActor {
        let id = try AttackID.actor(id)
        guard let actor = try context.session.read({ try $0.catalog.actor(id: id) }) else {
            throw AegisError.notFound("actor", id)
        }
        return actor
    }

    public func actors(
        text: String?, kind: ThreatActor.Kind?, includeRevoked: Bool, limit: Int?, cursor: String?
    ) throws -> ListResult<ThreatActor> {
        let query = ActorQuery(
            text: try nonEmpty(text, field: "q", max: 200), kind: kind, includeRevoked: includeRevoked,
            page: try Cursor.pageRequest(limit: limit, cursor: cursor))
        return ListResult(try context.session.read { try $0.catalog.actors(matching: query) })
    }

    public func mitigation(id: String) throws -> Mitigation {
        let id = try AttackID.mitigation(id)
        guard let mitigation = try context.session.read({ try $0.catalog.mitigation(id: id) }) else {
            throw AegisError.notFound("mitigation", id)
        }
        return mitigation
    }

    /// nil for absent or empty; `INVALID_ARGUMENT` when longer than `max`.
    private func nonEmpty(_ value: String?, field: String, max: Int) throws(AegisError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.count <= max else { throw AegisError.invalidArgument(field, "\(field) is longer than \(max) characters") }
        return value
    }
}

// MARK: - Chunked import

extension CatalogService {
    /// Starts a chunked catalog upload owned by the caller; returns its id.
    public func beginImport() throws -> String {
        try env.uploads.begin(for: context.uploadOwner(.catalog), maxBytes: env.limits.maxCatalogBytes, metadata: [:])
    }

    /// Appends one chunk of `file` at `offset`; returns the file's size so
    /// far. Another caller's upload, or an evidence upload, is `NOT_FOUND`.
    public func appendImport(uploadID: String, file: String, offset: Int64, data: Data) throws -> Int64 {
        try UploadName.validate(file, field: "name")
        guard offset >= 0 else { throw AegisError.invalidArgument("offset", "offset must be 0 or more") }
        return try env.uploads.append(
            uploadID: uploadID, by: context.uploadOwner(.catalog), file: file, offset: offset, data: data)
    }

    /// Imports everything uploaded under `uploadID`, then discards the upload
    /// whether or not the import succeeded. Another caller's upload is
    /// `NOT_FOUND` and stays as it was.
    public func commitImport(uploadID: String) throws -> CatalogImportSummary {
        let files = try env.uploads.claim(uploadID: uploadID, by: context.uploadOwner(.catalog)).files
        defer { env.uploads.discard(uploadID: uploadID) }
        return try importCatalog(files)
    }

    /// Discards the caller's upload; another caller's is `NOT_FOUND` and
    /// stays as it was.
    public func abortImport(uploadID: String) throws {
        _ = try env.uploads.claim(uploadID: uploadID, by: context.uploadOwner(.catalog))
        env.uploads.discard(uploadID: uploadID)
    }
}

/// Uploaded file names are labels for messages only, never paths.
public enum UploadName {
    public static func validate(_ name: String, field: String) throws(AegisError) {
        guard !name.isEmpty, name.utf8.count <= 255, !name.contains("/"), !name.contains("\\"),
            !name.unicodeScalars.contains(where: { $0.value < 0x20 }), name != ".", name != ".."
        else {
            throw AegisError.invalidArgument(field, "\(field) must be a plain file name (1-255 bytes, no path)")
        }
    }
}
