import Foundation
import Testing

@testable import AegisCaldera

/// Settings from a config section or `AEGIS_CALDERA_*`, and their refusals.
@Suite struct CalderaSettingsTests {
    @Test func keyOrLoginAndTheOperationsToImport() throws {
        let key = try CalderaSettings(values: ["url": "http://127.0.0.1:8888", "key": "ADMIN123"])
        #expect(key.credentials == .key("ADMIN123"))
        #expect(key.operations == .all)
        #expect(key.pollInterval == 30)
        let login = try CalderaSettings(environment: [
            "AEGIS_CALDERA_URL": "https://caldera.lab.example:8443", "AEGIS_CALDERA_USER": "red",
            "AEGIS_CALDERA_PASSWORD": "admin", "AEGIS_CALDERA_POLL_SECONDS": "5", "AEGIS_CALDERA_AGENT_GROUP": "purple",
            "AEGIS_CALDERA_IMPORT": "prefix:nightly-", "AEGIS_CALDERA_TIMEOUT_SECONDS": "2.5",
        ])
        #expect(login.credentials == .login(user: "red", password: "admin"))
        #expect(login.pollInterval == 5)
        #expect(login.agentGroup == "purple")
        #expect(login.operations == .namePrefix("nightly-"))
        #expect(login.requestTimeout == 2.5)
        #expect(try CalderaSettings(values: ["url": "http://h", "key": "k", "import": "group:red"]).operations == .group("red"))
    }

    @Test(arguments: [
        ([:], CalderaSettings.Key.url),
        (["url": "ftp://h", "key": "k"], .url),
        (["url": "http://h/api", "key": "k"], .url),
        (["url": "http://h"], .key),
        (["url": "http://h", "key": "k", "user": "u", "password": "p"], .key),
        (["url": "http://h", "user": "u"], .password),
        (["url": "http://h", "password": "p"], .user),
        (["url": "http://h", "key": "k\nX-Other: 1"], .key),
        (["url": "http://h", "key": "k", "poll_seconds": "0"], .pollSeconds),
        (["url": "http://h", "key": "k", "poll_seconds": "nan"], .pollSeconds),
        (["url": "http://h", "key": "k", "import": "some"], .importOperations),
        (["url": "http://h", "key": "k", "import": "prefix:"], .importOperations),
        (["url": "http://h", "key": "k", "max_response_bytes": "10"], .maxResponseBytes),
    ])
    func badSettingsNameTheSetting(_ values: [String: String], _ key: CalderaSettings.Key) {
        let error = #expect(throws: CalderaSettingsError.self) { try CalderaSettings(values: values) }
        #expect(error?.key == key)
    }
}
