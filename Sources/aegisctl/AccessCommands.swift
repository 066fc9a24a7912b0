import AegisClient
import AegisWire
import ArgumentParser
import Foundation

// MARK: Sessions

/// Signs in and keeps the session token where later commands find it.
struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in as a user; later commands to the same endpoint use the session.",
        discussion: """
            The session token is kept in $XDG_CONFIG_HOME/aegis/session (default ~/.config/aegis/session), \
            mode 0600 in a 0700 folder. AEGIS_API_KEY, when set, still wins over it.
            """)
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Username.") var username: String
    @Flag(name: .long, help: "Read the password from the first line of stdin instead of asking.")
    var passwordStdin = false

    func run() throws {
        try reportingAllFailures {
            guard let url = StoredSession.fileURL() else {
                throw LocalFailure("neither XDG_CONFIG_HOME nor HOME is set: nowhere to keep the session")
            }
            let password = try Secrets.password(fromStdin: passwordStdin, label: "password")
            let endpoint = options.settings.endpoint
            // No credentials with a sign-in: it is public, and an old key must not get in the way.
            let client = try AegisClient(endpoint: endpoint, apiKey: nil, timeout: .seconds(options.timeout))
            let result = try client.call("auth.login", ["username": .string(username), "password": .string(password)])
            guard let token = result["token"]?.stringValue, let expires = result["expires_at"]?.dateValue else {
                throw AegisClientError.transport("auth.login returned no token")
            }
            let name = result["user"]?["username"]?.stringValue ?? username
            try SessionFile.save(
                StoredSession(endpoint: endpoint, token: token, expiresAt: expires, username: name), to: url)
            // The token itself goes only into the file.
            if options.json {
                return Output.json([
                    "user": result["user"] ?? .nil, "expires_at": .timestamp(expires), "endpoint": .string(endpoint),
                    "session_file": .string(url.path),
                ])
            }
            print("signed in to \(endpoint) as \(name) until \(Output.timestamp(expires)); session kept in \(url.path)")
            if ProcessInfo.processInfo.environment["AEGIS_API_KEY"].map({ !$0.isEmpty }) == true {
                FileHandle.standardError.write(
                    Data("aegisctl: note: AEGIS_API_KEY is set and wins over the session\n".utf8))
            }
        }
    }
}

/// Ends the stored session on the server and removes it.
struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End the stored session and remove it.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        guard let url = StoredSession.fileURL(), let session = StoredSession.load(from: url) else {
            print("not signed in: no stored session")
            return
        }
        try reportingAllFailures {
            if session.expiresAt > Date() {
                let client = try AegisClient(
                    endpoint: session.endpoint, apiKey: session.token, timeout: .seconds(options.timeout))
                do {
                    _ = try client.call("auth.logout")
                } catch AegisClientError.remote(.unauthenticated, _, _) {
                    // Already ended (expired, revoked, password changed): only the file is left to remove.
                }
            }
            SessionFile.remove(at: url)
            if options.json {
                return Output.json(["username": .string(session.username), "endpoint": .string(session.endpoint)])
            }
            print("signed out \(session.username) from \(session.endpoint)")
        }
    }
}

struct WhoAmI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show who the credentials in use belong to.")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let settings = options.settings
            let result = try options.client().call("auth.whoami")
            if options.json { return Output.json(result) }
            var shown = result.mapValue ?? [:]
            if let user = result["user"]?.mapValue {
                shown.append(key: "username", value: user["username"] ?? .nil)
                shown.append(key: "display_name", value: user["display_name"] ?? .nil)
            }
            shown.append(key: "endpoint", value: .string(settings.endpoint))
            shown.append(key: "credentials", value: .string(describe(settings.credentialSource)))
            Output.fields(
                .map(shown),
                [
                    ("kind", "kind"), ("id", "id"), ("name", "name"), ("display name", "display_name"),
                    ("roles", "roles"), ("endpoint", "endpoint"), ("credentials", "credentials"),
                ])
        }
    }

    private func describe(_ source: ClientSettings.CredentialSource?) -> String {
        switch source {
        case .given?: "given"
        case .environment?: "AEGIS_API_KEY"
        case .session(let url, let username)?: "session of \(username) (\(url.path))"
        case .keyFile(let url)?: url.path
        case nil: "none"
        }
    }
}

struct PasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password", abstract: "Your own password.", subcommands: [PasswordChange.self])
}

struct PasswordChange: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change",
        abstract: "Change the signed-in user's password; the user's other sessions end.")
    @OptionGroup var options: GlobalOptions
    @Flag(name: .long, help: "Read the current password, then the new one, from the first two lines of stdin.")
    var passwordStdin = false

    func run() throws {
        try reportingAllFailures {
            let current = try Secrets.password(fromStdin: passwordStdin, label: "current password")
            let new = try Secrets.password(fromStdin: passwordStdin, label: "new password", confirm: true)
            let result = try options.client().call(
                "auth.change_password", ["current_password": .string(current), "new_password": .string(new)])
            if options.json { return Output.json(result) }
            print("password changed; your other sessions have ended")
        }
    }
}

// MARK: Users

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "User accounts (admins manage them).",
        subcommands: [UserCreate.self, UserGet.self, UserList.self, UserUpdate.self, UserDisable.self])
}

let userFields: [(label: String, key: String)] = [
    ("id", "id"), ("username", "username"), ("display name", "display_name"), ("roles", "roles"),
    ("disabled", "disabled"), ("version", "version"), ("created", "created_at"), ("updated", "updated_at"),
    ("password changed", "password_changed_at"),
]

let userColumns: [(title: String, key: String, max: Int)] = [
    ("ID", "id", 40), ("USERNAME", "username", 30), ("NAME", "display_name", 30), ("ROLES", "roles", 50),
    ("DISABLED", "disabled", 8), ("VERSION", "version", 7),
]

