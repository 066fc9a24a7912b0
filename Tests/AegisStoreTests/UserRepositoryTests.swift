import AegisDomain
import Foundation
import Testing

@testable import AegisStore
import AegisTestSupport

/// Usernames are found by their ASCII spelling, ignoring the case of ASCII
/// letters only, on SQLite and (with `AEGIS_TEST_STORE=postgres`) PostgreSQL.
@Suite struct UserRepositoryTests {
    let store: any StoreProvider
    let session: any StoreSession
    let directory: TemporaryDirectory
    let user = User(
        id: "usr_1", username: "Kiwi-Four", displayName: "Kiwi", roles: [.viewer],
        createdAt: Date(timeIntervalSince1970: 1), updatedAt: Date(timeIntervalSince1970: 1),
        passwordChangedAt: Date(timeIntervalSince1970: 1))

    init() throws {
        directory = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: directory.url))
        session = try store.openSession()
        try session.write { try $0.users.insert(user, passwordHash: "hash") }
    }

    @Test func aUsernameIsFoundIgnoringASCIICase() throws {
        for name in ["Kiwi-Four", "kiwi-four", "KIWI-FOUR"] {
            #expect(try session.read { try $0.users.user(username: name) }?.id == "usr_1", "\(name)")
        }
    }

    @Test(arguments: [
        "kiwi-four\u{0}junk", "kiwi-four\u{0}", "\u{212A}iwi-four", "\u{212A}IWI-FOUR", "ｋｉｗｉ-ｆｏｕｒ",
        "ki\u{0301}wi-four", "kiwi-fou\u{0072}\u{0301}", "kiwi-four ", "kiwi",
    ])
    func aLookalikeFindsNobody(_ name: String) throws {
        #expect(try session.read { try $0.users.user(username: name) } == nil)
    }

    /// Only `user.create` refuses such a name; stored anyway (a copy of an
    /// old store), it is not the ASCII name's twin and no sign-in finds it.
    @Test func aStoredLookalikeIsNobodysTwin() throws {
        let twin = User(
            id: "usr_2", username: "\u{212A}iwi-four", displayName: "Twin", roles: [.viewer], createdAt: user.createdAt,
            updatedAt: user.updatedAt, passwordChangedAt: user.passwordChangedAt)
        try session.write { try $0.users.insert(twin, passwordHash: "h") }
        #expect(try session.read { try $0.users.user(username: "\u{212A}iwi-four") } == nil)
        #expect(try session.read { try $0.users.user(username: "kiwi-four") }?.id == "usr_1")
        #expect(try session.read { try $0.users.user(id: "usr_2") }?.username == "\u{212A}iwi-four")
        let again = User(
            id: "usr_3", username: "KIWI-four", displayName: "Again", roles: [.viewer], createdAt: user.createdAt,
            updatedAt: user.updatedAt, passwordChangedAt: user.passwordChangedAt)
        let taken = #expect(throws: AegisError.self) { try session.write { try $0.users.insert(again, passwordHash: "h") } }
        #expect(taken?.code == .alreadyExists)
    }

    /// Text is compared whole: a NUL does not end it (SQLite binds every
    /// byte; PostgreSQL refuses NUL in text as `INVALID_ARGUMENT`).
    @Test func textWithANulDoesNotMatchItsPrefix() throws {
        switch TestStore.kind {
        case .sqlite:
            #expect(try session.read { try $0.users.user(id: "usr_1\u{0}junk") } == nil)
            #expect(try session.read { try $0.users.user(id: "usr_1") }?.username == "Kiwi-Four")
        case .postgres:
            let error = #expect(throws: PostgresError.self) { try session.read { try $0.users.user(id: "usr_1\u{0}junk") } }
            #expect(error?.code == .invalidArgument)
        }
    }
}
