import AegisWire
import Testing

@testable import aegisctl

/// `technique get`'s rules line, from `technique.get`'s `rules` map.
@Suite struct RuleCountsTextTests {
    @Test func countsAreShownByFormatThenStateLeavingOutZeros() {
        let rules: MessagePackValue = [
            "total": 3, "by_format": ["sigma": 2, "elastic": 1, "native": 0],
            "by_state": ["enabled": 1, "disabled": 1, "clipped": 1],
        ]
        #expect(RuleCountsText.line(rules) == "3 (sigma 2, elastic 1; enabled 1, clipped 1, disabled 1)")
        #expect(RuleCountsText.line(["total": 0, "by_format": [:], "by_state": [:]]) == "none")
        #expect(RuleCountsText.line(nil) == "none")
    }
}
