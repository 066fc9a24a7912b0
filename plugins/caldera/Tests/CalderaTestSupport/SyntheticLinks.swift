import Foundation

extension CalderaStandIn {
    /// Serves `count` links in the recorded operation instead of the seven
    /// recorded ones, for throughput figures: each is the recorded `link-0`
    /// (its shape, command and output) with a synthetic id, and its result
    /// is served too. Returns the ids, in order.
    @discardableResult
    public func serveSyntheticLinks(count: Int) throws -> [String] {
        guard let template = try recordings.named("link-0").json() as? [String: Any],
            var result = try recordings.named("link-0-result").json() as? [String: Any]
        else { throw Recordings.RecordingMissing(name: "link-0") }
        let operationID = recordings.operationID
        var links: [[String: Any]] = []
        var ids: [String] = []
        for i in 0..<count {
            var link = template
            let id = String(format: "00000000-0000-4000-8000-%012d", i)
            link["id"] = id
            link["unique"] = id
            links.append(link)
            ids.append(id)
            result["link"] = link
            serve(
                "GET", "/api/v2/operations/\(operationID)/links/\(id)/result",
                json: try JSONSerialization.data(withJSONObject: result))
        }
        serve("GET", "/api/v2/operations/\(operationID)/links", json: try JSONSerialization.data(withJSONObject: links))
        return ids
    }
}
