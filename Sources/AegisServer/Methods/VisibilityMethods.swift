import AegisApp

/// `visibility.*`: how well the team sees a technique.
enum VisibilityMethods {
    static let all: [MethodHandler] = [
        .method("visibility.set", VisibilityParams.self) { p, scope in
            try ScoreService(env: scope.env, context: scope.context).setVisibility(
                techniqueID: p.techniqueID, level: p.level, note: p.note)
        }
    ]

    struct VisibilityParams: Decodable, Sendable {
        var techniqueID: String
        /// 0-4; nil clears it.
        var level: Int?
        var note: String?

        enum CodingKeys: String, CodingKey {
            case level, note
            case techniqueID = "technique_id"
        }
    }
}
