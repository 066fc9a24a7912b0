import AegisApp
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Lists the rules directory and reads its files, never leaving it: the
/// rule files (`.yml`, `.yaml`, `.toml`) of the directory and its folders,
/// without editors' scratch files, dotfiles and dot-folders. Linked folders
/// are not entered; a linked file is read only when it lies inside the
/// directory. Bounded: at most `maxFiles` files, `maxDepth` folders deep,
/// files of at most `maxFileBytes`.
struct RuleDirectoryScanner: Sendable {
    /// The directory as configured.
    let root: URL
    var maxFiles = 10_000
    var maxDepth = 16
    var maxFileBytes = RuleDirectorySync.maxFileBytes

    /// One look at the directory.
    struct Scan {
        var listing: RuleDirectoryListing
        /// Every folder found, absolute (to watch), the directory first.
        var folders: [String]
        /// The directory with its links resolved; nil when it cannot be read.
        var resolvedRoot: String?
    }

    /// What the directory holds now. A directory that is missing, not a
    /// folder, unreadable or over the bounds gives `.unreadable`: nothing
    /// is read, and everything synced from it stays as it is.
    func scan() -> Scan {
        let failed = { (reason: String) in Scan(listing: .unreadable(reason), folders: [], resolvedRoot: nil) }
        guard let real = Self.realPath(root.path) else {
            return failed("\(root.path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard stat(real, &info) == 0 else { return failed("\(root.path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFDIR else { return failed("\(root.path): not a directory") }

        var files: [String] = []
        var unreadable: [String: String] = [:]
        var folders: [String] = []
        // (path relative to the directory, "" for itself; depth)
        var queue: [(String, Int)] = [("", 0)]
        while let (relative, depth) = queue.popLast() {
            let absolute = relative.isEmpty ? real : real + "/" + relative
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: absolute)
            } catch {
                let reason = Self.reason(of: error)
                if relative.isEmpty { return failed("\(root.path): \(reason)") }
                unreadable[relative + "/"] = reason
                continue
            }
            folders.append(absolute)
            for name in names.sorted() where !Self.isHidden(name) {
                let child = relative.isEmpty ? name : relative + "/" + name
                var entry = stat()
                guard lstat(absolute + "/" + name, &entry) == 0 else { continue }
                if entry.st_mode & S_IFMT == S_IFDIR {
                    if depth + 1 < maxDepth { queue.append((child, depth + 1)) }
                } else if Self.isRuleFile(name) {
                    files.append(child)
                    if files.count > maxFiles {
                        return failed("\(root.path): more than \(maxFiles) rule files; nothing is synced until there are fewer")
                    }
                }
            }
        }
        return Scan(
            listing: RuleDirectoryListing(files: files.sorted(), unreadableFolders: unreadable), folders: folders,
            resolvedRoot: real)
    }

    /// The content of rule file `name` (relative), read only when it is a
    /// regular file inside the directory and small enough.
    func read(_ name: String) throws -> Data {
        guard !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }),
            let realRoot = Self.realPath(root.path)
        else { throw RuleFileReadError("not in the rules directory") }
        guard let real = Self.realPath(realRoot + "/" + name) else {
            throw RuleFileReadError(String(cString: strerror(errno)))
        }
        guard real.hasPrefix(realRoot + "/") else { throw RuleFileReadError("a link to a file outside the rules directory") }
        var info = stat()
        guard stat(real, &info) == 0 else { throw RuleFileReadError(String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw RuleFileReadError("not a regular file") }
        guard Int(info.st_size) <= maxFileBytes else { throw RuleFileReadError("larger than \(maxFileBytes) bytes") }
        guard let handle = FileHandle(forReadingAtPath: real) else { throw RuleFileReadError("cannot be opened") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        guard data.count <= maxFileBytes else { throw RuleFileReadError("larger than \(maxFileBytes) bytes") }
        return data
    }

    /// Rule files end in `.yml`, `.yaml` or `.toml` (any case) and are not
    /// hidden: which leaves out editors' scratch files (`*~`, `*.swp`,
    /// `*.swx`, `*.tmp`, `#*#`, `.#*`, vim's `4913` probe).
    static func isRuleFile(_ name: String) -> Bool {
        guard !isHidden(name), !name.hasPrefix("#"), !name.hasSuffix("~") else { return false }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return ["yml", "yaml", "toml"].contains(name[name.index(after: dot)...].lowercased())
    }

    /// Dotfiles and dot-folders (`.git`, `.#rule.yml`, `.rule.yml.swp`).
    static func isHidden(_ name: String) -> Bool { name.hasPrefix(".") }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func reason(of error: any Error) -> String {
        let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = posix?.code, posix?.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(code))) }
        return (error as NSError).localizedDescription
    }
}
