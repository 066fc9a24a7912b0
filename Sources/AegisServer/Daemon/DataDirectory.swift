import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's data directory: created private (0700), locked so that a
/// second aegisd on the same directory refuses to start, and holding the
/// admin key file and the runtime file clients read endpoints from.
struct DataDirectory {
    let url: URL
    private var lockDescriptor: Int32 = -1

    init(_ url: URL) { self.url = url }

    var adminKeyFile: URL { url.appendingPathComponent("admin.key") }
    var runtimeFile: URL { url.appendingPathComponent("aegisd.json") }
    var uploads: URL { url.appendingPathComponent("uploads") }
    var blobs: URL { url.appendingPathComponent("blobs") }

    /// Creates the directory if needed and takes its lock.
    mutating func open() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = url.appendingPathComponent("aegisd.lock").path
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DaemonError.dataDirectory("cannot open \(path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            throw DaemonError.dataDirectory("another aegisd is using \(url.path)")
        }
        lockDescriptor = fd
    }

    mutating func close() {
        if lockDescriptor >= 0 {
            flock(lockDescriptor, LOCK_UN)
            Glibc.close(lockDescriptor)
            lockDescriptor = -1
        }
    }

    /// Writes `secret` to `admin.key`, readable by the owner only: into a
    /// temporary file created 0600, flushed to disk, then renamed over.
    func writeAdminKey(_ secret: String) throws {
        let path = adminKeyFile.path
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DaemonError.dataDirectory("cannot create \(temporary)") }
        let bytes = Array((secret + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            written += n
        }
        let synced = fsync(fd) == 0
        Glibc.close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw DaemonError.dataDirectory("cannot write \(path)")
        }
    }
}

public enum DaemonError: Error, CustomStringConvertible {
    case dataDirectory(String)
    case configuration(String)
    case catalog(String)

    public var description: String {
        switch self {
        case .dataDirectory(let m), .configuration(let m), .catalog(let m): m
        }
    }
}
