@testable import AegisDomain
import Foundation
import Testing

@Suite struct TestOutcomeTests {
    @Test func preventedBeatsDetectedBeatsLoggedBeatsMissed() {
        #expect(TestOutcome.prevented > .detected)
        #expect(TestOutcome.detected > .logged)
        #expect(TestOutcome.logged > .missed)
        #expect(TestOutcome.missed < .prevented)
        #expect(!(TestOutcome.detected < .detected))
        #expect([TestOutcome.logged, .prevented, .missed, .detected].sorted() == [.missed, .logged, .detected, .prevented])
        #expect([TestOutcome.logged, .prevented, .missed].max() == .prevented)
        #expect([TestOutcome.logged, .prevented, .detected].min() == .logged)
    }

    @Test func wireNames() {
        #expect(TestOutcome.allCases.map(\.rawValue).sorted() == ["detected", "logged", "missed", "prevented"])
        #expect(TestOutcome(rawValue: "detected") == .detected)
    }
}

@Suite struct TechniqueStatusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let outcomes: [TestOutcome]
        let others: Bool
        let expected: TechniqueStatus
        init(_ outcomes: [TestOutcome], others: Bool = false, _ expected: TechniqueStatus) {
            self.outcomes = outcomes
            self.others = others
            self.expected = expected
        }
        var testDescription: String {
            "[\(outcomes.map(\.rawValue).joined(separator: ", "))] others=\(others) -> \(expected.rawValue)"
        }
    }

    static let cases: [Case] = [
        // No validated result yet.
        Case([], others: false, .untested),
        Case([], others: true, .inProgress),
        // All prevented or detected: the weaker of the two.
        Case([.prevented], .prevented),
        Case([.prevented, .prevented], .prevented),
        Case([.detected], .detected),
        Case([.prevented, .detected], .detected),
        Case([.detected, .prevented, .prevented], .detected),
        // All logged or missed: the weaker of the two.
        Case([.logged], .logged),
        Case([.logged, .logged], .logged),
        Case([.missed], .missed),
        Case([.logged, .missed], .missed),
        // A mix of both groups: partial.
        Case([.detected, .missed], .partial),
        Case([.prevented, .missed], .partial),
        Case([.prevented, .logged], .partial),
        Case([.detected, .logged], .partial),
        Case([.prevented, .detected, .logged, .missed], .partial),
        Case([.missed, .missed, .missed, .detected], .partial),
        // Other (unvalidated) tests do not matter once a result exists.
        Case([.missed], others: true, .missed),
        Case([.prevented], others: true, .prevented),
        Case([.detected, .logged], others: true, .partial),
    ]

    @Test(arguments: cases)
    func aggregate(_ c: Case) {
        #expect(TechniqueStatus.aggregate(latestValidated: c.outcomes, hasOtherTests: c.others) == c.expected)
        // The order of procedures does not matter.
        #expect(TechniqueStatus.aggregate(latestValidated: c.outcomes.reversed(), hasOtherTests: c.others) == c.expected)
    }

    @Test func everyPairFollowsTheGroupRule() {
        let good: Set<TestOutcome> = [.prevented, .detected]
        for a in TestOutcome.allCases {
            for b in TestOutcome.allCases {
                let status = TechniqueStatus.aggregate(latestValidated: [a, b], hasOtherTests: false)
                if good.contains(a) != good.contains(b) {
                    #expect(status == .partial, "\(a) + \(b)")
                } else {
                    #expect(status.rawValue == min(a, b).rawValue, "\(a) + \(b)")
                }
            }
        }
    }

    @Test func wireNames() {
        #expect(TechniqueStatus.allCases.map(\.rawValue) == [
            "untested", "in_progress", "missed", "logged", "detected", "prevented", "partial",
        ])
    }
}
