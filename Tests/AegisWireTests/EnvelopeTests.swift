import AegisWire
import Foundation
import Testing

@Suite struct EnvelopeTests {
    static let requestVectors: [Vector] = (try? Vector.load("envelope.json")) ?? []
    static let replyVectors: [Vector] = (try? Vector.load("reply.json")) ?? []
    static let eventVectors: [Vector] = (try? Vector.load("event.json")) ?? []

    @Test func vectorFilesArePresent() throws {
        #expect(try Vector.load("envelope.json").count > 40)
        #expect(try Vector.load("reply.json").count >= 8)
        #expect(try Vector.load("event.json").count >= 3)
    }

    @Test(arguments: requestVectors)
    func parsesRequestVector(_ vector: Vector) throws {
        let result = RequestEnvelope.parse(vector.bytes, limits: vector.limits)
        if vector["valid"]?.bool == true {
            let expected = try #require(vector["envelope"])
            let envelope = try result.get()
            #expect(envelope.v == 1)
            #expect(envelope.id == (try Tagged.value(try #require(expected["id"]))))
            #expect(envelope.method == expected["method"]?.string)
            #expect(.map(envelope.params) == (try Tagged.value(try #require(expected["params"]))))
            #expect(envelope.auth == expected["auth"]?.string)
            // Re-encoding and parsing again gives the same envelope.
            #expect(try RequestEnvelope.parse(envelope.encoded()).get() == envelope)
        } else {
            guard case .failure(let error) = result else {
                Issue.record("accepted an invalid request")
                return
            }
            #expect(error.code.rawValue == vector["code"]?.string)
            let expectedID = try Tagged.value(vector["id"] ?? .null)
            #expect((error.id ?? .nil) == expectedID)
            if let field = vector["field"]?.string {
                #expect(error.details?["field"] == .string(field))
            }
            if error.code == .invalidRequest, vector["field"]?.string == "v" {
                #expect(error.details?["expected"] == 1)
            }
            // The reply the server would send echoes the recovered id.
            let reply = try ReplyEnvelope.parse(error.reply()).get()
            #expect(reply.id == expectedID)
            #expect(reply.outcome == .failure(error.wireError))
        }
    }

    @Test func methodNames() {
        for good in ["system.ping", "test.submit_red", "a.b", "a1.b_2.c3", "x_.y"] {
            #expect(RequestEnvelope.isValidMethodName(good), "\(good)")
        }
        for bad in ["", "ping", "system.", ".ping", "System.ping", "system.Ping", "system. ping", "system..ping", "1a.b",
            "a._b", "a.b-c", "a.b\u{0}", "système.ping"]
        {
            #expect(!RequestEnvelope.isValidMethodName(bad), "\(bad)")
        }
    }

    @Test func requestEncoding() throws {
        let request = RequestEnvelope(id: 7, method: "technique.get", params: ["id": "T1059"], auth: "tok")
        let value = try MessagePack.decode(request.encoded())
        #expect(value.mapValue?.keys == ["v", "id", "method", "params", "auth"])
        #expect(RequestEnvelope(id: "x", method: "system.ping").value.mapValue?.keys == ["v", "id", "method"])
        struct Get: Codable, Equatable { var id: String }
        #expect(try request.decodeParams(Get.self) == Get(id: "T1059"))
    }

    @Test func oversizeIsResourceExhausted() throws {
        let body = RequestEnvelope(id: 1, method: "system.ping").encoded()
        let small = MessagePackLimits(maxBytes: body.count - 1)
        guard case .failure(let error) = RequestEnvelope.parse(body, limits: small) else {
            Issue.record("accepted an oversize request")
            return
        }
        #expect(error.code == .resourceExhausted)
        #expect(error.id == nil)
        #expect(try RequestEnvelope.parse(body, limits: MessagePackLimits(maxBytes: body.count)).get().id == 1)
    }

