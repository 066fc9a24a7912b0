import Foundation

/// A private PostgreSQL cluster for one test that stops and starts the
/// server (the run's shared cluster must stay up for the other tests).
/// Driven by `scripts/pg-cluster`; removed when released.
public final class PostgresCluster: @unchecked Sendable {
    public let directory: URL
    /// The superuser's URL (with its password).
    public private(set) var url = ""

    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-pgc-\(UUID().uuidString)")
        try Self.script("init", directory)
        try start()
    }

    deinit { try? Self.script("destroy", directory) }

    /// Starts the server (again); waits until it accepts connections.
    public func start() throws {
        try Self.script("start", directory)
        url = try String(contentsOf: directory.appendingPathComponent("url"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Fast shutdown: every connection ends, the server stops.
    public func stop() throws { try Self.script("stop", directory) }

    /// Runs the script with posix_spawn and waitpid: Foundation's
    /// `Process` would wait for every descendant to close a descriptor it
    /// watches, and the server that `start` leaves running never does.
    private static func script(_ command: String, _ directory: URL) throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: errors) }
        let path = TestData.repository.appendingPathComponent("scripts/pg-cluster").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let arguments = [path, command, directory.path]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, &argv, environ)
        guard spawned == 0 else { throw Failed(description: "pg-cluster \(command): cannot run (\(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally with 0 (the low 7 bits hold a signal, the next 8 the code).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Failed(description: "pg-cluster \(command) failed (status \(status)): \(message)")
        }
    }
}
