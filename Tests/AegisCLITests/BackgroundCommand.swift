import Foundation

/// A long-running aegisctl (`events tail`) whose output is read as it comes.
final class BackgroundCommand {
    let process = Process()
    private let output = LogBuffer()
    private let errors = LogBuffer()

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = Binaries.url("aegisctl")
        process.arguments = arguments
        process.environment = cleanEnvironment(environment)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let output = output
        let errors = errors
        out.fileHandleForReading.readabilityHandler = { output.append($0.availableData) }
        err.fileHandleForReading.readabilityHandler = { errors.append($0.availableData) }
        try process.run()
    }

    /// Complete lines printed so far.
    var lines: [String] {
        let text = output.text
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // after the last newline: empty, or a line still being written
        return lines
    }

    /// Waits (up to 30 s) until at least `count` lines are out, or the command ended.
    func waitForLines(_ count: Int) -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline, process.isRunning, lines.count < count {
            Thread.sleep(forTimeInterval: 0.01)
        }
        return lines.count >= count
    }

    var stderr: String { errors.text }

    /// SIGTERM, and SIGKILL if it is still there after 10 s; true when
    /// SIGTERM was enough (or it had ended already).
    @discardableResult
    func stop() -> Bool {
        guard process.isRunning else { return true }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return !killed
    }

    deinit { stop() }
}
