import Foundation

/// The evidence files a SQLite store references, found and checked in its
/// blobs folder (`<data-dir>/blobs/<first two hex>/<sha256>`, as
/// `FileBlobStore` writes them) before anything is written to the target.
struct EvidenceBlobs {
    /// One referenced file: its name (SHA-256) and size.
    struct Blob {
        var sha256: String
        var size: Int64
    }

    /// The blobs folder.
    let directory: URL
    /// Every referenced blob, present and matching its name, by name.
    let blobs: [Blob]
    /// Files in the folder that no evidence references (not copied).
    let skipped: Int

    /// Bytes over all `blobs`.
    var bytes: Int64 { blobs.reduce(0) { $0 + $1.size } }

    /// Where blob `sha256` lives in `directory`.
    static func file(_ sha256: String, in directory: URL) -> URL {
        directory.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    /// The file of `sha256`.
    func file(_ sha256: String) -> URL { Self.file(sha256, in: directory) }

    /// Hashes the file of each of `referenced` in `directory`, a piece at a
    /// time. Throws `StoreCopyError.evidenceFiles` when any is missing (or
    /// unreadable, or its name is no SHA-256) or its content does not hash
    /// to its name; `checked` runs after each file with the count so far.
    static func check(
        _ referenced: [String], in directory: URL, checked: (Int, Int64) -> Void = { _, _ in }
    ) throws -> EvidenceBlobs {
        var blobs: [Blob] = []
        var missing: [String] = []
        var altered: [String] = []
        var bytes: Int64 = 0
        for sha256 in referenced {
            let url = file(sha256, in: directory)
            var isDirectory: ObjCBool = false
            guard (try? BlobName.validated(sha256)) != nil,
                FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let found = try? SHA256Stream.file(at: url)
            else {
                missing.append(sha256)
                continue
            }
            if found.sha256 == sha256 {
                blobs.append(Blob(sha256: sha256, size: found.size))
                bytes += found.size
            } else {
                altered.append(sha256)
            }
            checked(blobs.count + altered.count, bytes)
        }
        guard missing.isEmpty && altered.isEmpty else {
            throw StoreCopyError.evidenceFiles(
                directory: directory.path, referenced: referenced.count, missing: missing, altered: altered)
        }
        return EvidenceBlobs(
            directory: directory, blobs: blobs, skipped: unreferencedFiles(in: directory, referenced: Set(referenced)))
    }

    /// Regular files under `directory` other than the referenced blobs at
    /// their places (left-over temporary files included).
    private static func unreferencedFiles(in directory: URL, referenced: Set<String>) -> Int {
        guard
            let files = FileManager.default.enumerator(
                at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        else { return 0 }
        var count = 0
        for case let url as URL in files {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let name = url.lastPathComponent
            let inPlace =
                referenced.contains(name) && url.deletingLastPathComponent().lastPathComponent == String(name.prefix(2))
            if !inPlace { count += 1 }
        }
        return count
    }
}
