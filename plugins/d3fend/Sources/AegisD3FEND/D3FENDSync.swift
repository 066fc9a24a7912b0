import AegisDomain

/// Builds `countermeasure.sync`'s params from D3FEND's data.
public enum D3FENDSync {
    /// Where D3FEND's ontology names its classes: an IRI given as a bare
    /// name (`ProcessSpawnAnalysis`) is taken to be in it.
    public static let ontology = "http://d3fend.mitre.org/ontologies/d3fend.owl#"

    /// The params, and what had to be left out.
    public struct Params: Sendable, Equatable {
        public var set: CountermeasureSet
        /// Mappings to a D3FEND id that `techniques` does not hold.
        public var droppedMappings: Int
    }

    /// One source's whole set: every technique (parents named by id when
    /// the parent's name or id is one of them, else none), and one link per
    /// ATT&CK technique and countermeasure, with the artifact paths of every
    /// mapping of that pair in first-seen order.
    public static func params(
        source: String = "d3fend", version: String, techniques: [D3FENDTechnique], mappings: [D3FENDMapping]
    ) -> Params {
        var idByName: [String: String] = [:]
        var ids: Set<String> = []
        var entries: [CountermeasureSet.Entry] = []
        for t in techniques where ids.insert(t.id).inserted { idByName[t.name] = t.id }
        var listed: Set<String> = []
        for t in techniques where listed.insert(t.id).inserted {
            let parent = idByName[t.parentName] ?? (ids.contains(t.parentName) ? t.parentName : nil)
            entries.append(
                CountermeasureSet.Entry(
                    id: t.id, name: t.name, tactic: t.tactic, parent: parent == t.id ? nil : parent,
                    iri: t.iri.isEmpty ? nil : (t.iri.contains(":") ? t.iri : ontology + t.iri),
                    definition: t.definition.isEmpty ? nil : t.definition))
        }
        struct Pair: Hashable { var attack: String, d3fend: String }
        var order: [Pair] = []
        var artifacts: [Pair: [String]] = [:]
        var dropped = 0
        for m in mappings {
            guard ids.contains(m.d3fendID) else {
                dropped += 1
                continue
            }
            let pair = Pair(attack: m.attackID, d3fend: m.d3fendID)
            if artifacts[pair] == nil {
                order.append(pair)
                artifacts[pair] = []
            }
            for path in m.artifacts where !(artifacts[pair]?.contains(path) ?? false) { artifacts[pair]?.append(path) }
        }
        let links = order.map { pair in
            CountermeasureSet.Link(
                attackID: pair.attack, countermeasureID: pair.d3fend,
                artifacts: artifacts[pair].flatMap { $0.isEmpty ? nil : $0 })
        }
        return Params(
            set: CountermeasureSet(source: source, version: version, techniques: entries, links: links),
            droppedMappings: dropped)
    }
}
