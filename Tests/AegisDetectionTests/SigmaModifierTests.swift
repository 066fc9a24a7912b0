import AegisDetection
import AegisDomain
import Foundation
import Testing

@Suite struct SigmaModifierTests {
    let cmd: [String: Value] = ["Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd.exe /c whoami /all"]

    @Test func plainValuesAreWholeAndCaseInsensitive() throws {
        #expect(try Fixture.matches("    sel:\n        Image: 'c:\\windows\\system32\\CMD.EXE'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        Image: 'cmd.exe'\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        EventID: 4688\n    condition: sel", ["EventID": 4688]))
        #expect(try Fixture.matches("    sel:\n        EventID: 4688\n    condition: sel", ["EventID": "4688"]))
    }

    @Test func containsStartsWithEndsWithAllCased() throws {
        #expect(try Fixture.matches("    sel:\n        CommandLine|contains: 'WHOAMI'\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        CommandLine|startswith: 'cmd.exe /c'\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        Image|endswith: '\\powershell.exe'\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        CommandLine|contains|all:\n            - '/c'\n            - '/all'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        CommandLine|contains|all:\n            - '/c'\n            - '/priv'\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        CommandLine|contains:\n            - '/priv'\n            - '/all'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        CommandLine|contains|cased: 'WHOAMI'\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        CommandLine|contains|cased: 'whoami'\n    condition: sel", cmd))
    }

    @Test func wildcardsAndEscapes() throws {
        #expect(try Fixture.matches("    sel:\n        CommandLine: 'cmd.exe /c who?mi*'\n    condition: sel", cmd))
        // `\\*` is a backslash then a wildcard; `\*` alone is a literal star.
        #expect(try Fixture.matches("    sel:\n        Image: '*\\\\system32\\\\*.exe'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        Image: '*\\system32\\*.exe'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        CommandLine: 'cmd.exe /c who?mi'\n    condition: sel", cmd))
        // \* and \? are the characters themselves; \\ is one backslash.
        let star: [String: Value] = ["CommandLine": "echo *?", "Path": "a\\b"]
        #expect(try Fixture.matches("    sel:\n        CommandLine: 'echo \\*\\?'\n    condition: sel", star))
        #expect(try !Fixture.matches("    sel:\n        CommandLine: 'echo \\*\\?'\n    condition: sel", ["CommandLine": "echo ab"]))
        #expect(try Fixture.matches("    sel:\n        Path: 'a\\\\b'\n    condition: sel", star))
        #expect(try Fixture.matches("    sel:\n        Path: 'a\\b'\n    condition: sel", star))
        // `?` takes one character, not one byte.
        #expect(try Fixture.matches("    sel:\n        Name: 'caf?'\n    condition: sel", ["Name": "café"]))
    }

    @Test func nullEmptyExistsNeq() throws {
        #expect(try Fixture.matches("    sel:\n        ParentImage: null\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        ParentImage: null\n    condition: sel", ["ParentImage": .null]))
        #expect(try !Fixture.matches("    sel:\n        Image: null\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        Description: ''\n    condition: sel", ["Description": ""]))
        #expect(try !Fixture.matches("    sel:\n        Description: ''\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        Image|exists: true\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        Hashes|exists: false\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        Image|exists: false\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        Image|neq: 'x.exe'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        Image|endswith|neq:\n            - 'x.exe'\n            - 'cmd.exe'\n    condition: sel", cmd))
    }

    @Test func regexWithSubModifiers() throws {
        #expect(try Fixture.matches("    sel:\n        CommandLine|re: 'who[a-z]{2}i'\n    condition: sel", cmd))
        #expect(try !Fixture.matches("    sel:\n        CommandLine|re: 'WHOAMI'\n    condition: sel", cmd))
        #expect(try Fixture.matches("    sel:\n        CommandLine|re|i: 'WHOAMI'\n    condition: sel", cmd))
        let lines: [String: Value] = ["ScriptBlockText": "first\nsecond line"]
        #expect(try !Fixture.matches("    sel:\n        ScriptBlockText|re: '^second'\n    condition: sel", lines))
        #expect(try Fixture.matches("    sel:\n        ScriptBlockText|re|m: '^second'\n    condition: sel", lines))
        #expect(try !Fixture.matches("    sel:\n        ScriptBlockText|re: 'first.second'\n    condition: sel", lines))
        #expect(try Fixture.matches("    sel:\n        ScriptBlockText|re|s: 'first.second'\n    condition: sel", lines))
    }

