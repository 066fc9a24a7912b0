import AegisApp
import AegisDomain
import AegisWire
import Foundation
import Logging
import Synchronization

/// Turns each request body into exactly one reply body.
///
/// `triage` runs on the RPC front thread and answers from memory whatever
/// it can: unreadable envelopes, unknown methods, missing credentials, and
/// calls whose principal and result are both cached. Everything else goes
/// to `handle` on a worker thread with that worker's store session, which
/// authenticates against the store, runs the method, and maps any error to
/// its wire code.
struct RequestHandler: Sendable {
    /// What the front thread does with a request.
    enum Triage {
        case reply(Data)
        /// For a worker; with the caller's principal id when the front knew it.
        case work(RequestEnvelope, principalID: String?)
    }

    let env: AppEnvironment
    let methods: MethodTable
    let limits: MessagePackLimits
    let logger: Logger
    let principals: PrincipalCache
    let results: ReadCache
    let figures: ServerFigures
    let plugins: PluginSupervisor?
    let rules: RuleBook
    let rulesDirectory: RuleDirectoryStatus
    private let counter = RequestCounter()
    private let scopeDenials = ScopeDenials()

    init(
        env: AppEnvironment, methods: MethodTable, logger: Logger, principals: PrincipalCache = PrincipalCache(),
        results: ReadCache = ReadCache(), figures: ServerFigures = ServerFigures(), plugins: PluginSupervisor? = nil,
        rules: RuleBook = RuleBook(), rulesDirectory: RuleDirectoryStatus = RuleDirectoryStatus(directory: nil)
    ) {
        self.env = env
        self.methods = methods
        self.limits = MessagePackLimits(maxBytes: env.limits.maxFrameBytes)
        self.logger = logger
        self.principals = principals
        self.results = results
        self.figures = figures
        self.plugins = plugins
        self.rules = rules
        self.rulesDirectory = rulesDirectory
    }

    // MARK: Front thread: memory only

    func triage(_ body: Data) -> Triage {
        let envelope: RequestEnvelope
        switch RequestEnvelope.parse(body, limits: limits) {
        case .success(let parsed): envelope = parsed
        case .failure(let error):
            return .reply(bounded(ReplyEnvelope.failure(id: error.id ?? .nil, code: error.code, message: error.message, details: error.details), code: error.code))
        }
        guard let method = methods[envelope.method], let rule = AccessPolicy.rule(for: envelope.method) else {
            return .reply(failure(envelope, unknownMethod(envelope.method), requestID: "front"))
        }
        var principalID: String?
        if rule != .public {
            guard let token = envelope.auth, !token.isEmpty else {
                return .reply(failure(envelope, AegisError.unauthenticated(), requestID: "front"))
            }
            guard let principal = principals.principal(for: token) else {
                return .work(envelope, principalID: nil)
            }
            do { try AccessPolicy.authorize(principal, envelope.method) } catch {
                // A plugin's call outside its scope is audited: by a worker.
                if principal.kind == .plugin { return .work(envelope, principalID: principal.actorID) }
                return .reply(failure(envelope, error, requestID: "front"))
            }
            principalID = principal.actorID
        }
        if method.reuse == .untilNextCommit,
            let result = results.result(
                for: ReadCache.key(method: envelope.method, params: envelope.params), maxAge: method.maxAge)
        {
            return .reply(ReplyEnvelope.success(id: envelope.id, encodedResult: result))
        }
        if method.inline, rule == .public {
            return .reply(run(envelope, method: method, principal: nil, session: nil))
        }
        return .work(envelope, principalID: principalID)
    }

    // MARK: Worker thread

    /// A body the front did not read (a large one).
    func handle(_ body: Data, peer: String?, session: any StoreSession) -> Data {
        switch triage(body) {
        case .reply(let reply): return reply
        case .work(let envelope, _): return handle(envelope, peer: peer, session: session)
        }
    }

    func handle(_ envelope: RequestEnvelope, peer: String?, session: any StoreSession) -> Data {
        let requestID = counter.next()
        guard let method = methods[envelope.method], let rule = AccessPolicy.rule(for: envelope.method) else {
            return failure(envelope, unknownMethod(envelope.method), requestID: requestID)
        }
        var principal: Principal?
        if rule != .public {
            do {
                // The cache is emptied by every commit that changes
                // credentials, so a cached principal is as good as the store's.
                let token = envelope.auth ?? ""
                let resolved: Principal
                if let cached = principals.principal(for: token) {
                    resolved = cached
                } else {
                    let generation = principals.generation
                    resolved = try AuthService(env: env).authenticate(envelope.auth, session: session)
                    principals.remember(resolved, for: token, checkedAt: generation)
                }
                principal = resolved
                try AccessPolicy.authorize(resolved, envelope.method)
            } catch {
                if let principal, principal.kind == .plugin, scopeDenials.shouldRecord(principal.id, envelope.method) {
                    let context = CallContext(requestID: requestID, principal: principal, peer: peer, session: session)
                    do { try PluginEventLog(env: env, context: context).recordScopeDenied(envelope.method) } catch {
                        logger.error("cannot audit a plugin's call outside its scope", metadata: ["error": .string("\(error)")])
                    }
                }
                return failure(envelope, error, requestID: requestID)
            }
        }
        return run(envelope, method: method, principal: principal, session: session, requestID: requestID, peer: peer)
    }

