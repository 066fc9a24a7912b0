import AegisDomain
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One running plugin process, started with `posix_spawn` in a process group
/// of its own, so that signals reach whatever it starts too.
///
/// Its stdout and stderr are pipes the supervisor reads (non-blocking). Its
/// stdin is a pipe whose write end only aegisd holds: when aegisd goes, even
/// by `SIGKILL`, the plugin reads end-of-file there and must exit (the plugin
/// kits do). Signals that aegisd ignores or blocks are reset to their
/// defaults in the child, and no other descriptor of aegisd reaches it.
final class PluginProcess {
    let pid: pid_t
    /// stdout and stderr, read ends.
    let output: Int32
    let errors: Int32
    /// The write end of the plugin's stdin.
    private let lifeline: Int32
    private var reaped = false

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `command` (looked up in `PATH` unless it has a slash) with
    /// `arguments` and exactly `environment`.
    init(command: String, arguments: [String], environment: [String: String]) throws {
        let stdinPipe = try Self.pipe(), stdoutPipe: [Int32], stderrPipe: [Int32]
        do { stdoutPipe = try Self.pipe() } catch {
            Self.close(stdinPipe)
            throw error
        }
        do { stderrPipe = try Self.pipe() } catch {
            Self.close(stdinPipe + stdoutPipe)
            throw error
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        SpawnExtras.closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = [command] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }.sorted()
        var child: pid_t = 0
        let rc = Self.withCStrings(argv) { argvPointer in
            Self.withCStrings(envp) { envPointer in
                posix_spawnp(&child, command, &actions, &attributes, argvPointer, envPointer)
            }
        }
        // The child's ends.
        Glibc.close(stdinPipe[0])
        Glibc.close(stdoutPipe[1])
        Glibc.close(stderrPipe[1])
        guard rc == 0 else {
            Self.close([stdinPipe[1], stdoutPipe[0], stderrPipe[0]])
            throw SpawnError(description: "cannot run \(command): \(String(cString: strerror(rc)))")
        }
        pid = child
        lifeline = stdinPipe[1]
        output = stdoutPipe[0]
        errors = stderrPipe[0]
        for fd in [output, errors] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        Self.close([lifeline, output, errors])
        if !reaped {
            // Never leave a zombie: the group is killed and the child reaped.
            kill(-pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }

    /// Sends `signal` to the plugin's whole process group.
    func signalGroup(_ signal: Int32) {
        guard !reaped else { return }
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    /// How it ended, once it has (reaping it); nil while it runs.
    func reap() -> PluginExit? {
        guard !reaped else { return nil }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        reaped = true
        // The rest of its group, if it left any behind.
        kill(-pid, SIGKILL)
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(status & 0x7f)
    }

    /// A pipe whose ends other children never inherit, both above 2: were
    /// aegisd started with stdin closed, an end could otherwise be 0, and
    /// `dup2(0, 0)` would leave it close-on-exec in the child.
    private static func pipe() throws -> [Int32] {
        var ends: [Int32] = [-1, -1]
        guard Glibc.pipe(&ends) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        return ends.map { fd in
            guard fd < 3 else {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                return fd
            }
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, 3)
            Glibc.close(fd)
            return moved
        }
    }

    private static func close(_ fds: [Int32]) { for fd in fds where fd >= 0 { Glibc.close(fd) } }

    private static func withCStrings<T>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T
    ) -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { buffer in
            // allowed: the buffer is non-empty (it ends with nil)
            body(buffer.baseAddress!)
        }
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later),
/// looked up at run time: Swift's Glibc module does not export it.
enum SpawnExtras {
    private typealias Function = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let function: Function? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }()

    /// Closes every descriptor from `lowest` up in the child.
    static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        _ = function?(&actions, lowest)
    }
}
