import AegisClient
import AegisWire
import ArgumentParser
import Foundation

// MARK: Parameters

extension MessagePackMap {
    /// Adds `key` when `value` is given; absent otherwise (the server then
    /// leaves the field alone or uses its default).
    mutating func put(_ key: String, _ value: String?) {
        if let value { append(key: .string(key), value: .string(value)) }
    }

    mutating func put(_ key: String, _ value: Int?) {
        if let value { append(key: .string(key), value: .int(Int64(value))) }
    }

    mutating func put(_ key: String, _ value: Bool?) {
        if let value { append(key: .string(key), value: .bool(value)) }
    }

    mutating func put(_ key: String, _ value: Date?) {
        if let value { append(key: .string(key), value: .timestamp(value)) }
    }

    mutating func put(_ key: String, _ values: [String]?) {
        if let values { append(key: .string(key), value: .array(values.map { .string($0) })) }
    }

    mutating func put<E: RawRepresentable>(_ key: String, _ value: E?) where E.RawValue == String {
        if let value { append(key: .string(key), value: .string(value.rawValue)) }
    }
}

/// A non-empty list, or nil: repeatable options given zero times mean
/// "leave it alone".
func nonEmpty(_ values: [String]) -> [String]? { values.isEmpty ? nil : values }

// MARK: Time

/// ISO 8601 as people type it: `2025-03-01T12:00:00Z`, with or without
/// fractional seconds, `Z` or an offset (`+02:00`).
enum ISOTime {
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// For `@Option(transform:)`: a bad time is a usage error.
    static func argument(_ text: String) throws -> Date {
        guard let date = parse(text) else {
            throw ValidationError(
                "'\(text)' is not an ISO 8601 time; write e.g. 2025-03-01T12:00:00Z or 2025-03-01T14:00:00.250+02:00")
        }
        return date
    }
}

// MARK: Choices

enum RoleArgument: String, ExpressibleByArgument, CaseIterable {
    case admin, viewer, ingest
    case redLead = "red_lead"
    case redOperator = "red_operator"
    case blueLead = "blue_lead"
    case blueAnalyst = "blue_analyst"
}

enum SideArgument: String, ExpressibleByArgument, CaseIterable {
    case red, blue
}

enum RedOutcomeArgument: String, ExpressibleByArgument, CaseIterable {
    case executed, failed
    case blockedOnExecution = "blocked_on_execution"
}

enum PreventionArgument: String, ExpressibleByArgument, CaseIterable {
    case none, partial, full
}

enum SeverityArgument: String, ExpressibleByArgument, CaseIterable {
    case informational, low, medium, high, critical
}

enum TestStateArgument: String, ExpressibleByArgument, CaseIterable {
    case draft, ready, validated, cancelled
    case redRunning = "red_running"
    case redPaused = "red_paused"
    case bluePending = "blue_pending"
    case blueReview = "blue_review"
    case awaitingValidation = "awaiting_validation"
}

enum TestOutcomeArgument: String, ExpressibleByArgument, CaseIterable {
    case missed, logged, detected, prevented
}

enum TemplateFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case atomic, caldera, manual
}

/// `key=value`, for template inputs.
struct KeyValue: ExpressibleByArgument {
    var key: String
    var value: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        key = String(argument[..<equals])
        value = String(argument[argument.index(after: equals)...])
    }
}

// MARK: Failures that are not the server's

/// A local problem (a file in the way, a bad download): `aegisctl: message`
/// on stderr and exit 1.
struct LocalFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `reportingFailures`, plus local failures (exit 1).
func reportingAllFailures(_ body: () throws -> Void) throws {
    do {
        try reportingFailures(body)
    } catch let error as LocalFailure {
        FileHandle.standardError.write(Data("aegisctl: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}

// MARK: Signals

/// Lets SIGTERM, SIGINT, SIGHUP and SIGPIPE end a long-running command,
/// whatever signal mask its parent left it (a test runner or service
/// manager may start it with them blocked). SIGTERM gets its default
/// action back; the others keep theirs (a shell's background job ignores
/// SIGINT on purpose).
func unblockTerminationSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&set, signal) }
    signal(SIGTERM, SIG_DFL)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

// MARK: Secrets

/// Passwords: one line from stdin (`--password-stdin`) or a prompt on the
/// terminal with echo off. Never a command-line argument, which other users
/// can read in the process list.
enum Secrets {
    /// The next line of stdin without its line ending; fails at end of input.
    static func line(_ what: String) throws -> String {
        guard var line = Swift.readLine(strippingNewline: true) else {
            throw LocalFailure("expected \(what) on stdin, found the end of input")
        }
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    /// Asks on the controlling terminal without echo.
    static func prompt(_ label: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw LocalFailure("no terminal to ask for the password on; pipe it in with --password-stdin")
        }
        defer { close(fd) }
        writeText(fd, label)
        var original = termios()
        let isTerminal = tcgetattr(fd, &original) == 0
        if isTerminal {
            var quiet = original
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            savedTerminal = (fd, original)
            signal(SIGINT, restoreTerminalAndExit)
            signal(SIGTERM, restoreTerminalAndExit)
            _ = tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if isTerminal {
                _ = tcsetattr(fd, TCSAFLUSH, &original)
                savedTerminal = nil
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
            }
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != 0x0A {
            if byte != 0x0D { bytes.append(byte) }
            if bytes.count > 4096 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A password from stdin or a prompt; a new one is asked twice.
    static func password(fromStdin: Bool, label: String, confirm: Bool = false) throws -> String {
        if fromStdin { return try line(label) }
        let first = try prompt("\(label.prefix(1).uppercased() + label.dropFirst()): ")
        if confirm {
            let second = try prompt("Repeat \(label): ")
            guard first == second else { throw LocalFailure("the two entries differ") }
        }
        return first
    }

    private static func writeText(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

/// The terminal to give its echo back to if a signal ends the prompt.
nonisolated(unsafe) private var savedTerminal: (fd: Int32, state: termios)?

private func restoreTerminalAndExit(_ signal: Int32) {
    if var saved = savedTerminal {
        _ = tcsetattr(saved.fd, TCSAFLUSH, &saved.state)
        var newline: UInt8 = 0x0A
        _ = write(saved.fd, &newline, 1)
    }
    _exit(128 + signal)
}

// MARK: The session file

/// Writes and removes the session `aegisctl login` stores.
enum SessionFile {
    /// Writes `session` to `url` (mode 0600) inside a 0700 folder, replacing
    /// any earlier session atomically.
    static func save(_ session: StoredSession, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var info = stat()
        guard lstat(folder.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else {
            throw LocalFailure("\(folder.path) is not a folder of yours; the session was not saved")
        }
        guard chmod(folder.path, 0o700) == 0 else {
            throw LocalFailure("cannot make \(folder.path) private: \(String(cString: strerror(errno)))")
        }
        let temporary = folder.appendingPathComponent(".session.\(getpid()).tmp")
        unlink(temporary.path)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LocalFailure("cannot write \(temporary.path): \(String(cString: strerror(errno)))")
        }
        let data = session.encoded()
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw LocalFailure("cannot write \(url.path): \(reason)")
        }
    }

    /// Removes the session file; true when there was one.
    @discardableResult
    static func remove(at url: URL) -> Bool { unlink(url.path) == 0 }
}
