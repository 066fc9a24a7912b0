import AegisDomain
import Testing

@Suite struct CredentialRulesTests {
    @Test func usernameKeysLowerCaseASCIILettersOnly() {
        #expect(CredentialRules.usernameKey("Kiwi-Four_9") == "kiwi-four_9")
        #expect(CredentialRules.usernameKey("KIWI-FOUR") == "kiwi-four")
    }

    /// Spellings that Unicode case folding, collations or C strings would
    /// take for `kiwi-four` name nobody.
    @Test(arguments: [
        "kiwi-four\u{0}junk", "kiwi-four\u{0}", "\u{212A}iwi-four", "ｋｉｗｉ-four", "kiwi-fou\u{0072}\u{0301}",
        "ki\u{0301}wi-four", "stra\u{00DF}e", "kiwi four", "", "kiwi-four\n",
    ])
    func lookalikesHaveNoKey(_ text: String) {
        #expect(CredentialRules.usernameKey(text) == nil)
    }

    @Test(arguments: ["\u{212A}iwi-four", "ｋｉｗｉ", "stra\u{00DF}e", "caf\u{00E9}", "kiwi\u{0}x"])
    func nonASCIIUsernamesAreRefused(_ name: String) {
        #expect(CredentialRules.usernameProblem(name) != nil)
    }

    @Test func reservedNamesAreReservedInAnyCase() {
        #expect(CredentialRules.usernameProblem("ADMIN") == "username ADMIN is reserved")
        #expect(CredentialRules.usernameProblem("kiwi-four") == nil)
    }
}
