import AegisTestSupport
import Foundation
import Testing

/// aegisctl for one person: the daemon's environment with their own
/// XDG_CONFIG_HOME (never the real home's).
struct Shell {
    let environment: [String: String]
    let configHome: URL

    /// `apiKey`: the key to call with (`AEGIS_API_KEY`); else the session or the admin key.
    init(_ daemon: DaemonProcess, config: String, apiKey: String? = nil) {
        configHome = daemon.directory.url.appendingPathComponent(config)
        var own = ["XDG_CONFIG_HOME": configHome.path, "HOME": configHome.path]
        if let apiKey { own["AEGIS_API_KEY"] = apiKey }
        environment = daemon.clientEnvironment.merging(own) { $1 }
    }

    func run(_ arguments: [String], input: String? = nil, extra: [String: String] = [:]) throws -> CommandResult {
        try aegisctl(arguments, environment: environment.merging(extra) { $1 }, input: input)
    }

    /// Creates a user (password on stdin); returns the id.
    func createUser(_ username: String, roles: [String], password: String) throws -> String {
        let result = try run(
            ["user", "create", username, "--password-stdin", "--json"] + roles.flatMap { ["--role", $0] },
            input: password + "\n")
        return try #require(try object(result)["id"] as? String)
    }

    /// Runs a change and returns the test's new version.
    func version(_ arguments: [String]) throws -> Int {
        try #require(try object(try run(arguments))["version"] as? Int)
    }

    /// Runs a state move with `--version` and checks where it lands.
    func move(_ arguments: [String], _ version: Int, to state: String) throws -> Int {
        let result = try run(arguments + ["--version", "\(version)", "--json"])
        let test = try object(result)
        #expect(test["state"] as? String == state, "\(arguments): \(result.stderr)")
        return try #require(test["version"] as? Int)
    }
}

/// Runs aegisctl with `input` on stdin (closed at once when nil).
func aegisctl(_ arguments: [String], environment extra: [String: String], input: String?) throws
    -> CommandResult
{
    let process = Process()
    process.executableURL = Binaries.url("aegisctl")
    process.arguments = arguments
    process.environment = cleanEnvironment(extra)
    let out = Pipe()
    let err = Pipe()
    let stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let errors = LogBuffer()
    err.fileHandleForReading.readabilityHandler = { errors.append($0.availableData) }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    err.fileHandleForReading.readabilityHandler = nil
    errors.append(err.fileHandleForReading.readDataToEndOfFile())
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: errors.text)
}

/// The JSON object a command printed.
func object(_ result: CommandResult) throws -> [String: Any] {
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
}
