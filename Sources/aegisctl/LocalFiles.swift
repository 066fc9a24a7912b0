import Foundation

/// Files aegisctl reads or writes on the caller's machine: the daemon gets
/// their content, never a path.
enum LocalFiles {
    /// The bytes of the regular file at `path`; a clear `LocalFailure` when
    /// it is missing, a folder, or unreadable.
    static func read(_ path: String) throws -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw LocalFailure("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw LocalFailure("\(path) is not a file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw LocalFailure("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `data` to `path` through `OutputFile` (all or nothing).
    static func write(_ data: Data, to path: String) throws {
        let file = try OutputFile(path)
        try file.write(data)
        try file.commit()
    }

    /// True for the paths that mean standard output: none, or `-`.
    static func isStandardOutput(_ path: String?) -> Bool { path == nil || path == "-" }
}

/// A file written piece by piece: into a temporary file beside `path`,
/// moved over it (replacing any) by `commit`; removed if never committed.
/// `-` writes straight to standard output.
final class OutputFile {
    let path: String
    private let handle: FileHandle
    private let temporary: String?
    private var committed = false

    init(_ path: String) throws {
        self.path = path
        if path == "-" {
            handle = .standardOutput
            temporary = nil
            return
        }
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(getpid()).part").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw LocalFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        self.temporary = temporary
    }

    func write(_ data: Data) throws {
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw LocalFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }

    func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Flushes the file to disk and moves it into place.
    func commit() throws {
        guard let temporary else { return }
        guard fsync(handle.fileDescriptor) == 0, rename(temporary, path) == 0 else {
            throw LocalFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    deinit {
        if let temporary, !committed { unlink(temporary) }
    }
}