struct UserCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a user.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Username: 3 to 50 letters, digits, _ or -.") var username: String
    @Option(name: .long, help: "A role (repeat for more).") var role: [RoleArgument] = []
    @Option(name: .long, help: "The name people see (default: the username).") var displayName: String?
    @Flag(name: .long, help: "Read the password from the first line of stdin instead of asking.")
    var passwordStdin = false

    func validate() throws {
        guard !role.isEmpty else { throw ValidationError("give at least one --role") }
    }

    func run() throws {
        try reportingAllFailures {
            let password = try Secrets.password(fromStdin: passwordStdin, label: "password", confirm: true)
            var params: MessagePackMap = ["username": .string(username), "password": .string(password)]
            params.put("roles", role.map(\.rawValue))
            params.put("display_name", displayName)
            let result = try options.client().call("user.create", params)
            if options.json { return Output.json(result) }
            Output.fields(result, userFields)
        }
    }
}

struct UserGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a user.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "User id (usr_...).") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("user.get", ["id": .string(id)])
            if options.json { return Output.json(result) }
            Output.fields(result, userFields)
        }
    }
}

struct UserList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.")
    @OptionGroup var options: GlobalOptions
    @Option(name: [.long, .customShort("q")], help: "Text in the username or display name.") var query: String?
    @Option(name: .long, help: "Only users holding this role.") var role: RoleArgument?
    @Flag(name: .long, help: "Include disabled users.") var includeDisabled = false
    @Option(name: .long, help: "Stop after this many (default: all).") var limit: Int?

    func run() throws {
        var params: MessagePackMap = [:]
        params.put("q", query)
        params.put("role", role)
        if includeDisabled { params.put("include_disabled", true) }
        try reportingFailures {
            let items = try listAll(options.client(), "user.list", params, max: limit)
            if options.json { return Output.json(.array(items)) }
            Output.table(items, userColumns)
        }
    }
}

struct UserUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a user's roles or display name.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "User id.") var id: String
    @Option(name: .long, help: "The user's version, as last read.") var version: Int
    @Option(name: .long, help: "The new roles, all of them (repeat for more).") var role: [RoleArgument] = []
    @Option(name: .long, help: "The new display name.") var displayName: String?

    func validate() throws {
        guard !role.isEmpty || displayName != nil else {
            throw ValidationError("nothing to change: give --role or --display-name")
        }
    }

    func run() throws {
        var params: MessagePackMap = ["id": .string(id), "version": .int(Int64(version))]
        params.put("roles", nonEmpty(role.map(\.rawValue)))
        params.put("display_name", displayName)
        try reportingFailures {
            let result = try options.client().call("user.update", params)
            if options.json { return Output.json(result) }
            Output.fields(result, userFields)
        }
    }
}

struct UserDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable a user; their sessions end at once.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "User id.") var id: String
    @Option(name: .long, help: "The user's version, as last read.") var version: Int

    func run() throws {
        try reportingFailures {
            let result = try options.client().call(
                "user.disable", ["id": .string(id), "version": .int(Int64(version))])
            if options.json { return Output.json(result) }
            print("disabled \(Output.text(result["username"])) (\(id)), now version \(Output.text(result["version"]))")
        }
    }
}

// MARK: API keys

struct APIKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "API keys for scripts and plugins (admins manage them).",
        subcommands: [APIKeyCreate.self, APIKeyList.self, APIKeyRevoke.self])
}

let apiKeyColumns: [(title: String, key: String, max: Int)] = [
    ("ID", "id", 40), ("NAME", "name", 30), ("ROLES", "roles", 40), ("CREATED", "created_at", 20),
    ("EXPIRES", "expires_at", 20), ("REVOKED", "revoked_at", 20),
]

struct APIKeyCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an API key; the key is shown once, never again.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "A name for the key (who or what uses it).") var name: String
    @Option(name: .long, help: "A role (repeat for more).") var role: [RoleArgument] = []
    @Option(name: .long, help: "When the key stops working (ISO 8601).", transform: ISOTime.argument)
    var expiresAt: Date?

    func validate() throws {
        guard !role.isEmpty else { throw ValidationError("give at least one --role") }
    }

    func run() throws {
        var params: MessagePackMap = ["name": .string(name)]
        params.put("roles", role.map(\.rawValue))
        params.put("expires_at", expiresAt)
        try reportingFailures {
            let result = try options.client().call("api_key.create", params)
            if options.json { return Output.json(result) }
            let key = result["api_key"] ?? .nil
            print(
                "created API key \(Output.text(key["id"])) \"\(Output.text(key["name"]))\" with roles \(Output.text(key["roles"]))"
                    + (key["expires_at"]?.dateValue.map { ", expiring \(Output.timestamp($0))" } ?? ""))
            print("")
            print("    \(Output.text(result["key"]))")
            print("")
            print("This is the only time the key is shown: store it now (scripts read it from AEGIS_API_KEY).")
        }
    }
}

struct APIKeyList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List API keys (never their secrets).")
    @OptionGroup var options: GlobalOptions

    func run() throws {
        try reportingFailures {
            let items = try listAll(options.client(), "api_key.list", [:], max: nil)
            if options.json { return Output.json(.array(items)) }
            Output.table(items, apiKeyColumns)
        }
    }
}

struct APIKeyRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke an API key; the next request with it is refused.")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Key id (key_...).") var id: String

    func run() throws {
        try reportingFailures {
            let result = try options.client().call("api_key.revoke", ["id": .string(id)])
            if options.json { return Output.json(result) }
            print("revoked API key \(id) \"\(Output.text(result["name"]))\" at \(Output.text(result["revoked_at"]))")
        }
    }
}
