import AegisClient
import AegisDomain
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// Every timestamp parameter is checked against one range (1970 to 9999),
/// a refused mutation leaves no trace, and whatever is already stored
/// reads back inside that range (issue 10, defects 3 and 4).
@Suite struct TimestampRangeTests {
    /// A timestamp in the 12-byte form, exactly as the probe sent it:
    /// `c7 0c ff`, 4 bytes of nanoseconds, 8 bytes of signed seconds.
    static func timestamp96(_ seconds: Int64, nanoseconds: UInt32 = 0) -> MessagePackValue {
        var payload = Data()
        withUnsafeBytes(of: nanoseconds.bigEndian) { payload.append(contentsOf: $0) }
        withUnsafeBytes(of: seconds.bigEndian) { payload.append(contentsOf: $0) }
        return .ext(type: -1, data: payload)
    }

    /// The probe's dates, and the second before 1970.
    static let outOfRange: [(label: String, value: MessagePackValue, hex: String)] = [
        ("2^63-1 s", timestamp96(.max), "c70cff000000007fffffffffffffff"),
        ("2^63-1 s + 999,999,999 ns", timestamp96(.max, nanoseconds: 999_999_999), "c70cff3b9ac9ff7fffffffffffffff"),
        ("-2^63 s", timestamp96(.min), "c70cff000000008000000000000000"),
        ("year 10,000", timestamp96(253_402_300_800), "c70cff000000000000003afff44180"),
        ("year 36,812", timestamp96((1 << 40) - 1), "c70cff00000000000000ffffffffff"),
        ("1969", timestamp96(-1), "c70cff00000000ffffffffffffffff"),
    ]

    /// Sends `params` to `method` as one raw frame holding `hex`, and
    /// expects `INVALID_ARGUMENT` naming `field`.
    func expectRefused(
        _ daemon: TestDaemon, _ method: String, _ params: MessagePackMap, field: String, hex: String, _ label: String
    ) throws {
        let body = RequestEnvelope(id: 9, method: method, params: params, auth: daemon.adminKey).encoded()
        #expect(body.hex.contains(hex), "\(label): the frame holds \(hex)")
        let reply = try daemon.raw(body)
        guard case .failure(let error) = reply.outcome else {
            Issue.record("\(method) with \(field) = \(label) was accepted")
            return
        }
        #expect(error.code == .invalidArgument, "\(method) \(label): \(error.message)")
        #expect(error.details?["field"] == .string(field), "\(method) \(label)")
        #expect(error.message.contains("1970"), "\(error.message)")
    }

    @Test func timestampsOutsideTheRangeAreRefusedNamingTheField() throws {
        let team = try Team()
        let daemon = team.daemon
        let test = try team.throughBlue(try team.readyTest())
        let id = test["id"] ?? .nil
        let version = test["version"] ?? .nil
        for (label, value, hex) in Self.outOfRange {
            for field in ["done_at", "due_at"] {
                var params: MessagePackMap = ["id": id, "version": version]
                params.append(key: .string(field), value: value)
                try expectRefused(daemon, "test.update_remediation", params, field: field, hex: hex, label)
            }
            try expectRefused(
                daemon, "api_key.create", ["name": "probe", "roles": ["viewer"], "expires_at": value],
                field: "expires_at", hex: hex, label)
            // Reads too: one rule for every timestamp parameter.
            try expectRefused(daemon, "audit.list", ["since": value], field: "since", hex: hex, label)
            try expectRefused(daemon, "test.list", ["updated_since": value], field: "updated_since", hex: hex, label)
        }
        // Nothing changed, and every read still answers.
        #expect(try team.admin.call("test.get", ["id": id])["version"] == version)
        #expect(try team.admin.call("audit.list", ["entity_id": id])["items"]?.arrayValue?.count == 6)
        #expect(try team.admin.call("test.timeline", ["id": id])["items"]?.arrayValue?.count == 6)
    }

    @Test func theEndsOfTheRangeAreAccepted() throws {
        let team = try Team()
        let test = try team.throughBlue(try team.readyTest())
        let last = Date(timeIntervalSince1970: 253_402_300_799)  // 9999-12-31T23:59:59Z
        let first = Date(timeIntervalSince1970: 0)
        let updated = try team.move(
            "bluelead", "test.update_remediation", test, ["due_at": .timestamp(last), "done_at": .timestamp(first)])
        #expect(updated["remediation"]?["due_at"] == .timestamp(last))
        #expect(updated["remediation"]?["done_at"] == .timestamp(first))
        let key = try team.admin.call("api_key.create", ["name": "long-lived", "roles": ["viewer"], "expires_at": .timestamp(last)])
        #expect(key["api_key"]?["expires_at"] == .timestamp(last))
        let audit = try team.admin.call("audit.list", ["entity_id": test["id"] ?? .nil])["items"]?.arrayValue ?? []
        #expect(audit.last?["changes"]?["due_at"] == .timestamp(last))
    }

