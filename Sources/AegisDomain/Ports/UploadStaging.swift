import Foundation

/// An uploaded file ready to be read by an importer.
public struct UploadedFile: Sendable {
    public var name: String
    public var content: Data
    public init(name: String, content: Data) {
        self.name = name
        self.content = content
    }
}

/// An upload taken for processing: its files and what `begin` was told.
public struct ClaimedUpload: Sendable {
    public var files: [UploadedFile]
    public var metadata: [String: String]

    public init(files: [UploadedFile], metadata: [String: String]) {
        self.files = files
        self.metadata = metadata
    }
}

/// What an upload is for: the methods of one kind never see the uploads
/// of another.
public enum UploadKind: String, Sendable, Codable {
    case catalog
    case evidence
}

/// Who may use an upload: the kind it was begun for and the actor (a
/// principal's `actorID`) that began it. Every append, claim and abort must
/// present the same pair.
public struct UploadOwner: Sendable, Hashable {
    public var kind: UploadKind
    public var actorID: String

    public init(kind: UploadKind, actorID: String) {
        self.kind = kind
        self.actorID = actorID
    }
}

/// An upload in progress, as `upload.list` shows it.
public struct UploadSummary: Sendable, Equatable, Encodable {
    public var id: String
    public var kind: UploadKind
    /// The actor that began it (`usr_...`, `key_...`).
    public var owner: String
    public var files: Int
    public var bytes: Int64
    public var maxBytes: Int64
    public var startedAt: Date
    /// The last append (or the start).
    public var touchedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, owner, files, bytes
        case maxBytes = "max_bytes"
        case startedAt = "started_at"
        case touchedAt = "touched_at"
    }

    public init(
        id: String, kind: UploadKind, owner: String, files: Int, bytes: Int64, maxBytes: Int64, startedAt: Date,
        touchedAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.files = files
        self.bytes = bytes
        self.maxBytes = maxBytes
        self.startedAt = startedAt
        self.touchedAt = touchedAt
    }
}

/// Where chunked uploads collect before they are committed. Files arrive
/// by name, in order, each chunk at the offset the client claims.
///
/// An upload is known only to its owner: for any other `UploadOwner` an
/// existing upload answers `NOT_FOUND`, exactly as an unknown id does, and
/// is left as it was.
public protocol UploadStaging: Sendable {
    /// Starts an upload of at most `maxBytes` in all for `owner`,
    /// remembering `metadata` for the commit; returns its id.
    func begin(for owner: UploadOwner, maxBytes: Int64, metadata: [String: String]) throws -> String
    /// Appends `data` to `file` at `offset`, which must equal the bytes
    /// already received for that file. Returns the file's new size.
    func append(uploadID: String, by owner: UploadOwner, file: String, offset: Int64, data: Data) throws -> Int64
    /// Takes the upload for processing: no chunk can be added to it and no
    /// one else can claim it afterwards. Returns the files received, in
    /// first-seen order (content may be mapped); `discard` them when done.
    func claim(uploadID: String, by owner: UploadOwner) throws -> ClaimedUpload
    /// Removes a claimed upload and its files.
    func discard(uploadID: String)
    /// Where a claimed upload's file `index` lies, to move it elsewhere.
    func fileURL(uploadID: String, index: Int) -> URL
    /// Every upload in progress, whoever began it, oldest first.
    func list() -> [UploadSummary]
    /// Takes any upload out of its owner's reach (an administrator's
    /// abort), keeping its files until `discard`, or `release` to give it
    /// back; nil when there is none with that id.
    func detach(uploadID: String) -> UploadSummary?
    /// Gives a detached upload back to its owner, as it was.
    func release(uploadID: String)
}
