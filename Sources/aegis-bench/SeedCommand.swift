import ArgumentParser
import Foundation

/// Fills a data directory with the Enterprise catalog and validated tests
/// (for trying the analytics by hand, or timing queries on their own).
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "A data directory with the catalog and N validated tests.")
    @Option var binDir = ".build/release"
    @Option var attackData: String
    @Option(help: "The data directory to create (must not exist).") var dataDir: String
    @Option var tests = 100_000
    @Flag(help: "A maturity per technique (some untested), for sample pictures.") var varied = false

    func run() throws {
        let dir = URL(fileURLWithPath: dataDir)
        guard !FileManager.default.fileExists(atPath: dir.path) else { throw BenchError("\(dataDir) exists already") }
        let daemon = try ChildDaemon(
            binary: URL(fileURLWithPath: binDir).appendingPathComponent("aegisd"), dataDirectory: dir, workers: 2,
            attackData: attackData)
        _ = try daemon.adminKey()
        daemon.stop()
        let seconds = try Seed.tests(tests, storePath: dir.appendingPathComponent("aegis.sqlite").path, varied: varied)
        print(String(format: "%d validated tests in %.1f s; admin key in %@/admin.key", tests, seconds, dataDir))
    }
}
