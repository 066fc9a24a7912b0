import AegisDetection
import AegisDomain
import Foundation
import Testing

/// Rules and events built to crash, hang or exhaust the engine: refused at
/// parse time, or handled in bounded time without trapping.
@Suite struct HostileInputTests {
    @Test func aTimestampAnywhereIn64BitsNeitherTrapsNorBreaksTheEvent() throws {
        let far = Date(timeIntervalSince1970: 9.2e18)
        let event = try TelemetryEvent.from(["Computer": .timestamp(far), "UtcTime": .timestamp(Date(timeIntervalSince1970: -9.2e18))])
        #expect(event.host != nil)
        let rule = try Fixture.compile(Fixture.sigma("    selection:\n        Computer|contains: '9999'\n    condition: selection"))
        _ = RuleEngine.test(rule, on: event)
    }

    @Test func correlationTimespansAndBoundsPastAnyClockAreRefused() throws {
        let huge = EngineTests.correlation("event_count", ["proc"], condition: "    condition:\n        gte: 1\n        lte: 1000000000000000000")
        guard case .invalid(_, let reason)? = Fixture.outcome(huge) else { Issue.record("not refused"); return }
        #expect(reason.contains("10^15"))
        let long = EngineTests.correlation("event_count", ["proc"], condition: "    condition:\n        gte: 1")
            .replacingOccurrences(of: "timespan: 10m", with: "timespan: 1e300s")
        guard case .invalid? = Fixture.outcome(long) else { Issue.record("not refused"); return }
    }

    @Test func aLongRunOfNotIsFoldedWithoutRecursion() throws {
        let nots = Array(repeating: "not", count: 200_001).joined(separator: " ")
        let rule = try Fixture.compile(Fixture.sigma("    selection:\n        Image|endswith: '\\\\x.exe'\n    condition: \(nots) selection"))
        #expect(!RuleEngine.test(rule, on: TelemetryEvent(fields: ["Image": "C:\\x.exe"])).matched)
        #expect(RuleEngine.test(rule, on: TelemetryEvent(fields: ["Image": "C:\\y.exe"])).matched)
    }

    @Test func modifiersThatMultiplyPatternsAreBounded() throws {
        let repeated = Fixture.sigma("    selection:\n        CommandLine|windash|windash|contains: '-a -b'\n    condition: selection")
        guard case .invalid(_, let reason)? = Fixture.outcome(repeated) else { Issue.record("not refused"); return }
        #expect(reason.contains("repeated"))
        // Each transform once: windash's 5 variants, each in base64offset's 3.
        let once = try Fixture.compile(Fixture.sigma("    selection:\n        CommandLine|windash|base64offset|contains: '-a'\n    condition: selection"))
        #expect(once.definition.id == "r-1")
    }

    @Test func anEventRepeatingOneKeyThousandsOfTimesIsFlattenedWhole() throws {
        let items: [Value] = (0..<4_000).map { .map(["Name": .string("n\($0)")]) }
        let event = try TelemetryEvent.from(["Items": .array(items), "Computer": "ws-1"])
        let rule = try Fixture.compile(Fixture.sigma("    selection:\n        Items.Name: n3999\n    condition: selection", logsource: "    product: windows"))
        #expect(RuleEngine.test(rule, on: event).matched)
    }
}
