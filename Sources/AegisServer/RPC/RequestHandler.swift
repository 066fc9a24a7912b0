import AegisApp
import AegisDomain
import AegisWire
import Foundation
import Logging
import Synchronization

/// Turns one request body into exactly one reply body: reads the envelope,
/// finds the method, authenticates and authorises, runs it, and maps any
/// error to its wire code. Runs on a worker thread with that worker's
/// store session.
struct RequestHandler: Sendable {
    let env: AppEnvironment
    let methods: MethodTable
    let limits: MessagePackLimits
    let logger: Logger
    private let counter = RequestCounter()

    init(env: AppEnvironment, methods: MethodTable, logger: Logger) {
        self.env = env
        self.methods = methods
        self.limits = MessagePackLimits(maxBytes: env.limits.maxFrameBytes)
        self.logger = logger
    }

    func handle(_ body: Data, peer: String?, session: any StoreSession) -> Data {
        let requestID = counter.next()
        let envelope: RequestEnvelope
        switch RequestEnvelope.parse(body, limits: limits) {
        case .success(let parsed): envelope = parsed
        case .failure(let error):
            return ReplyEnvelope.failure(
                id: error.id ?? .nil, code: error.code, message: error.message, details: error.details)
        }
        var logger = self.logger
        logger[metadataKey: "request_id"] = .string(requestID)
        logger[metadataKey: "method"] = .string(envelope.method)
        do {
            let result = try call(envelope, requestID: requestID, peer: peer, session: session, logger: logger)
            let reply = ReplyEnvelope.success(id: envelope.id, result: result)
            guard reply.count <= env.limits.maxFrameBytes else {
                throw CallFailure(
                    code: .resourceExhausted,
                    message: "the reply would exceed the frame limit of \(env.limits.maxFrameBytes) bytes; ask for less (limit)",
                    details: ["max_bytes": .int(Int64(env.limits.maxFrameBytes))])
            }
            return reply
        } catch {
            let wire = CallFailure.from(error, requestID: requestID)
            if wire.isInternal {
                logger.error("request failed", metadata: ["error": .string(String(describing: error))])
            } else {
                logger.debug("request refused", metadata: ["code": .string(wire.code.rawValue)])
            }
            return ReplyEnvelope.failure(
                id: envelope.id, code: WireErrorCode(rawValue: wire.code.rawValue), message: wire.message,
                details: wire.details.isEmpty ? nil : MessagePackMap(sorted: wire.details))
        }
    }

    private func call(
        _ envelope: RequestEnvelope, requestID: String, peer: String?, session: any StoreSession, logger: Logger
    ) throws -> MessagePackValue {
        guard let method = methods[envelope.method], let rule = AccessPolicy.rule(for: envelope.method) else {
            throw CallFailure(
                code: .unknownMethod, message: "no method \(envelope.method)",
                details: ["method": .string(envelope.method)])
        }
        var principal: Principal?
        if rule != .public {
            let resolved = try AuthService(env: env).authenticate(envelope.auth, session: session)
            try AccessPolicy.authorize(resolved, envelope.method)
            principal = resolved
        }
        let context = CallContext(requestID: requestID, principal: principal, peer: peer, session: session)
        return try method.call(envelope.params, RequestScope(env: env, context: context, logger: logger))
    }
}

/// Request ids: unique within the daemon's life, cheap to make.
final class RequestCounter: Sendable {
    private let value = Atomic<UInt64>(0)
    private let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    func next() -> String {
        let n = value.wrappingAdd(1, ordering: .relaxed).newValue
        return "\(prefix)-\(String(n, radix: 36))"
    }
}
