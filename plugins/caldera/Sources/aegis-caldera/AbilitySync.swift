import AegisCaldera
import AegisClient

/// Caldera's abilities as Aegis templates: every ability with a technique
/// and a command becomes one file of `template.import {format: caldera}`,
/// keyed by its ability id, so importing again updates the same template,
/// or leaves it as it is when nothing changed.
struct AbilitySync {
    let caldera: CalderaClient
    let aegis: AegisAPI
    let faults: Faults

    /// Files per `template.import`, and their bytes: well under aegisd's
    /// frame limit.
    static let batchFiles = 200
    static let batchBytes = 4 << 20

    /// Reads every ability and imports it; false when Caldera or aegisd
    /// could not be read (the next poll tries again).
    func run(logSkipped: Bool) -> Bool {
        let abilities: [CalderaAbility]
        do throws(CalderaError) {
            let caldera = caldera
            abilities = try blocking { try await caldera.abilities() }
        } catch {
            faults.caldera(error, "reading Caldera's abilities")
            return false
        }
        var files: [AbilityTemplateFile] = []
        var skipped = 0
        for ability in abilities {
            switch AbilityTemplateFile.make(ability) {
            case .success(let file): files.append(file)
            case .failure(let why):
                skipped += 1
                if logSkipped { Log.info("ability \(why.abilityID) left out: \(why.reason)") }
            }
        }
        var total = AegisAPI.ImportReport()
        for batch in Self.batches(files) {
            do {
                let report = try aegis.importTemplates(batch)
                total.added += report.added
                total.updated += report.updated
                total.unchanged += report.unchanged
                total.invalid += report.invalid
            } catch {
                faults.aegis(error, "importing \(batch.count) abilities as templates")
                return false
            }
        }
        for (name, error) in total.invalid { Log.error("ability file \(name) refused by template.import: \(error)") }
        let plugin = faults.plugin
        plugin.count("templates_added", by: Int64(total.added))
        plugin.count("templates_updated", by: Int64(total.updated))
        plugin.count("abilities_invalid", by: Int64(total.invalid.count))
        Log.info(
            "abilities: \(abilities.count) read, \(skipped) left out; templates: added \(total.added), "
                + "updated \(total.updated), unchanged \(total.unchanged), invalid \(total.invalid.count)")
        return true
    }

    static func batches(_ files: [AbilityTemplateFile]) -> [[AbilityTemplateFile]] {
        var batches: [[AbilityTemplateFile]] = []
        var current: [AbilityTemplateFile] = []
        var bytes = 0
        for file in files {
            if !current.isEmpty && (current.count >= batchFiles || bytes + file.content.count > batchBytes) {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(file)
            bytes += file.content.count
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
