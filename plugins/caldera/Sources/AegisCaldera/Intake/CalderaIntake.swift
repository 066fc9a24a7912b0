/// One look at Caldera: the operations the settings name, their links not
/// imported yet, the output of those that finished with some, and what to
/// do with each link. Writing the tests is the plugin's part; it records
/// each imported link in its ledger.
public struct CalderaIntake: Sendable {
    public let client: CalderaClient

    public init(client: CalderaClient) {
        self.client = client
    }

    /// What one look found.
    public struct Look: Sendable {
        public var decisions: [LinkIntakeDecision] = []
        /// Operations that could not be read this time, with why (the next
        /// look tries again).
        public var failures: [(operationID: String, error: CalderaError)] = []
    }

    /// Reads the matching operations and decides on every link `ledger` has
    /// not seen. Only finished links with output cost a result request.
    public func look(
        ledger: LinkIntakeLedger, techniqueExists: @Sendable (String) -> Bool
    ) async throws(CalderaError) -> Look {
        var look = Look()
        for operation in try await client.operations(matching: client.settings.operations) {
            do throws(CalderaError) {
                let links = try await client.links(operationID: operation.id).filter { !ledger.contains($0.id) }
                var outputs: [String: CalderaLinkOutput] = [:]
                for link in links where link.hasOutput && link.finish != nil && CalderaLink.Status.isFinished(link.status) {
                    outputs[link.id] = try await client.linkResult(operationID: operation.id, linkID: link.id).output
                }
                look.decisions += ledger.decide(
                    links, operation: operation, outputs: outputs, techniqueExists: techniqueExists)
            } catch {
                look.failures.append((operation.id, error))
            }
        }
        return look
    }
}
