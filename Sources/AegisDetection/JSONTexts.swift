import Foundation

extension TelemetryEvent {
    /// The top-level JSON values of `data` (one object, JSON lines, or
    /// objects one after another), each as its own text, undecoded: what a
    /// client sends as `telemetry.ingest` events.
    public static func jsonTexts(_ data: Data) throws(TelemetryEventError) -> [Data] {
        try JSONScanner.topLevelValues(data, maxDepth: maxDepth).map {
            Data(data[(data.startIndex + $0.lowerBound)..<(data.startIndex + $0.upperBound)])
        }
    }
}
