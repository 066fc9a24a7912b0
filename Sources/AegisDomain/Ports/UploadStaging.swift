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
public enum UploadKind: String, Sendable {
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
}