    @Test(arguments: replyVectors)
    func replyBytes(_ vector: Vector) throws {
        let id = try Tagged.value(vector["id"] ?? .null)
        let bytes: Data
        let outcome: Result<MessagePackValue, WireError>
        if vector["ok"]?.bool == true {
            let result = try Tagged.value(try #require(vector["result"]))
            bytes = ReplyEnvelope.success(id: id.isNil ? nil : id, result: result)
            outcome = .success(result)
        } else {
            let error = try #require(vector["error"])
            let code = WireErrorCode(rawValue: try #require(error["code"]?.string))
            let message = try #require(error["message"]?.string)
            let details = try error["details"].map { try Tagged.value($0).mapValue ?? [:] }
            bytes = ReplyEnvelope.failure(id: id.isNil ? nil : id, code: code, message: message, details: details)
            outcome = .failure(WireError(code, message, details: details))
        }
        #expect(Hex.encode(bytes) == Hex.encode(vector.bytes))
        let parsed = try ReplyEnvelope.parse(vector.bytes).get()
        #expect(parsed.id == id)
        #expect(parsed.outcome == outcome)
        #expect(parsed.encoded() == vector.bytes)
    }

    @Test func malformedReplies() {
        let bad: [MessagePackValue] = [
            [1, 2], ["v": 2, "id": 1, "ok": true], ["v": 1, "id": 1], ["v": 1, "id": 1, "ok": false],
            ["v": 1, "id": 1, "ok": false, "error": ["code": 1, "message": "m"]],
            ["v": 1, "id": 1, "ok": false, "error": ["code": "X", "message": "m", "details": 1]],
        ]
        for value in bad {
            #expect(throws: EnvelopeError.self) { try ReplyEnvelope.parse(MessagePack.encode(value)).get() }
        }
    }

    @Test(arguments: eventVectors)
    func eventBytes(_ vector: Vector) throws {
        func field(_ json: JSON?, _ key: String) throws -> MessagePackValue {
            guard let value = json?[key] else { throw VectorError("event vector without \(key)") }
            return try Tagged.value(value)
        }
        let e = vector["event"]
        let subject = e?["subject"]
        let event = EventEnvelope(
            seq: try #require(try field(e, "seq").intValue),
            type: try #require(try field(e, "type").stringValue),
            occurredAt: try #require(try field(e, "occurred_at").dateValue),
            source: try #require(try field(e, "source").stringValue),
            actor: try field(e, "actor").stringValue,
            subject: .init(kind: try #require(try field(subject, "kind").stringValue), id: try field(subject, "id")),
            payload: try #require(try field(e, "payload").mapValue))
        #expect(Hex.encode(event.encoded()) == Hex.encode(vector.bytes))
        #expect(try EventEnvelope.parse(vector.bytes).get() == event)
        #expect(event.topic == Data(event.type.utf8))
    }

    @Test func malformedEvents() {
        let good: MessagePackMap = [
            "v": 1, "seq": 1, "type": "t.x", "occurred_at": .timestamp(Date(timeIntervalSince1970: 0)), "source": "s",
            "actor": nil, "subject": ["kind": "k", "id": "i"], "payload": [:],
        ]
        #expect(throws: Never.self) { try EventEnvelope.parse(MessagePack.encode(.map(good))).get() }
        for (key, bad) in [
            ("v", 2), ("seq", "1"), ("type", 1), ("occurred_at", 0), ("source", nil), ("actor", 1), ("subject", ["kind": "k"]),
            ("payload", [1]),
        ] as [(String, MessagePackValue)] {
            var map = good
            map[key] = bad
            #expect(throws: EnvelopeError.self) { try EventEnvelope.parse(MessagePack.encode(.map(map))).get() }
        }
    }

    @Test func errorCodes() throws {
        let expected = [
            "INVALID_REQUEST", "UNKNOWN_METHOD", "INVALID_ARGUMENT", "UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND",
            "ALREADY_EXISTS", "CONFLICT", "INVALID_TRANSITION", "FAILED_PRECONDITION", "RATE_LIMITED", "RESOURCE_EXHAUSTED",
            "UNAVAILABLE", "INTERNAL",
        ]
        #expect(WireErrorCode.allDefined.map(\.rawValue) == expected)
        #expect(WireErrorCode.invalidTransition.rawValue == "INVALID_TRANSITION")
        #expect(WireErrorCode(rawValue: "FUTURE_CODE").rawValue == "FUTURE_CODE")
        let encoded = try MessagePackEncoder().encodeValue(WireErrorCode.conflict)
        #expect(encoded == "CONFLICT")
        #expect(try MessagePackDecoder().decode(WireErrorCode.self, from: encoded) == .conflict)
        let failure = ReplyEnvelope.failure(id: 9, code: .conflict, message: "stale", details: ["version": 3])
        #expect(Hex.encode(failure) == "84a17601a26964" + "09" + "a26f6bc2a56572726f7283a4636f6465a8434f4e464c494354a76d657373616765a57374616c65a764657461696c7381a776657273696f6e03")
    }
}

@Suite struct SplicedReplyTests {
    @Test(arguments: [MessagePackValue.int(7), .string("abc"), .nil, .int(-1), .uint(UInt64.max)])
    func matchesTheEncodedReply(id: MessagePackValue) {
        let result: MessagePackValue = .map(["id": "T1059", "tactics": .array(["execution"]), "n": 3])
        #expect(
            ReplyEnvelope.success(id: id, encodedResult: MessagePack.encode(result))
                == ReplyEnvelope.success(id: id, result: result))
    }
}
