import Foundation

/// Detections: rule matches on telemetry, and external ones.
public protocol DetectionRepository {
    /// Stores those not stored yet (by id); returns the ids it stored.
    func insert(_ detections: [Detection]) throws -> Set<String>
    func detection(id: String) throws -> Detection?
    /// Newest first.
    func detections(matching query: DetectionQuery) throws -> [Detection]
}