    @Test func regexThatDoesNotCompileIsInvalidWithPCRE2sMessage() throws {
        let outcome = try #require(Fixture.outcome(Fixture.sigma("    sel:\n        CommandLine|re: 'who(ami'\n    condition: sel")))
        #expect(outcome.isInvalid)
        #expect(outcome.text.contains("missing closing parenthesis"))
        #expect(outcome.text.contains("offset 7"))
    }

    @Test func catastrophicRegexIsBoundedAndCounted() throws {
        let rule = try Fixture.compile(Fixture.sigma("    sel:\n        CommandLine|re: '^(a|aa)+$'\n    condition: sel"))
        let event = TelemetryEvent(fields: ["CommandLine": .string(String(repeating: "a", count: 5000) + "!")])
        let engine = RuleEngine(rules: RuleSet(rules: [.init(rule: rule, revision: 1)]))
        let started = Date()
        #expect(engine.evaluate(event, now: Date()).isEmpty)
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(engine.counters.regexLimitHits == 1)
    }

    @Test func base64AndBase64Offset() throws {
        // "whoami" at offsets 0, 1, 2 inside base64 text.
        for prefix in ["", "x", "xy"] {
            let encoded = Data((prefix + "whoami /all").utf8).base64EncodedString()
            let event: [String: Value] = ["CommandLine": .string("powershell -enc \(encoded)")]
            #expect(try Fixture.matches("    sel:\n        CommandLine|base64offset|contains: 'whoami'\n    condition: sel", event), "\(prefix)")
        }
        let exact: [String: Value] = ["Payload": .string(Data("whoami".utf8).base64EncodedString())]
        #expect(try Fixture.matches("    sel:\n        Payload|base64: 'whoami'\n    condition: sel", exact))
        #expect(try !Fixture.matches("    sel:\n        Payload|base64: 'whoamI'\n    condition: sel", ["Payload": "d2hvYW1p"]))
        let wildcard = try #require(Fixture.outcome(Fixture.sigma("    sel:\n        Payload|base64: 'who*'\n    condition: sel")))
        #expect(wildcard.isInvalid)
    }

