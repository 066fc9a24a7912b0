import Foundation

/// A file attached to a test by one side: screenshots, logs, captures.
/// Its content lives in the blob store under its SHA-256.
public struct Evidence: Sendable, Equatable, Codable {
    public var id: String
    public var testID: String
    public var side: TeamSide
    public var caption: String
    /// The name the uploader gave; a label, never a path.
    public var filename: String
    public var size: Int64
    public var sha256: String
    public var uploadedBy: String
    public var uploadedAt: Date

    public init(
        id: String, testID: String, side: TeamSide, caption: String, filename: String, size: Int64, sha256: String,
        uploadedBy: String, uploadedAt: Date
    ) {
        self.id = id
        self.testID = testID
        self.side = side
        self.caption = caption
        self.filename = filename
        self.size = size
        self.sha256 = sha256
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, side, caption, filename, size, sha256
        case testID = "test_id"
        case uploadedBy = "uploaded_by"
        case uploadedAt = "uploaded_at"
    }
}
