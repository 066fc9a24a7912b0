import AegisDetection
import AegisDomain
import Testing

@Suite struct SigmaConditionTests {
    let event: [String: Value] = ["Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd /c whoami", "User": "alice"]
    let selections = """
            selection_img:
                Image|endswith: '\\cmd.exe'
            selection_cli:
                CommandLine|contains: 'whoami'
            selection_other:
                CommandLine|contains: 'net user'
            filter_admin:
                User: 'admin'
            _helper:
                User: 'nobody'
        """

    func matches(_ condition: String) throws -> Bool {
        try Fixture.matches(selections + "\n    condition: \(condition)", event)
    }

    @Test func booleanOperatorsAndParentheses() throws {
        #expect(try matches("selection_img and selection_cli"))
        #expect(try !matches("selection_img and selection_other"))
        #expect(try matches("selection_other or selection_cli"))
        #expect(try matches("selection_img and not filter_admin"))
        #expect(try !matches("not selection_img"))
        #expect(try matches("selection_img and (selection_other or selection_cli) and not filter_admin"))
        #expect(try !matches("selection_img and not (selection_other or selection_cli)"))
        // not binds tighter than and, and than or.
        #expect(try matches("not selection_other and selection_img"))
        #expect(try matches("selection_other and filter_admin or selection_cli"))
    }

    @Test func quantifiersOverPatternsAndThem() throws {
        #expect(try matches("1 of selection_*"))
        #expect(try matches("any of selection_*"))
        #expect(try !matches("all of selection_*"))
        #expect(try matches("all of selection_i* and all of selection_c*"))
        #expect(try matches("1 of them"))
        #expect(try !matches("all of them"))
        // `_helper` never matches, and is left out of `them`.
        #expect(try Fixture.matches("    selection_a:\n        User: 'alice'\n    _helper:\n        User: 'nobody'\n    condition: all of them", event))
        #expect(try matches("1 of selection_* and not 1 of filter_*"))
    }

    @Test func conditionListIsAnOr() throws {
        #expect(try Fixture.matches(selections + "\n    condition:\n        - selection_other\n        - selection_cli", event))
        #expect(try !Fixture.matches(selections + "\n    condition:\n        - selection_other\n        - filter_admin", event))
    }

    @Test func refusals() throws {
        func outcome(_ condition: String) -> RuleParseOutcome? {
            Fixture.outcome(Fixture.sigma(selections + "\n    condition: \(condition)"))
        }
        let undefined = try #require(outcome("selection_img and selection_missing"))
        #expect(undefined.isInvalid && undefined.text.contains("undefined identifier 'selection_missing'"))
        #expect(try #require(outcome("selection_img and (selection_cli")).isInvalid)
        #expect(try #require(outcome("selection_img and or selection_cli")).isInvalid)
        #expect(try #require(outcome("selection_img selection_cli")).isInvalid)
        #expect(try #require(outcome("1 of nothing_*")).isInvalid)
        let aggregation = try #require(outcome("selection_img | count() by User > 5"))
        #expect(aggregation.isUnsupported && aggregation.text.contains("aggregation"))
        #expect(try #require(outcome("selection_img near selection_cli")).isUnsupported)
        #expect(try #require(outcome("2 of selection_*")).isUnsupported)
        let none = try #require(Fixture.outcome(Fixture.sigma("    selection:\n        User: 'x'")))
        #expect(none.isInvalid && none.text.contains("no condition"))
    }
}
