/// What usernames and passwords must look like. Pure rules; the use cases
/// turn a violation into `INVALID_ARGUMENT` naming the field.
public enum CredentialRules {
    /// Names nobody may take: they impersonate the system or its parts.
    public static let reservedUsernames: Set<String> = [
        "admin", "administrator", "root", "system", "api", "null", "nil", "none", "aegis", "aegisd", "daemon",
        "superuser", "support", "security", "plugin", "service", "anonymous", "guest", "everyone", "test",
    ]

    public static let minPasswordLength = 12
    public static let maxPasswordLength = 256

    /// nil when `username` is acceptable, else why not.
    public static func usernameProblem(_ username: String) -> String? {
        guard (3...50).contains(username.utf8.count) else { return "username must be 3 to 50 characters" }
        guard let key = usernameKey(username) else { return "username may hold only letters, digits, _ and -" }
        guard !reservedUsernames.contains(key) else { return "username \(username) is reserved" }
        return nil
    }

    /// What usernames are unique by and looked up by: the name with its
    /// ASCII letters lower-cased, when it holds only ASCII letters, digits,
    /// `_` and `-`. nil for any other text, which therefore names no user:
    /// no Unicode case folding (the Kelvin sign is not `k`), no
    /// normalisation, nothing cut at a NUL.
    public static func usernameKey(_ text: String) -> String? {
        var key: [UInt8] = []
        key.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case 0x41...0x5a: key.append(b + 0x20)
            case 0x61...0x7a, 0x30...0x39, 0x5f, 0x2d: key.append(b)
            default: return nil
            }
        }
        return key.isEmpty ? nil : String(decoding: key, as: UTF8.self)
    }

    /// nil when `password` is strong enough for `username`, else why not.
    public static func passwordProblem(_ password: String, username: String) -> String? {
        let count = password.count
        guard count >= minPasswordLength else { return "password must be at least \(minPasswordLength) characters" }
        guard count <= maxPasswordLength else { return "password must be at most \(maxPasswordLength) characters" }
        var upper = false, lower = false, digit = false, symbol = false
        for scalar in password.unicodeScalars {
            if scalar.properties.isUppercase { upper = true }
            else if scalar.properties.isLowercase { lower = true }
            else if ("0"..."9").contains(scalar) { digit = true }
            else if !scalar.properties.isWhitespace { symbol = true }
        }
        guard upper, lower, digit, symbol else {
            return "password needs an upper-case letter, a lower-case letter, a digit and a symbol"
        }
        guard !password.lowercased().contains(username.lowercased()) else {
            return "password must not contain the username"
        }
        return nil
    }
}
