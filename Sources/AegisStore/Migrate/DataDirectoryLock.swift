import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// aegisd's lock on its data directory: a running aegisd holds an exclusive
/// `flock` on `<data-dir>/aegisd.lock` from start to exit (the kernel drops
/// it if the process dies). Taking it beside the SQLite file tells whether
/// a daemon is using that store, and keeps one from starting on it while
/// the copy runs. A file kept elsewhere (`--database sqlite:PATH`) has no
/// lock beside it; the copy still reads one consistent snapshot.
final class DataDirectoryLock {
    private let descriptor: Int32

    /// Takes the lock of the directory holding `path`; nil when that
    /// directory has no lock file (it is no aegisd data directory).
    init?(beside path: String) throws(StoreCopyError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let lockPath = directory.appendingPathComponent("aegisd.lock").path
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .daemonRunning(dataDirectory: directory.path)
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
