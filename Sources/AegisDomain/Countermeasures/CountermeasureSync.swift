import Foundation

/// A source's stored set, as a sync reads it before replacing it.
public struct StoredCountermeasures: Sendable, Equatable {
    /// nil when the source has never synced.
    public var version: String?
    public var countermeasures: [Countermeasure]
    public var links: [CountermeasureLink]

    public init(version: String?, countermeasures: [Countermeasure], links: [CountermeasureLink]) {
        self.version = version
        self.countermeasures = countermeasures
        self.links = links
    }
}

/// What a sync changes: the stored set against the new one.
public struct CountermeasureChanges: Sendable, Equatable {
    /// New countermeasures, and those whose content changed.
    public var upserted: [Countermeasure]
    /// Ids no longer in the source.
    public var removed: [String]
    public var added: Int
    public var updated: Int
    public var unchanged: Int
    public var linksAdded: Int
    public var linksRemoved: Int
    /// Whether any link was added, removed or given other artifacts.
    public var linksChanged: Bool
    public var versionChanged: Bool

    /// Compares `stored` with the new `countermeasures` and `links` (both unique by key).
    public init(
        from stored: StoredCountermeasures, to countermeasures: [Countermeasure], links: [CountermeasureLink],
        version: String
    ) {
        let old = Dictionary(stored.countermeasures.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var upserted: [Countermeasure] = []
        var added = 0
        var updated = 0
        for c in countermeasures {
            if let before = old[c.id] {
                if !before.sameContent(as: c) {
                    updated += 1
                    upserted.append(c)
                }
            } else {
                added += 1
                upserted.append(c)
            }
        }
        let kept = Set(countermeasures.map(\.id))
        self.upserted = upserted
        self.removed = stored.countermeasures.map(\.id).filter { !kept.contains($0) }.sorted()
        self.added = added
        self.updated = updated
        self.unchanged = countermeasures.count - added - updated
        struct Key: Hashable { var c: String, t: String }
        let oldLinks = Dictionary(
            stored.links.map { (Key(c: $0.countermeasureID, t: $0.techniqueID), $0.artifacts) },
            uniquingKeysWith: { a, _ in a })
        let newLinks = Dictionary(
            links.map { (Key(c: $0.countermeasureID, t: $0.techniqueID), $0.artifacts) },
            uniquingKeysWith: { a, _ in a })
        linksAdded = newLinks.keys.filter { oldLinks[$0] == nil }.count
        linksRemoved = oldLinks.keys.filter { newLinks[$0] == nil }.count
        linksChanged = oldLinks != newLinks
        versionChanged = stored.version != version
    }

    /// Whether the sync writes anything at all.
    public var isEmpty: Bool { upserted.isEmpty && removed.isEmpty && !linksChanged && !versionChanged }
}

/// `countermeasure.sync`'s answer.
public struct CountermeasureSyncResult: Sendable, Equatable, Encodable {
    public var source: String
    public var version: String
    /// Countermeasures new to the source, changed (name, tactic, parent,
    /// IRI or definition), gone from it, and as they were.
    public var added: Int
    public var updated: Int
    public var removed: Int
    public var unchanged: Int
    /// Links added and removed by this sync.
    public var linksAdded: Int
    public var linksRemoved: Int
    /// What the source holds now.
    public var countermeasures: Int
    public var links: Int
    /// Whether anything was written (false for a repeat of the same set).
    public var changed: Bool
    /// Technique ids the catalog does not know, with how many links named
    /// each (at most `unknownListLimit` ids, the lowest); their links were left out.
    public var unknownTechniques: [TechniqueIDCount]
    /// Links left out because they name unknown techniques, all of them.
    public var unknownLinks: Int
    /// Revoked technique ids the links named, with the successor their links
    /// moved to, or `""` when the catalog knows none (links left out).
    public var revoked: [String: String]

    /// The most unknown ids listed.
    public static let unknownListLimit = 1_000

    public init(
        source: String, version: String, added: Int, updated: Int, removed: Int, unchanged: Int, linksAdded: Int,
        linksRemoved: Int, countermeasures: Int, links: Int, changed: Bool, unknownTechniques: [TechniqueIDCount],
        unknownLinks: Int, revoked: [String: String]
    ) {
        self.source = source
        self.version = version
        self.added = added
        self.updated = updated
        self.removed = removed
        self.unchanged = unchanged
        self.linksAdded = linksAdded
        self.linksRemoved = linksRemoved
        self.countermeasures = countermeasures
        self.links = links
        self.changed = changed
        self.unknownTechniques = unknownTechniques
        self.unknownLinks = unknownLinks
        self.revoked = revoked
    }

    enum CodingKeys: String, CodingKey {
        case source, version, added, updated, removed, unchanged
        case linksAdded = "links_added"
        case linksRemoved = "links_removed"
        case countermeasures, links, changed
        case unknownTechniques = "unknown_techniques"
        case unknownLinks = "unknown_links"
        case revoked
    }
}