    private func run(
        _ envelope: RequestEnvelope, method: MethodHandler, principal: Principal?, session: (any StoreSession)?,
        requestID: String? = nil, peer: String? = nil
    ) -> Data {
        let requestID = requestID ?? counter.next()
        var logger = self.logger
        logger[metadataKey: "request_id"] = .string(requestID)
        logger[metadataKey: "method"] = .string(envelope.method)
        let generation = results.generation
        let started = ContinuousClock.now
        defer {
            logger.debug("request done", metadata: ["elapsed_us": .stringConvertible((ContinuousClock.now - started).microseconds)])
        }
        do {
            guard let session = session ?? (method.inline ? NoStoreSession.shared : nil) else {
                throw CallFailure(code: .internal, message: "internal error; request id \(requestID)", isInternal: true)
            }
            let context = CallContext(requestID: requestID, principal: principal, peer: peer, session: session)
            let scope = RequestScope(
                env: env, context: context, logger: logger, figures: figures, plugins: plugins, rules: rules,
                rulesDirectory: rulesDirectory)
            let result = try method.call(envelope.params, scope)
            if method.heavy { returnFreedMemory() }
            let encoded = MessagePack.encode(result)
            let reply = ReplyEnvelope.success(id: envelope.id, encodedResult: encoded)
            guard reply.count <= env.limits.maxFrameBytes else {
                throw CallFailure(
                    code: .resourceExhausted,
                    message: "the reply would exceed the frame limit of \(env.limits.maxFrameBytes) bytes; ask for less (limit)",
                    details: ["max_bytes": .int(Int64(env.limits.maxFrameBytes))])
            }
            if method.reuse == .untilNextCommit {
                results.store(encoded, for: ReadCache.key(method: envelope.method, params: envelope.params), computedAt: generation)
            }
            return reply
        } catch {
            if method.heavy { returnFreedMemory() }
            return failure(envelope, error, requestID: requestID, logger: logger)
        }
    }

    // MARK: Replies

    private func failure(_ envelope: RequestEnvelope, _ error: any Error, requestID: String, logger: Logger? = nil) -> Data {
        let wire = CallFailure.from(error, requestID: requestID)
        let logger = logger ?? self.logger
        if wire.isInternal {
            logger.error(
                "request failed",
                metadata: ["request_id": .string(requestID), "method": .string(envelope.method), "error": .string(String(describing: error))])
        } else {
            logger.debug("request refused", metadata: ["method": .string(envelope.method), "code": .string(wire.code.rawValue)])
        }
        let code = WireErrorCode(rawValue: wire.code.rawValue)
        return bounded(
            ReplyEnvelope.failure(
                id: envelope.id, code: code, message: wire.message,
                details: wire.details.isEmpty ? nil : MessagePackMap(sorted: wire.details)),
            code: code)
    }

    /// An error reply that echoes a huge request value (an id, a name) is
    /// sent without the echo, so no reply exceeds the frame limit.
    private func bounded(_ reply: Data, code: WireErrorCode) -> Data {
        guard reply.count > env.limits.maxFrameBytes else { return reply }
        return ReplyEnvelope.failure(id: .nil, code: code, message: "\(code.rawValue) (details too large to send)")
    }

    private func unknownMethod(_ name: String) -> CallFailure {
        CallFailure(code: .unknownMethod, message: "no method \(name)", details: ["method": .string(name)])
    }

    /// Gives the heap's free pages back after a large import, so the
    /// daemon's resident size reflects what it holds, not what it parsed.
    private func returnFreedMemory() {
        MallocTrim.run()
    }
}

/// The session inline methods get: they must not touch the store.
final class NoStoreSession: StoreSession, Sendable {
    static let shared = NoStoreSession()
    struct Refused: Error {}
    func read<T>(_ body: (any Repositories) throws -> T) throws -> T { throw Refused() }
    func write<T>(_ body: (any Repositories) throws -> T) throws -> T { throw Refused() }
}

/// A plugin's calls outside its scope are audited once a second at most per
/// plugin and method: a plugin looping on one cannot flood the trail.
final class ScopeDenials: Sendable {
    private let last = Mutex<[String: ContinuousClock.Instant]>([:])

    func shouldRecord(_ plugin: String, _ method: String) -> Bool {
        let key = plugin + " " + method, now = ContinuousClock.now
        return last.withLock { last in
            if let previous = last[key], now - previous < .seconds(1) { return false }
            if last.count > 10_000 { last.removeAll() }
            last[key] = now
            return true
        }
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

/// glibc's `malloc_trim`, looked up at run time (it is not in the Glibc
/// module); a no-op where it does not exist.
enum MallocTrim {
    private typealias Function = @convention(c) (Int) -> Int32
    private static let function: Function? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }()

    static func run() { _ = function?(0) }
}

/// glibc's `mallopt`, looked up at run time like `malloc_trim`.
public enum MallocTuning {
    private typealias Function = @convention(c) (Int32, Int32) -> Int32
    private static let function: Function? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }()

    /// Few heap arenas and an eager trim: the daemon has a handful of
    /// threads, and without this each keeps the peak of whatever it once
    /// parsed (a catalog import) as resident memory.
    public static func apply() {
        _ = function?(-8, 2)  // M_ARENA_MAX
        _ = function?(-1, 256 << 10)  // M_TRIM_THRESHOLD
    }
}

extension Duration {
    /// Whole microseconds.
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
