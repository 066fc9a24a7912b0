import AegisDetection
import AegisDomain
import Foundation

/// What the rules directory holds now, as its watcher found it.
public struct RuleDirectoryListing: Sendable, Equatable {
    /// The rule files, by path relative to the directory (`windows/proc.yml`).
    public var files: [String]
    /// Folders that could not be read, with why, by path relative to the
    /// directory and ending in `/`; `./` is the directory itself. What was
    /// synced from under them stays as it is until they can be read again.
    public var unreadableFolders: [String: String]

    public init(files: [String], unreadableFolders: [String: String] = [:]) {
        self.files = files
        self.unreadableFolders = unreadableFolders
    }

    /// The directory itself could not be read: everything stays in force.
    public static func unreadable(_ reason: String) -> RuleDirectoryListing {
        RuleDirectoryListing(files: [], unreadableFolders: [RuleDirectorySync.root: reason])
    }
}

/// Why one rule file could not be read (too large, a link out of the
/// directory, an I/O error).
public struct RuleFileReadError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// What one sync changed.
public struct RuleDirectorySyncSummary: Sendable, Equatable {
    /// Files whose rules were stored (new or changed content).
    public var synced: [String] = []
    /// Files and folders newly failed, with why (each announced once).
    public var failed: [String: String] = [:]
    /// Files gone, their rules with them.
    public var removed: [String] = []
    /// Files read and found as last synced.
    public var unchanged = 0

    public init() {}

    /// Whether the sync changed anything.
    public var isEmpty: Bool { synced.isEmpty && failed.isEmpty && removed.isEmpty }
}

/// Keeps the rules the directory owns equal to its files: a new or changed
/// file's rules are stored (all or none), the rules a file no longer
/// defines and the files gone are removed, and a file that cannot be read
/// or parsed is reported (`rule.sync_failed`, once per distinct failure)
/// while its rules' previous definitions stay in force. Run by the
/// deployment's leader only; actor nil (the system).
public struct RuleDirectorySync {
    /// The `rule_sources` name of the directory itself.
    public static let root = "./"
    /// Largest rule file read (the parser's bound).
    public static let maxFileBytes = RuleParser.maxFileBytes
    /// Longest error recorded for a source.
    static let maxErrorLength = 2000

    public let env: AppEnvironment
    public let context: CallContext

    public init(env: AppEnvironment, context: CallContext) {
        self.env = env
        self.context = context
    }

    /// The directory's files and unreadable folders as last synced, by name.
    public func sources() throws -> [RuleSource] {
        try context.session.read { try $0.rules.sources() }
    }

    /// Brings the store in line with `listing`; `read` gives a file's content.
    public func sync(
        _ listing: RuleDirectoryListing, read: (String) throws -> Data
    ) throws -> RuleDirectorySyncSummary {
        var summary = RuleDirectorySyncSummary()
        let stored = Dictionary(try sources().map { ($0.name, $0) }) { first, _ in first }
        let folders = listing.unreadableFolders

        // Folders: report the unreadable, forget the recovered.
        for (folder, reason) in folders.sorted(by: { $0.key < $1.key }) {
            if try fail(folder, reason, sha: nil, previous: stored[folder]) { summary.failed[folder] = reason }
        }
        for source in stored.values
        where Self.isFolder(source.name) && folders[source.name] == nil && !Self.hidden(source.name, by: folders) {
            try context.session.write { try $0.rules.deleteSource(name: source.name) }
        }

        // Files gone (not merely out of sight under an unreadable folder):
        // their rules are removed after the new and changed files are
        // stored, so a rule moved to another file keeps its state.
        let present = Set(listing.files)
        let gone = stored.values.sorted(by: { $0.name < $1.name }).filter {
            !Self.isFolder($0.name) && !present.contains($0.name) && !Self.hidden($0.name, by: folders)
        }

        // Files new or changed: read and parse them all, then store them.
        var pending: [PendingFile] = []
        for name in listing.files.sorted() {
            let previous = stored[name]
            let data: Data
            do { data = try read(name) } catch {
                if try fail(name, "unreadable: \(error)", sha: nil, previous: previous) { summary.failed[name] = "\(error)" }
                continue
            }
            let sha = env.crypto.sha256Hex(data)
            if let previous, previous.status == .synced, previous.contentSHA256 == sha {
                summary.unchanged += 1
                continue
            }
            let report = RuleParser.parse(name: name, data: data, format: nil)
            if let problem = Self.problem(report) {
                if try fail(name, problem, sha: sha, previous: previous) { summary.failed[name] = problem }
                continue
            }
            pending.append(PendingFile(name: name, definitions: report.parsed, sha: sha, previous: previous))
        }
        let goneNames = Set(gone.map(\.name))
        let pendingIDs = Dictionary(pending.map { ($0.name, Set($0.definitions.map(\.id))) }) { first, _ in first }
        try store(pending, into: &summary) { owner, id in
            goneNames.contains(owner) || pendingIDs[owner].map { !$0.contains(id) } == true
        }
        for source in gone {
            for id in source.ruleIDs { try removeRule(id, ownedBy: source.name) }
            try context.session.write { try $0.rules.deleteSource(name: source.name) }
            summary.removed.append(source.name)
        }
        return summary
    }