    /// The probe's `api_key.create` answered `INTERNAL` after committing a
    /// key nobody ever saw. Refused now, before anything is written.
    @Test func aRefusedMutationLeavesNoTrace() throws {
        let team = try Team()
        let daemon = team.daemon
        let keys = try team.admin.call("api_key.list")["items"]?.arrayValue?.count
        let lastSeq = try team.admin.call("events.status")["last_seq"]
        let test = try team.throughBlue(try team.readyTest())
        let afterTest = try team.admin.call("events.status")["last_seq"]
        let auditedAfterTest = try team.admin.call("audit.list", ["limit": 1000])["items"]?.arrayValue?.count
        let (label, value, hex) = Self.outOfRange[1]
        try expectRefused(
            daemon, "api_key.create", ["name": "never-seen", "roles": ["admin"], "expires_at": value],
            field: "expires_at", hex: hex, label)
        try expectRefused(
            daemon, "test.update_remediation",
            ["id": test["id"] ?? .nil, "version": test["version"] ?? .nil, "owner": "soc", "done_at": value],
            field: "done_at", hex: hex, label)
        // No row, no audit entry, no event (in the outbox or on replay).
        #expect(try team.admin.call("api_key.list")["items"]?.arrayValue?.count == keys)
        #expect(try team.admin.call("api_key.list")["items"]?.arrayValue?.contains { $0["name"] == "never-seen" } == false)
        #expect(try team.admin.call("audit.list", ["action": "api_key.create"])["items"]?.arrayValue?.isEmpty == true)
        #expect(try team.admin.call("audit.list", ["limit": 1000])["items"]?.arrayValue?.count == auditedAfterTest)
        #expect(try team.admin.call("events.status")["last_seq"] == afterTest)
        let replay = try team.admin.call("events.replay", ["after_seq": lastSeq ?? 0, "limit": 1000])["items"]?.arrayValue ?? []
        #expect(!replay.contains { $0["type"] == "api_key.created" })
        #expect(try TestStore.integer("SELECT count(*) FROM api_keys WHERE name = 'never-seen'", at: daemon.storeURL) == 0)
        #expect(try team.admin.call("test.get", ["id": test["id"] ?? .nil])["remediation"]?["owner"] == .nil)
    }

    /// An older daemon accepted such dates and stored them (clamped to
    /// 64-bit microseconds, and unclamped in the audit's JSON): every read
    /// still answers, with times inside the range.
    @Test func extremeDatesAlreadyStoredStillRead() throws {
        let team = try Team()
        let daemon = team.daemon
        let test = try team.throughBlue(try team.readyTest())
        let testID = try #require(test["id"]?.stringValue)
        let key = try team.admin.call("api_key.create", ["name": "old-key", "roles": ["viewer"]])
        let keyID = try #require(key["api_key"]?["id"]?.stringValue)
        let huge: Int64 = 9_200_000_000_000_000_000
        try TestStore.execute(
            "UPDATE tests SET remediated_at = \(huge), remediation_due_at = -\(huge) WHERE id = '\(testID)'",
            at: daemon.storeURL)
        try TestStore.execute("UPDATE api_keys SET expires_at = \(huge) WHERE id = '\(keyID)'", at: daemon.storeURL)
        for (seconds, field) in [("9.223372036854776e+18", "done_at"), ("-9.223372036854776e+18", "due_at")] {
            try TestStore.execute(
                """
                INSERT INTO audit (at, actor, action, entity_kind, entity_id, changes, request_id, peer)
                VALUES (\(huge), NULL, 'test.update_remediation', 'test', '\(testID)',
                    '{"\(field)":{"$timestamp":\(seconds)}}', NULL, NULL)
                """, at: daemon.storeURL)
        }

        let audit = try team.admin.call("audit.list", ["entity_id": .string(testID)])["items"]?.arrayValue ?? []
        let timeline = try team["viewer1"].call("test.timeline", ["id": .string(testID)])["items"]?.arrayValue ?? []
        let keys = try team.admin.call("api_key.list")["items"]?.arrayValue ?? []
        let got = try team.admin.call("test.get", ["id": .string(testID)])
        #expect(audit.count == 8)
        #expect(timeline.count == 8)
        #expect(audit.last?["changes"]?["due_at"] == .timestamp(TimestampRange.earliest))
        #expect(audit.dropLast().last?["changes"]?["done_at"] == .timestamp(TimestampRange.latest))
        #expect(audit.last?["at"] == .timestamp(TimestampRange.latest))
        #expect(keys.first { $0["id"] == .string(keyID) }?["expires_at"] == .timestamp(TimestampRange.latest))
        #expect(got["remediation"]?["done_at"] == .timestamp(TimestampRange.latest))
        #expect(got["remediation"]?["due_at"] == .timestamp(TimestampRange.earliest))
        let all = audit + timeline + keys + [got]
        #expect(all.allSatisfy { Self.timestamps(in: $0).allSatisfy(TimestampRange.dates.contains) })
    }

    /// Every timestamp anywhere in `value`.
    static func timestamps(in value: MessagePackValue) -> [Date] {
        switch value {
        case .timestamp(let d): [d]
        case .array(let items): items.flatMap(timestamps)
        case .map(let map): map.entries.flatMap { timestamps(in: $0.value) }
        default: []
        }
    }
}

extension Data {
    /// Lower-case hex of every byte.
    fileprivate var hex: String { map { String(format: "%02x", $0) }.joined() }
}
