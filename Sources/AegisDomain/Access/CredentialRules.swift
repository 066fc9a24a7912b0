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
        let bytes = Array(username.utf8)
        guard (3...50).contains(bytes.count) else { return "username must be 3 to 50 characters" }
        let allowed = bytes.allSatisfy { b in
            (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x5f || b == 0x2d
        }
        guard allowed else { return "username may hold only letters, digits, _ and -" }
        guard !reservedUsernames.contains(username.lowercased()) else { return "username \(username) is reserved" }
        return nil
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
