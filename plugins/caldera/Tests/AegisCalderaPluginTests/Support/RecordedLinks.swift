import CalderaTestSupport
import Foundation

/// The seven links recorded from Caldera, as the tests check their tests:
/// by ability id (`aegis-rec-echo`...), with the link's id and times.
struct RecordedLink {
    var id: String
    var abilityID: String
    var status: Int
    var command: String
    var decide: Date?
    var collect: Date?
    var finish: Date?

    var sourceRef: String { "caldera:link:\(id)" }

    static func all(_ recordings: Recordings) throws -> [RecordedLink] {
        guard let links = try recordings.named("links").json() as? [[String: Any]] else {
            throw Recordings.RecordingMissing(name: "links")
        }
        let time = ISO8601DateFormatter()
        return links.map { link in
            let ability = link["ability"] as? [String: Any] ?? [:]
            return RecordedLink(
                id: link["id"] as? String ?? "", abilityID: ability["ability_id"] as? String ?? "",
                status: link["status"] as? Int ?? -99, command: link["plaintext_command"] as? String ?? "",
                decide: (link["decide"] as? String).flatMap(time.date),
                collect: (link["collect"] as? String).flatMap(time.date),
                finish: (link["finish"] as? String).flatMap(time.date))
        }
    }
}