    /// A file read and parsed, waiting to be stored.
    private struct PendingFile {
        var name: String
        var definitions: [RuleDefinition]
        var sha: String
        var previous: RuleSource?
    }

    /// Stores each file's rules; a file refused because another holds one of
    /// its ids is tried again once the others are done (a rule moved from
    /// one file to another in one edit), and reported when still refused.
    private func store(
        _ files: [PendingFile], into summary: inout RuleDirectorySyncSummary, releasable: (String, String) -> Bool
    ) throws {
        let rules = RuleService(env: env, context: context)
        var waiting = files
        var refusals: [String: String] = [:]
        while !waiting.isEmpty {
            var next: [PendingFile] = []
            for file in waiting {
                let outcomes = try rules.put(
                    file.definitions, origin: .directory, sourceName: file.name, action: "rule.sync", releasable: releasable)
                let refused = outcomes.compactMap { if case .refused(let why) = $0 { why } else { nil } }
                guard refused.isEmpty else {
                    refusals[file.name] = Self.clipped(Array(Set(refused)).sorted().joined(separator: "; "))
                    next.append(file)
                    continue
                }
                let ids = file.definitions.map(\.id)
                for id in file.previous?.ruleIDs ?? [] where !ids.contains(id) { try removeRule(id, ownedBy: file.name) }
                let source = RuleSource(
                    name: file.name, status: .synced, ruleIDs: ids.sorted(), contentSHA256: file.sha,
                    syncedAt: env.clock.now())
                try context.session.write { try $0.rules.save(source) }
                summary.synced.append(file.name)
            }
            guard next.count < waiting.count else { break }
            waiting = next
        }
        for file in waiting {
            let reason = refusals[file.name] ?? "refused"
            if try fail(file.name, reason, sha: file.sha, previous: file.previous) { summary.failed[file.name] = reason }
        }
    }

    /// Records `name` as failed, keeping the rules it held in force, and
    /// announces it unless this very failure was recorded already. True
    /// when announced.
    private func fail(_ name: String, _ reason: String, sha: String?, previous: RuleSource?) throws -> Bool {
        let error = Self.clipped(reason)
        if let previous, previous.status == .failed, previous.error == error, previous.contentSHA256 == sha { return false }
        let now = env.clock.now()
        let source = RuleSource(
            name: name, status: .failed, error: error, ruleIDs: previous?.ruleIDs ?? [], contentSHA256: sha, syncedAt: now)
        try context.session.write { repos in
            try repos.rules.save(source)
            try ChangeLog(repos: repos, env: env, context: context, now: now).record(
                "rule.sync", "rule_source", name, changes: ["status": .string("failed"), "error": .string(error)],
                event: .ruleSyncFailed, payload: ["name": .string(name), "error": .string(error)])
        }
        return true
    }

    /// Removes rule `id` if the directory's file `name` still holds it.
    private func removeRule(_ id: String, ownedBy name: String) throws {
        let now = env.clock.now()
        try context.session.write { repos in
            try repos.rules.lockChanges()
            guard let rule = try repos.rules.rule(id: id), rule.origin == .directory, rule.sourceName == name else { return }
            try RuleChanges(repos: repos, env: env, context: context, now: now).delete(rule, action: "rule.sync")
        }
    }

    /// Why a file's rules cannot be stored, or nil when every document parsed.
    static func problem(_ report: RuleFileReport) -> String? {
        guard !report.outcomes.isEmpty else { return "no rule in the file" }
        let many = report.outcomes.count > 1
        var problems: [String] = []
        for (index, outcome) in report.outcomes.enumerated() {
            let (id, reason): (String?, String)
            switch outcome {
            case .parsed: continue
            case .invalid(let ruleID, let why): (id, reason) = (ruleID, why)
            case .unsupported(let ruleID, let feature): (id, reason) = (ruleID, "unsupported: \(feature)")
            }
            if let id {
                problems.append("rule \(id): \(reason)")
            } else {
                problems.append(many ? "document \(index + 1): \(reason)" : reason)
            }
        }
        return problems.isEmpty ? nil : clipped(problems.joined(separator: "; "))
    }

    static func clipped(_ text: String) -> String {
        text.count <= maxErrorLength ? text : String(text.prefix(maxErrorLength - 1)) + "…"
    }

    /// Folder sources end in `/`; file sources never do.
    static func isFolder(_ name: String) -> Bool { name.hasSuffix("/") }

    /// Whether `name` lies under one of `folders` (so it is out of sight, not gone).
    static func hidden(_ name: String, by folders: [String: String]) -> Bool {
        folders.keys.contains { $0 == root || name.hasPrefix($0) }
    }
}
