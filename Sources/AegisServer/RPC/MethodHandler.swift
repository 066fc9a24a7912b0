import AegisApp
import AegisDomain
import AegisWire
import Foundation
import Logging

/// What a method's body can reach: the daemon's environment, the call's
/// context (principal, store session) and a logger carrying the request id.
struct RequestScope {
    var env: AppEnvironment
    var context: CallContext
    var logger: Logger
    /// What only the running server knows (`system.stats`).
    var figures: ServerFigures
    /// This instance's plugin supervisor (`plugin.*`), if it has plugins.
    var plugins: PluginSupervisor?
    /// This instance's rule engine (`telemetry.ingest`).
    var rules: RuleBook
    /// This instance's rules directory (`rule.sources`).
    var rulesDirectory = RuleDirectoryStatus(directory: nil)
}

/// One entry of the method table: a name and a body that takes the raw
/// params and returns the result's wire value.
struct MethodHandler: Sendable {
    /// What a method's result depends on, for caching.
    enum Reuse: Sendable {
        /// Compute it every time.
        case never
        /// Only the store and the params: reusable until the next commit.
        case untilNextCommit
    }

    /// With `.untilNextCommit`: reused at most this long (results that
    /// also depend on the time, such as scores).
    var maxAge: Duration?

    let name: String
    let call: @Sendable (MessagePackMap, RequestScope) throws -> MessagePackValue
    var reuse: Reuse = .never
    /// Runs on the RPC front thread: touches memory only, never the store.
    var inline = false
    /// Allocates much transient memory: return it to the system afterwards.
    var heavy = false

    init(name: String, call: @escaping @Sendable (MessagePackMap, RequestScope) throws -> MessagePackValue) {
        self.name = name
        self.call = call
    }

    /// This method's results are reused until the next committed change,
    /// and at most `maxAge` when given.
    func cachedUntilNextCommit(maxAge: Duration? = nil) -> MethodHandler {
        var copy = self
        copy.reuse = .untilNextCommit
        copy.maxAge = maxAge
        return copy
    }

    /// This method allocates much transient memory (catalog imports).
    func allocatingHeavily() -> MethodHandler {
        var copy = self
        copy.heavy = true
        return copy
    }

    /// This method needs neither the store nor any I/O.
    func runningInline() -> MethodHandler {
        var copy = self
        copy.inline = true
        return copy
    }

    /// Decoding is strict: unknown parameter names are refused, so a typo is
    /// an `INVALID_ARGUMENT` naming it instead of being silently ignored,
    /// and so is every timestamp outside `TimestampRange`, in every method.
    static let decoder = MessagePackDecoder(rejectUnknownKeys: true, dateRange: TimestampRange.dates)
    /// Results always carry every field: a nil optional is sent as nil. A
    /// date outside `TimestampRange` is sent as its nearest end, so no
    /// result can fail to encode after its change committed.
    static let encoder = MessagePackEncoder(nilOptionals: .explicit, dateRange: TimestampRange.dates)

    /// A result's wire form: built directly when the type knows how.
    static func wire<Result: Encodable>(_ result: Result) throws -> MessagePackValue {
        if let direct = result as? any WireEncodable { return direct.wireValue }
        return try encoder.encodeValue(result)
    }

    /// A method with typed params.
    static func method<Params: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, _ params: Params.Type,
        _ body: @escaping @Sendable (Params, RequestScope) throws -> Result
    ) -> MethodHandler {
        MethodHandler(name: name) { raw, scope in
            let decoded = try decoder.decode(Params.self, from: .map(raw))
            return try wire(try body(decoded, scope))
        }
    }

    /// A method without params; any given are refused.
    static func method<Result: Encodable & Sendable>(
        _ name: String, _ body: @escaping @Sendable (RequestScope) throws -> Result
    ) -> MethodHandler {
        MethodHandler(name: name) { raw, scope in
            if let first = raw.keys.first {
                let field = first.stringValue ?? "params"
                throw CallFailure(
                    code: .invalidArgument, message: "\(name) takes no parameter \(field)",
                    details: ["field": .string(field)])
            }
            return try wire(try body(scope))
        }
    }
}
