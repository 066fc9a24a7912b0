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
    var publisherWatermark: URL { url.appendingPathComponent("published.seq") }

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

    /// Writes `secret` to `admin.key`, readable by the owner only. The file
    /// is created with mode 0600 before anything is written to it.
    func writeAdminKey(_ secret: String) throws {
        let path = adminKeyFile.path
        unlink(path)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DaemonError.dataDirectory("cannot create \(path)") }
        defer { Glibc.close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array((secret + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw DaemonError.dataDirectory("cannot write \(path)") }
        fsync(fd)
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
