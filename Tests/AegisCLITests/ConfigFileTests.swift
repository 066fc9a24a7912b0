import AegisClient
import AegisTestSupport
import Foundation
import Testing

/// aegisd's `--config` file, as an admin writes it.
@Suite(.serialized) struct ConfigFileTests {
    @Test func aBadConfigFileStopsAegisdWithTheKeyAndLine() throws {
        let directory = try TemporaryDirectory()
        let config = directory.url.appendingPathComponent("aegisd.toml")
        try "# aegisd\nworkerz = 4\n".write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Binaries.url("aegisd")
        process.arguments = ["--config", config.path, "--data-dir", directory.url.appendingPathComponent("data").path]
        process.environment = cleanEnvironment([:])
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(stderr.contains("aegisd.toml:2: workerz: unknown key"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("data/aegisd.json").path))
    }

    @Test func settingsComeFromTheFileUnlessAFlagSaysOtherwise() throws {
        let directory = try TemporaryDirectory()
        let config = directory.url.appendingPathComponent("aegisd.toml")
        try """
            instance_id = "from-the-file"
            workers = 2
            events_endpoint = "tcp://127.0.0.1:1"
            """.write(to: config, atomically: true, encoding: .utf8)
        // DaemonProcess passes --events: the flag wins over the file's port 1.
        let daemon = try DaemonProcess(extraArguments: ["--config", config.path])
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let info = try AegisClient(endpoint: daemon.rpc, apiKey: key).call("system.info")
        #expect(info["instance"] == "from-the-file")
        #expect(daemon.events != "tcp://127.0.0.1:1")
        #expect(daemon.waitForLog("\"workers\":\"2\""))
        #expect(daemon.log.contains("config file read"))
    }
}