    @Test func utf16Variants() throws {
        func encoded(_ bytes: [UInt8]) -> [String: Value] { ["CommandLine": .string("-e " + Data(bytes).base64EncodedString())] }
        let le = Array("IEX (New-Object".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = Array("IEX (New-Object".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(try Fixture.matches("    sel:\n        CommandLine|utf16le|base64offset|contains: 'New-Object'\n    condition: sel", encoded(le)))
        #expect(try Fixture.matches("    sel:\n        CommandLine|wide|base64offset|contains: 'New-Object'\n    condition: sel", encoded(le)))
        #expect(try Fixture.matches("    sel:\n        CommandLine|utf16be|base64offset|contains: 'New-Object'\n    condition: sel", encoded(be)))
        #expect(try !Fixture.matches("    sel:\n        CommandLine|utf16le|base64offset|contains: 'New-Object'\n    condition: sel", encoded(be)))
        let iex = Array("IEX".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try Fixture.matches("    sel:\n        CommandLine|utf16|base64|contains: 'IEX'\n    condition: sel", encoded([0xFF, 0xFE] + iex)))
        let bare = try #require(Fixture.outcome(Fixture.sigma("    sel:\n        CommandLine|utf16le: 'x'\n    condition: sel")))
        #expect(bare.isUnsupported)
    }

    @Test func windash() throws {
        let rule = "    sel:\n        CommandLine|windash|contains: ' -encodedcommand'\n    condition: sel"
        for dash in ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"] {
            #expect(try Fixture.matches(rule, ["CommandLine": .string("powershell \(dash)EncodedCommand ZQB")]), "\(dash)")
        }
        #expect(try !Fixture.matches(rule, ["CommandLine": "powershell +encodedcommand x"]))
        // A dash inside a word is not a flag.
        #expect(try !Fixture.matches("    sel:\n        CommandLine|windash|contains: 'a-b'\n    condition: sel", ["CommandLine": "a/b"]))
    }

    @Test func cidrV4AndV6() throws {
        let rule = "    sel:\n        DestinationIp|cidr:\n            - '10.0.0.0/8'\n            - 'fd00::/8'\n    condition: sel"
        #expect(try Fixture.matches(rule, ["DestinationIp": "10.1.2.3"]))
        #expect(try Fixture.matches(rule, ["DestinationIp": "fd12:3456::1"]))
        #expect(try Fixture.matches(rule, ["DestinationIp": "::ffff:10.9.9.9"]))
        #expect(try !Fixture.matches(rule, ["DestinationIp": "11.1.2.3"]))
        #expect(try !Fixture.matches(rule, ["DestinationIp": "fe80::1"]))
        #expect(try !Fixture.matches(rule, ["DestinationIp": "not an ip"]))
        #expect(try Fixture.matches("    sel:\n        SourceIp|cidr: '192.168.1.0/23'\n    condition: sel", ["SourceIp": "192.168.0.77"]))
        let bad = try #require(Fixture.outcome(Fixture.sigma("    sel:\n        SourceIp|cidr: '300.1.1.1/8'\n    condition: sel")))
        #expect(bad.isInvalid)
    }

    @Test func numericComparisons() throws {
        let event: [String: Value] = ["DestinationPort": 4444, "Size": "10.5"]
        #expect(try Fixture.matches("    sel:\n        DestinationPort|gt: 1024\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        DestinationPort|gte: 4444\n    condition: sel", event))
        #expect(try !Fixture.matches("    sel:\n        DestinationPort|lt: 4444\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        DestinationPort|lte: 4444\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        Size|lt: 11\n    condition: sel", event))
        #expect(try Fixture.outcome(Fixture.sigma("    sel:\n        Size|lt: 'big'\n    condition: sel"))?.isInvalid == true)
    }

    @Test func fieldref() throws {
        let same: [String: Value] = ["SourceUser": "CORP\\alice", "TargetUser": "corp\\ALICE", "Image": "C:\\a\\x.exe", "ParentImage": "C:\\a\\x.exe"]
        #expect(try Fixture.matches("    sel:\n        SourceUser|fieldref: TargetUser\n    condition: sel", same))
        #expect(try !Fixture.matches("    sel:\n        SourceUser|fieldref|cased: TargetUser\n    condition: sel", same))
        #expect(try Fixture.matches("    sel:\n        Image|fieldref|endswith: ParentImage\n    condition: sel", same))
        #expect(try !Fixture.matches("    sel:\n        Image|fieldref: Missing\n    condition: sel", same))
        #expect(try !Fixture.matches("    sel:\n        Image|fieldref|neq: ParentImage\n    condition: sel", same))
    }

    @Test func dateParts() throws {
        let event: [String: Value] = ["UtcTime": "2026-04-17 05:24:53.079"]  // a Friday, ISO week 16
        #expect(try Fixture.matches("    sel:\n        UtcTime|hour: 5\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        UtcTime|minute: 24\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        UtcTime|day: 17\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        UtcTime|week: 16\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        UtcTime|month: 4\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        UtcTime|year: 2026\n    condition: sel", event))
        #expect(try Fixture.matches("    sel:\n        UtcTime|hour|lt: 6\n    condition: sel", event))
        #expect(try !Fixture.matches("    sel:\n        UtcTime|hour|gte: 8\n    condition: sel", event))
    }

    @Test func keywordsSearchEveryField() throws {
        let detection = "    keywords:\n        - 'whoami /all'\n        - 'mimikatz'\n    condition: keywords"
        #expect(try Fixture.matches(detection, cmd))
        #expect(try !Fixture.matches(detection, ["Image": "notepad.exe"]))
        #expect(try Fixture.matches("    keywords: 'System32'\n    condition: keywords", cmd))
        #expect(try Fixture.matches("    keywords:\n        '|all':\n            - 'whoami'\n            - 'cmd'\n    condition: keywords", cmd))
    }

    @Test func unknownModifiersAndExpandAreRefused() throws {
        let unknown = try #require(Fixture.outcome(Fixture.sigma("    sel:\n        Image|sortof: 'x'\n    condition: sel")))
        #expect(unknown.isUnsupported && unknown.text.contains("sortof"))
        let expand = try #require(Fixture.outcome(Fixture.sigma("    sel:\n        User|expand: '%admins%'\n    condition: sel")))
        #expect(expand.isUnsupported && expand.text.contains("expand"))
        let flags = try #require(Fixture.outcome(Fixture.sigma("    sel:\n        Image|i: 'x'\n    condition: sel")))
        #expect(flags.isInvalid)
    }
}
