import Foundation
import Testing

@testable import AegisCaldera

/// The plugin's `[plugin.settings]`, as aegisd hands them over (JSON).
@Suite struct CalderaPluginSettingsTests {
    static func read(_ json: String) throws(CalderaSettingsError) -> CalderaPluginSettings {
        try CalderaPluginSettings(json: Data(json.utf8))
    }

    @Test func numbersMayBeNumbersOrTextAndTheRestHasDefaults() throws {
        let settings = try Self.read(
            #"{"url": "http://127.0.0.1:8888", "user": "red", "password": "admin", "poll_seconds": 5, "timeout_seconds": 2.5, "import": "prefix:purple-", "abilities_every": "3", "assignees": ["usr_a", "usr_b"], "run_tests": true}"#
        )
        #expect(settings.caldera.credentials == .login(user: "red", password: "admin"))
        #expect(settings.caldera.pollInterval == 5)
        #expect(settings.caldera.requestTimeout == 2.5)
        #expect(settings.caldera.operations == .namePrefix("purple-"))
        #expect(settings.abilitiesEvery == 3)
        #expect(settings.assignees == ["usr_a", "usr_b"])
        #expect(settings.runTests)
        let plain = try Self.read(#"{"url": "http://h", "key": "k"}"#)
        #expect(plain.abilitiesEvery == 10)
        #expect(plain.assignees == [])
        #expect(!plain.runTests)
        #expect(plain.caldera.pollInterval == 30)
    }

    @Test(arguments: [
        (#"[]"#, "settings"),
        (#"not json"#, "settings"),
        (#"{"key": "k"}"#, "url"),
        (#"{"url": "http://h", "key": "k", "colour": "red"}"#, "colour"),
        (#"{"url": "http://h", "key": 7}"#, "key"),
        (#"{"url": "http://h", "key": "k", "poll_seconds": true}"#, "poll_seconds"),
        (#"{"url": "http://h", "key": "k", "poll_seconds": [1]}"#, "poll_seconds"),
        (#"{"url": "http://h", "key": "k", "poll_seconds": 0.5}"#, "poll_seconds"),
        (#"{"url": "http://h", "key": "k", "abilities_every": 0}"#, "abilities_every"),
        (#"{"url": "http://h", "key": "k", "abilities_every": 2.5}"#, "abilities_every"),
        (#"{"url": "http://h", "key": "k", "assignees": "usr_a"}"#, "assignees"),
        (#"{"url": "http://h", "key": "k", "assignees": ["usr_a", 3]}"#, "assignees"),
        (#"{"url": "http://h", "key": "k", "assignees": [""]}"#, "assignees"),
        (#"{"url": "http://h", "key": "k", "run_tests": "yes"}"#, "run_tests"),
        (#"{"url": "http://h", "key": "k", "run_tests": 1}"#, "run_tests"),
    ])
    func badSettingsNameTheSetting(_ json: String, _ setting: String) {
        let error = #expect(throws: CalderaSettingsError.self) { try Self.read(json) }
        #expect(error?.setting == setting)
        #expect(error?.description.hasPrefix("Caldera setting \(setting): ") == true)
    }
}
