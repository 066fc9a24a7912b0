import AegisDomain
import Foundation
import Testing

@Suite struct TimestampRangeTests {
    @Test func theRangeRunsFrom1970ToTheEndOf9999() {
        #expect(TimestampRange.dates.contains(Date(timeIntervalSince1970: 0)))
        #expect(TimestampRange.dates.contains(Date(timeIntervalSince1970: 253_402_300_799.5)))
        #expect(!TimestampRange.dates.contains(Date(timeIntervalSince1970: -0.001)))
        #expect(!TimestampRange.dates.contains(TimestampRange.end))
        #expect(TimestampRange.latest < TimestampRange.end)
        #expect(TimestampRange.end.timeIntervalSince(TimestampRange.latest) < 0.001)
    }

    @Test func clampingKeepsWhatIsInsideAndMovesTheRestToTheNearestEnd() {
        let inside = Date(timeIntervalSince1970: 1_800_000_000.25)
        #expect(TimestampRange.clamped(inside) == inside)
        #expect(TimestampRange.clamped(Date(timeIntervalSince1970: 9.2e18)) == TimestampRange.latest)
        #expect(TimestampRange.clamped(Date(timeIntervalSinceReferenceDate: .infinity)) == TimestampRange.latest)
        #expect(TimestampRange.clamped(Date(timeIntervalSince1970: -9.2e18)) == TimestampRange.earliest)
        #expect(TimestampRange.clamped(Date(timeIntervalSinceReferenceDate: .nan)) == TimestampRange.earliest)
    }

    /// Audit changes and event payloads keep times as JSON: whatever was
    /// written there reads back inside the range.
    @Test func storedJSONTimestampsReadBackInsideTheRange() throws {
        let old = #"{"done_at":{"$timestamp":9.223372036854776e+18},"due_at":{"$timestamp":-9.223372036854776e+18}}"#
        let read = try #require(Value(storedJSON: old)?.mapValue)
        #expect(read["done_at"] == .timestamp(TimestampRange.latest))
        #expect(read["due_at"] == .timestamp(TimestampRange.earliest))
        let written = Value.map(["at": .timestamp(Date(timeIntervalSince1970: 9.2e18))]).jsonText
        #expect(Value(storedJSON: written)?.mapValue?["at"] == .timestamp(TimestampRange.latest))
        let now = Date(timeIntervalSince1970: 1_800_000_000.5)
        #expect(Value(storedJSON: Value.map(["at": .timestamp(now)]).jsonText)?.mapValue?["at"] == .timestamp(now))
    }
}
