import AegisDomain
import Foundation

/// Content-addressed files under `<data-dir>/blobs/<first two hex>/<sha256>`.
/// Names are computed hashes, never client input; a blob is written to a
/// temporary name and renamed into place, so a reader never sees half of one.
public final class FileBlobStore: BlobStore {
    private let root: URL

    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    private func url(_ sha256: String) throws -> URL {
        let sha256 = try BlobName.validated(sha256)
        return root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    private func prepare(_ target: URL) throws {
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    @discardableResult
    public func put(file: URL, sha256: String) throws -> Bool {
        let target = try url(sha256)
        if FileManager.default.fileExists(atPath: target.path) {
            try? FileManager.default.removeItem(at: file)
            return false
        }
        try prepare(target)
        if rename(file.path, target.path) != 0 {
            // Another file system: copy, then rename the copy into place.
            let temporary = target.appendingPathExtension("tmp-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: file, to: temporary)
            guard rename(temporary.path, target.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw AegisError.unavailable("cannot store the evidence file")
            }
            try? FileManager.default.removeItem(at: file)
        }
        return true
    }

    public func put(data: Data, sha256: String) throws {
        let target = try url(sha256)
        guard !FileManager.default.fileExists(atPath: target.path) else { return }
        try prepare(target)
        try data.write(to: target, options: .atomic)
    }

    public func size(sha256: String) throws -> Int64? {
        let path = try url(sha256).path
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value
    }

    public func read(sha256: String, offset: Int64, length: Int) throws -> Data {
        let target = try url(sha256)
        try BlobName.checkRange(offset: offset, length: length)
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: target)
        } catch {
            throw FileManager.default.fileExists(atPath: target.path) ? error : BlobName.missing(sha256)
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return try handle.read(upToCount: length) ?? Data()
    }

    public func remove(sha256: String) throws {
        let target = try url(sha256)
        try? FileManager.default.removeItem(at: target)
    }
}
