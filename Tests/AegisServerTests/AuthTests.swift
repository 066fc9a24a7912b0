import AegisClient
import AegisWire
import Foundation
import Testing

@Suite struct AuthTests {
    @Test func signInWhoAmIAndSignOut() throws {
        let team = try Team()
        let me = try team["redop"].call("auth.whoami")
        #expect(me["kind"] == "user")
        #expect(me["name"] == "redop")
        #expect(me["roles"] == .array(["red_operator"]))
        _ = try team["redop"].call("auth.logout")
        let error = #expect(throws: AegisClientError.self) { try team["redop"].call("auth.whoami") }
        #expect(error?.code == "UNAUTHENTICATED")
    }

    @Test func failedSignInsAreAuditedAndRateLimited() throws {
        let team = try Team()
        let anonymous = try team.daemon.client(key: .some(nil))
        for _ in 0..<5 {
            let error = #expect(throws: AegisClientError.self) {
                try anonymous.call("auth.login", ["username": "redop", "password": "Wrong-Password-1!"])
            }
            #expect(error?.code == "UNAUTHENTICATED")
        }
        let limited = #expect(throws: AegisClientError.self) {
            try anonymous.call("auth.login", ["username": "redop", "password": .string(Team.password)])
        }
        #expect(limited?.code == "RATE_LIMITED")
        if case .remote(_, _, let details) = limited {
            let retry = details?["retry_after_ms"]?.intValue ?? 0
            #expect(retry > 0 && retry <= 15 * 60 * 1000)
        }
        // Other usernames are not affected; an unknown user fails the same way.
        _ = try team.signIn("bluelead")
        let unknown = #expect(throws: AegisClientError.self) {
            try anonymous.call("auth.login", ["username": "nobody-here", "password": .string(Team.password)])
        }
        #expect(unknown?.code == "UNAUTHENTICATED")
        #expect(unknown?.description == limited.map { _ in "UNAUTHENTICATED: invalid username or password" })
        let failures = try team.admin.call("audit.list", ["action": "auth.login_failed", "limit": 1000])
        let entries = failures["items"]?.arrayValue ?? []
        #expect(entries.count == 6)
        #expect(entries.allSatisfy { $0["peer"] == "127.0.0.1" })
        let events = try team.admin.call("events.replay", ["after_seq": 0, "limit": 1000])["items"]?.arrayValue ?? []
        #expect(events.filter { $0["type"] == "auth.login_failed" }.count == 6)
    }

    /// A password typed into the username field must not end up on the
    /// events socket or in the trail: a failed sign-in announces the user's
    /// id only when the user exists, and is audited under the sign-in key.
    @Test func failedSignInsKeepAndAnnounceNoTypedText() throws {
        let team = try Team()
        let anonymous = try team.daemon.client(key: .some(nil))
        let start = try team.admin.call("events.status")["last_seq"] ?? 0
        let typed = "Tr0ub4dor-and-3"
        for (username, password) in [(typed, "whatever-Else-1!"), ("redop", "Wrong-Password-1!")] {
            let error = #expect(throws: AegisClientError.self) {
                try anonymous.call("auth.login", ["username": .string(username), "password": .string(password)])
            }
            #expect(error?.code == "UNAUTHENTICATED")
        }
        let redop = try #require(team.ids["redop"])
        let events = try team["viewer1"].call("events.replay", ["after_seq": start, "limit": 1000])["items"]?.arrayValue ?? []
        let failed = events.filter { $0["type"] == "auth.login_failed" }
        #expect(failed.map { $0["payload"] } == [["user_id": .nil], ["user_id": .string(redop)]])
        #expect(failed.map { $0["subject"]?["id"] } == ["", .string(redop)])
        #expect(failed.allSatisfy { $0["actor"] == .nil })
        let audit = try team.admin.call("audit.list", ["action": "auth.login_failed"])["items"]?.arrayValue ?? []
        #expect(audit.map { $0["entity_id"] }.last == .string(redop))
        let unknownKey = try #require(audit.first?["entity_id"]?.stringValue)
        #expect(unknownKey.hasPrefix("name:") && unknownKey.count == 5 + 64)
        // Neither the text typed nor, on the socket, the peer.
        #expect(!"\(events)\(audit)".lowercased().contains(typed.lowercased()))
        #expect(!"\(failed)".contains("127.0.0.1"))
        // The rate limit still holds for a name nobody has, ignoring case.
        for _ in 0..<4 { _ = try? anonymous.call("auth.login", ["username": .string(typed.uppercased()), "password": "x"]) }
        let limited = #expect(throws: AegisClientError.self) {
            try anonymous.call("auth.login", ["username": .string(typed), "password": "x"])
        }
        #expect(limited?.code == "RATE_LIMITED")
        let refused = try team.admin.call("audit.list", ["action": "auth.login_rate_limited"])["items"]?.arrayValue ?? []
        #expect(refused.map { $0["entity_id"] } == [.string(unknownKey)])
    }

    @Test func aDisabledUsersSessionIsRefusedAtOnce() throws {
        let team = try Team()
        let analyst = team["blueanalyst"]
        // Warm the front thread's caches with this session.
        _ = try analyst.call("technique.get", ["id": "T0803"])
        _ = try analyst.call("technique.get", ["id": "T0803"])
        _ = try team.admin.call("user.disable", ["id": .string(team.ids["blueanalyst"] ?? ""), "version": 1])
        for method in ["technique.get", "catalog.status"] {
            let error = #expect(throws: AegisClientError.self) {
                try analyst.call(method, method == "technique.get" ? ["id": "T0803"] : [:])
            }
            #expect(error?.code == "UNAUTHENTICATED")
        }
        let again = #expect(throws: AegisClientError.self) { try team.signIn("blueanalyst") }
        #expect(again?.code == "UNAUTHENTICATED")
    }

    @Test(arguments: [
        ("short", "Ab1!short", "password"),
        ("no symbol", "Abcdefghijk1", "password"),
        ("no digit", "Abcdefghijk!", "password"),
        ("no upper", "abcdefghijk1!", "password"),
        ("contains username", "Xx-newuser-1!", "password"),
    ])
    func weakPasswordsAreRefused(_ label: String, _ password: String, _ field: String) throws {
        let daemon = try SharedDaemon.get()
        let error = #expect(throws: AegisClientError.self) {
            try daemon.client().call(
                "user.create", ["username": "newuser", "password": .string(password), "roles": ["viewer"]])
        }
        #expect(error?.code == "INVALID_ARGUMENT", "\(label)")
        if case .remote(_, _, let details) = error { #expect(details?["field"] == .string(field)) }
    }

    @Test(arguments: ["admin", "Root", "system", "ab", "has space", "x/y", String(repeating: "a", count: 51)])
    func badUsernamesAreRefused(_ username: String) throws {
        let daemon = try SharedDaemon.get()
        let error = #expect(throws: AegisClientError.self) {
            try daemon.client().call(
                "user.create", ["username": .string(username), "password": .string(Team.password), "roles": ["viewer"]])
        }
        #expect(error?.code == "INVALID_ARGUMENT")
        if case .remote(_, _, let details) = error { #expect(details?["field"] == "username") }
    }

    @Test func usernamesAreUnique() throws {
        let team = try Team()
        let error = #expect(throws: AegisClientError.self) {
            try team.admin.call("user.create", ["username": "RedOp", "password": .string(Team.password), "roles": ["viewer"]])
        }
        #expect(error?.code == "ALREADY_EXISTS")
    }

    @Test func apiKeysAreShownOnceAndRevokedAtOnce() throws {
        let team = try Team()
        let created = try team.admin.call("api_key.create", ["name": "ci", "roles": ["viewer"]])
        let secret = try #require(created["key"]?.stringValue)
        let id = try #require(created["api_key"]?["id"])
        let ci = try team.daemon.client(key: .some(secret))
        _ = try ci.call("technique.get", ["id": "T0803"])
        _ = try ci.call("technique.get", ["id": "T0803"])
        let listed = try team.admin.call("api_key.list")
        #expect(listed["items"]?.arrayValue?.contains { $0["id"] == id && $0["key"] == nil && $0["version"] == 1 } == true)
        _ = try team.admin.call("api_key.revoke", ["id": id])
        let after = try team.admin.call("api_key.list")["items"]?.arrayValue?.first { $0["id"] == id }
        #expect(after?["version"] == 2)
        let error = #expect(throws: AegisClientError.self) { try ci.call("technique.get", ["id": "T0803"]) }
        #expect(error?.code == "UNAUTHENTICATED")
        let viewer = #expect(throws: AegisClientError.self) { try team["viewer1"].call("api_key.list") }
        #expect(viewer?.code == "PERMISSION_DENIED")
    }

    @Test func changingThePasswordEndsOtherSessions() throws {
        let team = try Team()
        let other = try team.signIn("redop")
        let before = try team.admin.call("user.get", ["id": .string(team.ids["redop"] ?? "")])["version"]?.intValue ?? 0
        _ = try team["redop"].call(
            "auth.change_password", ["current_password": .string(Team.password), "new_password": "Another-Secret-77!"])
        _ = try team["redop"].call("auth.whoami")
        // The user changed, so its version did too.
        #expect(try team.admin.call("user.get", ["id": .string(team.ids["redop"] ?? "")])["version"]?.intValue == before + 1)
        let error = #expect(throws: AegisClientError.self) { try other.call("auth.whoami") }
        #expect(error?.code == "UNAUTHENTICATED")
        _ = try team.signIn("redop", password: "Another-Secret-77!")
    }
}
