/// How scores are read and printed in a heatmap.
enum HeatmapScore {
    /// `score` within 0...100; nil for nil or NaN.
    static func clamped(_ score: Double?) -> Double? {
        guard let score, !score.isNaN else { return nil }
        return Swift.min(Swift.max(score, 0), 100)
    }

    /// The clamped score with at most one decimal ("75", "62.5"); nil
    /// when not scored.
    static func text(_ score: Double?) -> String? {
        guard let value = clamped(score) else { return nil }
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }
}
