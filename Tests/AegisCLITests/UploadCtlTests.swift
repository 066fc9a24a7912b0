import AegisClient
import AegisTestSupport
import Foundation
import Testing

/// `aegisctl upload list|abort` against a real aegisd.
@Suite(.serialized) struct UploadCtlTests {
    @Test func anAdminListsAndAbortsAnUploadInProgress() throws {
        let daemon = try DaemonProcess()
        let env = daemon.clientEnvironment
        let key = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: key)
        let id = try #require(try client.call("catalog.import_begin")["upload_id"]?.stringValue)

        let listed = try aegisctl(["upload", "list"], environment: env)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(id))
        #expect(listed.stdout.contains("catalog"))

        let aborted = try aegisctl(["upload", "abort", id, "--reason", "stale"], environment: env)
        #expect(aborted.status == 0, "\(aborted.stderr)")
        #expect(aborted.stdout.contains("aborted catalog upload \(id)"))

        let json = try aegisctl(["upload", "list", "--json"], environment: env)
        let items = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [Any]
        #expect(items?.isEmpty == true, "\(json.stdout)")
        let stats = try aegisctl(["stats"], environment: env)
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("uploads open"))
        #expect(stats.stdout.contains("refused, not reading"))

        let again = try aegisctl(["upload", "abort", id], environment: env)
        #expect(again.status == 2)
        #expect(again.stderr.contains("NOT_FOUND"))
    }
}
