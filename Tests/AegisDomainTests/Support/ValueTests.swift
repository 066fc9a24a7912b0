import AegisDomain
import Foundation
import Testing

@Suite struct ValueTests {
    @Test func roundTripsThroughJSON() throws {
        let value: Value = ["a": 1, "b": [true, "x", nil], "c": ["d": .double(1.5)]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(Value.self, from: data) == value)
    }
}

@Suite struct ValueJSONTests {
    @Test func writesJSONThatFoundationReadsBack() throws {
        let value: Value = [
            "text": "quote \" backslash \\ newline \n tab \t bell \u{07} é 😀", "n": 42, "neg": -7, "pi": .double(3.5),
            "yes": true, "nothing": nil, "list": [1, "two", ["three": 3]],
        ]
        let text = value.jsonText
        let back = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        #expect(back == value)
        #expect(Value.map([:]).jsonText == "{}")
        #expect(Value.map(["b": 1, "a": 2]).jsonText == #"{"a":2,"b":1}"#)
    }

    @Test func timestampsComeBackAsTimestamps() throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000.25)
        let value: Value = ["due_at": .timestamp(at), "list": [.timestamp(at), 1], "plain": ["$other": 1]]
        let back = try #require(Value(storedJSON: value.jsonText))
        #expect(back == value)
        #expect(Value(storedJSON: "not json") == nil)
    }
}
