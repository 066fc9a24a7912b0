import AegisCaldera
import AegisClient

/// One look at the operations the settings name: each finished link not
/// imported yet becomes an Aegis test (`LinkImporter`). A link whose test
/// exists already is only noted, without fetching its output again; a link
/// that cannot be imported (no technique in the catalog) is reported once.
final class OperationIntake {
    let caldera: CalderaClient
    let aegis: AegisAPI
    let importer: LinkImporter
    let faults: Faults
    /// Operations the plugin runs itself (tests pushed to Caldera), whose
    /// links are results of existing tests, not new ones.
    let isOwnOperation: (CalderaOperation) -> Bool
    private(set) var ledger = LinkIntakeLedger()
    /// Links reported as not importable; reported again after `forgetSkipped()`.
    private var skipped: Set<String> = []

    init(
        caldera: CalderaClient, aegis: AegisAPI, importer: LinkImporter, faults: Faults,
        isOwnOperation: @escaping (CalderaOperation) -> Bool
    ) {
        self.caldera = caldera
        self.aegis = aegis
        self.importer = importer
        self.faults = faults
        self.isOwnOperation = isOwnOperation
    }

    /// Looks at skipped links again (the catalog may have grown).
    func forgetSkipped() { skipped = [] }

    /// One poll. Returns early when stopping, when Caldera's operations
    /// cannot be read, or when aegisd fails (the next poll carries on).
    func poll(stopping: () -> Bool) {
        let caldera = caldera
        let filter = caldera.settings.operations
        let operations: [CalderaOperation]
        do throws(CalderaError) {
            operations = try blocking { try await caldera.operations(matching: filter) }
        } catch {
            faults.caldera(error, "reading Caldera's operations")
            return
        }
        for operation in operations where !isOwnOperation(operation) {
            if stopping() { return }
            let links: [CalderaLink]
            do throws(CalderaError) {
                links = try blocking { try await caldera.links(operationID: operation.id) }
            } catch {
                faults.caldera(error, "reading the links of operation \(operation.name) (\(operation.id))")
                continue
            }
            for link in links where !ledger.contains(link.id) && !skipped.contains(link.id) {
                if stopping() { return }
                do {
                    try take(link, operation)
                } catch let error as AegisClientError {
                    faults.aegis(error, "importing Caldera link \(link.id)")
                    // aegisd itself failing: stop this poll, not just this link.
                    if ["TIMEOUT", "TRANSPORT", "UNAVAILABLE", "UNAUTHENTICATED"].contains(error.code) { return }
                } catch let error as CalderaError {
                    faults.caldera(error, "reading the output of Caldera link \(link.id)")
                } catch {
                    faults.plugin.count("errors")
                    Log.error("importing Caldera link \(link.id): \(error)")
                }
            }
        }
    }

    /// Imports one link, if it is finished.
    private func take(_ link: CalderaLink, _ operation: CalderaOperation) throws {
        guard CalderaLink.Status.isFinished(link.status), link.finish != nil else { return }
        // Imported before (this run lost its ledger, or it is a restart):
        // nothing to fetch from Caldera unless red's part is unfinished.
        if let existing = try aegis.test(sourceRef: LinkImporter.sourceRef(linkID: link.id)), !existing.awaitsRed {
            ledger.record(link.id)
            return
        }
        var output: CalderaLinkOutput?
        if link.hasOutput {
            let caldera = caldera
            output = try blocking { try await caldera.linkResult(operationID: operation.id, linkID: link.id) }.output
        }
        let catalog = try catalogLookup(link.ability.techniqueID)
        switch LinkIntake.decide(link, operation: operation, output: output, techniqueExists: catalog.contains) {
        case .importing(let plan):
            switch try importer.importLink(plan) {
            case .created:
                faults.plugin.count("imported")
                Log.info(
                    "link \(link.id) (\(plan.name), status \(link.status)) of operation \(operation.name) imported"
                        + " as a test of \(plan.techniqueID)"
                        + (plan.notes.isEmpty ? "" : ": " + plan.notes.joined(separator: "; ")))
            case .resumed:
                faults.plugin.count("resumed")
                Log.info("link \(link.id): its test, left on the way, carried on to blue_pending")
            case .alreadyDone:
                break
            }
            ledger.record(link.id)
        case .skipped(let linkID, let reason):
            skipped.insert(linkID)
            faults.plugin.count("skipped_links")
            Log.error("link \(linkID) of operation \(operation.name) skipped: \(reason)")
        case .pending:
            break
        }
    }

    /// Which of the technique and its parent the catalog holds, asked once
    /// each, so that `LinkIntake.decide` stays pure.
    private func catalogLookup(_ raw: String) throws(AegisClientError) -> Set<String> {
        guard let id = TechniqueReference.normalized(raw) else { return [] }
        if try aegis.techniqueExists(id) { return [id] }
        if let parent = TechniqueReference.parent(of: id), try aegis.techniqueExists(parent) { return [parent] }
        return []
    }
}
