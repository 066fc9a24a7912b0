import AegisDomain
import Foundation
import Synchronization

/// Chunked uploads collected in files under `<data-dir>/uploads`. Clients
/// name files only as labels: on disk each file is `<upload-id>/<n>`, so no
/// client-chosen path ever reaches the file system. Uploads idle for longer
/// than `expiry` are removed when the next one begins. Each upload is
/// bound to the `UploadOwner` that began it; to anyone else it does not
/// exist. At most `maxOpenUploads` are open at once, and at most
/// `maxOpenUploadsPerActor` of them for any one actor, so nobody can take
/// every slot.
public final class FileUploadStaging: UploadStaging {
    private struct Upload {
        var owner: UploadOwner
        var maxBytes: Int64
        var metadata: [String: String]
        var total: Int64 = 0
        var files: [(name: String, size: Int64)] = []
        var started: Date
        var touched: Date
        /// Taken by an administrator's abort: out of its owner's reach.
        var detached = false
    }

    private let root: URL
    private let expiry: TimeInterval
    private let maxOpenUploads: Int
    private let maxOpenUploadsPerActor: Int
    private let uploads = Mutex<[String: Upload]>([:])

    public init(root: URL, expiry: TimeInterval = 3600, maxOpenUploads: Int = 16, maxOpenUploadsPerActor: Int = 4) throws {
        self.root = root
        self.expiry = expiry
        self.maxOpenUploads = maxOpenUploads
        self.maxOpenUploadsPerActor = min(maxOpenUploadsPerActor, maxOpenUploads)
        // Anything left from a previous run is unreachable: start clean.
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public func begin(for owner: UploadOwner, maxBytes: Int64, metadata: [String: String] = [:]) throws -> String {
        let now = Date()
        let expired = uploads.withLock { uploads in
            let old = uploads.filter { !$0.value.detached && now.timeIntervalSince($0.value.touched) > expiry }.map(\.key)
            for id in old { uploads[id] = nil }
            return old
        }
        for id in expired { try? FileManager.default.removeItem(at: directory(id)) }
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let id = "upl_" + bytes.map { String(format: "%02x", $0) }.joined()
        try FileManager.default.createDirectory(at: directory(id), withIntermediateDirectories: false)
        let refusal = uploads.withLock { uploads -> AegisError? in
            let own = uploads.values.count { $0.owner.actorID == owner.actorID }
            guard own < maxOpenUploadsPerActor else {
                return AegisError.resourceExhausted(
                    "you have \(own) uploads in progress, the most one principal may have; commit or abort one first",
                    details: ["max_uploads": .int(Int64(maxOpenUploadsPerActor))])
            }
            guard uploads.count < maxOpenUploads else {
                return AegisError.resourceExhausted(
                    "too many uploads in progress (\(maxOpenUploads)); commit or abort one first",
                    details: ["max_uploads": .int(Int64(maxOpenUploads))])
            }
            uploads[id] = Upload(owner: owner, maxBytes: maxBytes, metadata: metadata, started: now, touched: now)
            return nil
        }
        if let refusal {
            try? FileManager.default.removeItem(at: directory(id))
            throw refusal
        }
        return id
    }

    public func append(uploadID: String, by owner: UploadOwner, file: String, offset: Int64, data: Data) throws
        -> Int64
    {
        // Under the lock, so chunks of one upload land in order and the
        // recorded sizes always match the files.
        try uploads.withLock { uploads throws -> Int64 in
            guard var upload = uploads[uploadID], upload.owner == owner, !upload.detached else {
                throw Self.notFound(uploadID)
            }
            let index = upload.files.firstIndex { $0.name == file } ?? upload.files.count
            let current = index < upload.files.count ? upload.files[index].size : 0
            guard offset == current else {
                throw AegisError(
                    .failedPrecondition, "offset \(offset) does not match the \(current) bytes received for \(file)",
                    details: ["field": "offset", "expected": .int(current)])
            }
            guard upload.total + Int64(data.count) <= upload.maxBytes else {
                throw AegisError.resourceExhausted(
                    "the upload exceeds its limit of \(upload.maxBytes) bytes", details: ["max_bytes": .int(upload.maxBytes)])
            }
            let url = directory(uploadID).appendingPathComponent(String(index))
            if index == upload.files.count {
                guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
                else { throw AegisError.unavailable("cannot create an upload file") }
                upload.files.append((file, 0))
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: data)
            upload.files[index].size += Int64(data.count)
            upload.total += Int64(data.count)
            upload.touched = Date()
            uploads[uploadID] = upload
            return upload.files[index].size
        }
    }

    public func claim(uploadID: String, by owner: UploadOwner) throws -> ClaimedUpload {
        // Checked and taken in one step: a stranger's claim leaves the
        // upload exactly as it was.
        let claimed = uploads.withLock { uploads -> Upload? in
            guard let upload = uploads[uploadID], upload.owner == owner, !upload.detached else { return nil }
            uploads[uploadID] = nil
            return upload
        }
        guard let upload = claimed else { throw Self.notFound(uploadID) }
        do {
            let files = try upload.files.enumerated().map { index, file in
                UploadedFile(
                    name: file.name,
                    content: try Data(contentsOf: fileURL(uploadID: uploadID, index: index), options: .alwaysMapped))
            }
            return ClaimedUpload(files: files, metadata: upload.metadata)
        } catch {
            // Taken but unreadable (reported as INTERNAL): nobody can reach
            // it any more, so its files go now rather than never.
            discard(uploadID: uploadID)
            throw error
        }
    }

    public func discard(uploadID: String) {
        uploads.withLock { $0[uploadID] = nil }
        try? FileManager.default.removeItem(at: directory(uploadID))
    }

    public func fileURL(uploadID: String, index: Int) -> URL {
        directory(uploadID).appendingPathComponent(String(index))
    }

    public func list() -> [UploadSummary] {
        uploads.withLock { uploads in
            uploads.filter { !$0.value.detached }.map { Self.summary($0.key, $0.value) }
        }.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    public func detach(uploadID: String) -> UploadSummary? {
        uploads.withLock { uploads in
            guard var upload = uploads[uploadID], !upload.detached else { return nil }
            upload.detached = true
            uploads[uploadID] = upload
            return Self.summary(uploadID, upload)
        }
    }

    public func release(uploadID: String) {
        uploads.withLock { $0[uploadID]?.detached = false }
    }

    private static func summary(_ id: String, _ upload: Upload) -> UploadSummary {
        UploadSummary(
            id: id, kind: upload.owner.kind, owner: upload.owner.actorID, files: upload.files.count, bytes: upload.total,
            maxBytes: upload.maxBytes, startedAt: upload.started, touchedAt: upload.touched)
    }

    private func directory(_ id: String) -> URL { root.appendingPathComponent(id) }

    /// The one answer for unknown, finished and other owners' uploads.
    private static func notFound(_ uploadID: String) -> AegisError {
        AegisError.notFound("upload", String(uploadID.prefix(64)))
    }
}
