import AegisClient
import AegisWire
import Foundation
import Testing

/// Spellings that case folding, collations or C strings would take for a
/// user's name sign in as nobody (issue 10, defect 5), on SQLite and, with
/// `AEGIS_TEST_STORE=postgres`, PostgreSQL.
@Suite struct UsernameLookalikeTests {
    static let lookalikes = [
        "kiwi-four\u{0}junk",  // cut at the NUL by a C string
        "kiwi-four\u{0}",
        "\u{212A}iwi-four",  // Kelvin sign, lower-cased to k by Unicode
        "\u{212A}IWI-FOUR",
        "ｋｉｗｉ-ｆｏｕｒ",  // full-width
        "ki\u{0301}wi-four",  // combining acute accent
        "kiwi-fou\u{0072}\u{0308}",
        "stra\u{00DF}e",  // ß, which full case folding makes ss
        "STRA\u{00DF}E",
    ]

    /// The error `auth.login` gives for `username`, or nil if it signed in.
    static func signInError(_ client: AegisClient, _ username: String, _ password: String = Team.password) -> AegisClientError? {
        do {
            _ = try client.call("auth.login", ["username": .string(username), "password": .string(password)])
            return nil
        } catch let error as AegisClientError {
            return error
        } catch {
            return .transport("\(error)")
        }
    }

    @Test func lookalikesFailExactlyAsAnUnknownUser() throws {
        let team = try Team()
        for name in ["kiwi-four", "strasse"] {
            _ = try team.admin.call(
                "user.create", ["username": .string(name), "password": .string(Team.password), "roles": ["viewer"]])
        }
        let anonymous = try team.daemon.client(key: .some(nil))
        // The real names sign in, in any ASCII case.
        for name in ["kiwi-four", "Kiwi-Four", "KIWI-FOUR", "strasse", "STRASSE"] {
            #expect(Self.signInError(anonymous, name) == nil, "\(name)")
        }
        let unknown = try #require(Self.signInError(anonymous, "nobody-here"))
        #expect(unknown.code == "UNAUTHENTICATED")
        for name in Self.lookalikes {
            let error = Self.signInError(anonymous, name)
            #expect(error == unknown, "\(name.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        // Their failures are an unknown user's: they do not count against
        // kiwi-four, which still signs in after more than five of them.
        for _ in 0..<2 {
            for name in Self.lookalikes.prefix(4) { _ = Self.signInError(anonymous, name) }
        }
        #expect(Self.signInError(anonymous, "kiwi-four") == nil)
        // Each spelling is rate limited on its own, as any unknown name is:
        // three failures so far, two more, and the next is refused.
        for _ in 0..<2 { #expect(Self.signInError(anonymous, "kiwi-four\u{0}junk") == unknown) }
        #expect(Self.signInError(anonymous, "kiwi-four\u{0}junk")?.code == "RATE_LIMITED")
        #expect(Self.signInError(anonymous, "kiwi-four") == nil)
    }

    @Test(arguments: UsernameLookalikeTests.lookalikes + ["caf\u{00E9}-fan", "kiwi four"])
    func userCreateRefusesNamesThatAreNotASCII(_ name: String) throws {
        let daemon = try SharedDaemon.get()
        let error = #expect(throws: AegisClientError.self) {
            try daemon.client().call(
                "user.create", ["username": .string(name), "password": .string(Team.password), "roles": ["viewer"]])
        }
        #expect(error?.code == "INVALID_ARGUMENT")
        if case .remote(_, _, let details) = error { #expect(details?["field"] == "username") }
    }
}
