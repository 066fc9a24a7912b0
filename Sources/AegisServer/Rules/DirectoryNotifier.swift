import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Linux inotify over a set of folders, plus a wake-up pipe: `wait` returns
/// when something changed in a watched folder, when `wake` is called, or at
/// the timeout. Any change is only a reason to rescan, so events are
/// drained, never interpreted one by one. Used by one thread at a time
/// (`wake` from any).
final class DirectoryNotifier: @unchecked Sendable {
    /// What `wait` saw.
    struct Seen: Equatable {
        /// Something changed in a watched folder (or the queue overflowed).
        var changed = false
        /// `wake` was called.
        var woken = false
    }

    private let inotify: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// Folders watched, by watch descriptor.
    private var watched: [Int32: String] = [:]
    /// Why the last `watch` could not add every folder, if it could not.
    private(set) var watchProblem: String?

    /// Files written and closed, moved in or out, created, deleted,
    /// permissions changed; the folder itself deleted or moved.
    private static let mask = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF
            | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

    /// Fails when the system refuses an inotify instance or a pipe.
    init() throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw NotifierError("inotify_init1: \(String(cString: strerror(errno)))") }
        var ends: [Int32] = [-1, -1]
        guard Glibc.pipe(&ends) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw NotifierError("pipe: \(reason)")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        inotify = fd
        wakeRead = ends[0]
        wakeWrite = ends[1]
    }

    deinit {
        Glibc.close(inotify)
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Watches each folder of `paths` (absolute; adding one watched already
    /// is harmless). Folders deleted since stop being watched by themselves.
    func watch(_ paths: [String]) {
        var problem: String?
        for path in paths {
            let wd = inotify_add_watch(inotify, path, Self.mask)
            if wd >= 0 {
                watched[wd] = path
            } else if problem == nil {
                problem = "\(path): \(String(cString: strerror(errno)))"
            }
        }
        watchProblem = problem
    }

    /// How many folders are watched now.
    var watchCount: Int { watched.count }

    /// Wakes a `wait` (from any thread).
    func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    /// Waits up to `timeout` for a change or a wake-up, then drains both.
    func wait(_ timeout: Duration) -> Seen {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        var fds = [
            pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&fds, 2, Int32(clamping: max(0, milliseconds)))
        var seen = Seen()
        guard ready > 0 else { return seen }
        if fds[0].revents != 0 { seen.changed = drainEvents() }
        if fds[1].revents != 0 {
            seen.woken = true
            var buffer = [UInt8](repeating: 0, count: 64)
            while Glibc.read(wakeRead, &buffer, buffer.count) > 0 {}
        }
        return seen
    }

    /// Reads every queued event; forgets the watches the kernel dropped.
    /// True when any event arrived.
    private func drainEvents() -> Bool {
        var any = false
        let headerSize = MemoryLayout<inotify_event>.size
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(inotify, $0.baseAddress, $0.count) }
            guard count > 0 else { return any }
            any = true
            var offset = 0
            while offset + headerSize <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
                    return (wd, mask, Int(length))
                }
                if mask & UInt32(IN_IGNORED) != 0 { watched[wd] = nil }
                offset += headerSize + length
            }
        }
    }
}

struct NotifierError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
