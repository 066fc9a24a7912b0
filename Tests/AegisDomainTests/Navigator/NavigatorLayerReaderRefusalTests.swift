import AegisDomain
import Foundation
import Testing

/// The error reading `data` throws, or nil if it reads.
func refusal(_ data: Data) -> AegisError? {
    do {
        _ = try NavigatorLayerReader.read(data, knownTechniqueIDs: [])
        return nil
    } catch {
        return error
    }
}

@Suite struct NavigatorLayerReaderRefusalTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let json: String
        let message: String
        let testDescription: String
        init(_ label: String, _ json: String, _ message: String) {
            self.json = json
            self.message = message
            self.testDescription = label
        }
    }

    static let cases: [Case] = [
        Case("not JSON", "name: layer", "layer content is not valid JSON"),
        Case("empty", "", "layer content is not valid JSON"),
        Case("truncated", #"{"name": "n", "version": "3.0""#, "layer content is not valid JSON"),
        Case("array", "[]", "layer content must be one JSON object (a single layer)"),
        Case("string", #""layer""#, "layer content must be one JSON object (a single layer)"),
        Case(
            "version 2.2", #"{"name": "n", "version": "2.2", "domain": "enterprise-attack"}"#,
            #"layer format version "2.2" is not supported; expected 3.x or 4.x"#),
        Case(
            "version 5.0", #"{"name": "n", "versions": {"layer": "5.0"}, "domain": "enterprise-attack"}"#,
            #"layer format version "5.0" is not supported; expected 3.x or 4.x"#),
        Case(
            "version 4.x", #"{"name": "n", "versions": {"layer": "4.x"}, "domain": "enterprise-attack"}"#,
            #"layer format version "4.x" is not supported; expected 3.x or 4.x"#),
        Case(
            "version number", #"{"name": "n", "version": 3.0, "domain": "enterprise-attack"}"#,
            #"layer format version must be a string such as "4.5""#),
        Case(
            "no version", #"{"name": "n", "domain": "enterprise-attack"}"#,
            "layer format version is missing (versions.layer or version)"),
        Case(
            "versions without layer", #"{"name": "n", "versions": {"attack": "14"}, "domain": "enterprise-attack"}"#,
            "layer format version is missing (versions.layer or version)"),
        Case(
            "mobile", #"{"name": "n", "versions": {"layer": "4.5"}, "domain": "mobile-attack"}"#,
            #"layer domain "mobile-attack" does not match "enterprise-attack""#),
        Case(
            "ics", #"{"name": "n", "versions": {"layer": "4.5"}, "domain": "ics-attack"}"#,
            #"layer domain "ics-attack" does not match "enterprise-attack""#),
        Case(
            "3.x mobile", #"{"name": "n", "version": "3.0", "domain": "mitre-mobile"}"#,
            #"layer domain "mobile-attack" does not match "enterprise-attack""#),
        Case("no domain", #"{"name": "n", "version": "3.0"}"#, "layer domain is missing"),
        Case(
            "domain number", #"{"name": "n", "version": "3.0", "domain": 1}"#,
            "layer domain must be a string such as enterprise-attack"),
        Case(
            "techniques object", #"{"name": "n", "version": "3.0", "domain": "enterprise-attack", "techniques": {}}"#,
            "techniques must be an array"),
        Case(
            "techniques string",
            #"{"name": "n", "version": "3.0", "domain": "enterprise-attack", "techniques": "T1059"}"#,
            "techniques must be an array"),
        Case(
            "entry without techniqueID",
            #"{"name": "n", "version": "3.0", "domain": "enterprise-attack", "techniques": [{"techniqueID": "T1"}, {}]}"#,
            "techniques[1] has no techniqueID"),
        Case(
            "techniqueID number",
            #"{"name": "n", "version": "3.0", "domain": "enterprise-attack", "techniques": [{"techniqueID": 1059}]}"#,
            "techniques[0] has no techniqueID"),
        Case(
            "techniqueID blank",
            #"{"name": "n", "version": "3.0", "domain": "enterprise-attack", "techniques": [{"techniqueID": "  "}]}"#,
            "techniques[0] has an empty techniqueID"),
        Case(
            "entry not an object",
            #"{"name": "n", "version": "3.0", "domain": "enterprise-attack", "techniques": ["T1059"]}"#,
            "techniques[0] is not an object"),
    ]

    @Test(arguments: cases)
    func refuses(_ c: Case) {
        let error = refusal(Data(c.json.utf8))
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == "content")
        #expect(error?.message == c.message)
    }

    @Test func messagesDoNotEchoLongInput() {
        let long = String(repeating: "A", count: 100_000)
        for json in [
            #"{"name": "n", "version": "\#(long)", "domain": "enterprise-attack"}"#,
            #"{"name": "n", "version": "3.0", "domain": "\#(long)"}"#,
            "\(long)",
        ] {
            let error = refusal(Data(json.utf8))
            #expect(error?.code == .invalidArgument)
            #expect((error?.message.count ?? .max) < 120)
        }
    }

    /// Cut and garbled copies of a real layer either read or are refused; none crashes.
    @Test func garbledInputNeverCrashes() throws {
        let bear = try NavigatorTestData.layerFile("Bear_APT.json")
        var read = 0
        var refused = 0
        for cut in stride(from: 0, to: bear.count, by: 97) {
            if refusal(bear.prefix(cut)) == nil { read += 1 } else { refused += 1 }
        }
        var generator = SplitMix(seed: 42)
        for _ in 0..<300 {
            var bytes = [UInt8](bear)
            for _ in 0..<4 {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            if refusal(Data(bytes)) == nil { read += 1 } else { refused += 1 }
        }
        #expect(refused > 0)
        for deep in [
            String(repeating: "[", count: 100_000), #"{"name": "# + String(repeating: "{\"a\":", count: 50_000),
        ] {
            #expect(refusal(Data(deep.utf8))?.code == .invalidArgument)
        }
        #expect(refusal(Data([0xff, 0xfe, 0x00, 0x7b]))?.code == .invalidArgument)
    }
}

/// A small deterministic random source for the garbling test.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
