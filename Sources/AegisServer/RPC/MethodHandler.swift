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
}

/// One entry of the method table: a name and a body that takes the raw
/// params and returns the result's wire value.
struct MethodHandler: Sendable {
    let name: String
    let call: @Sendable (MessagePackMap, RequestScope) throws -> MessagePackValue

    /// Decoding is strict: unknown parameter names are refused, so a typo is
    /// an `INVALID_ARGUMENT` naming it instead of being silently ignored.
    static let decoder = MessagePackDecoder(rejectUnknownKeys: true)
    static let encoder = MessagePackEncoder()

    /// A method with typed params.
    static func method<Params: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, _ params: Params.Type,
        _ body: @escaping @Sendable (Params, RequestScope) throws -> Result
    ) -> MethodHandler {
        MethodHandler(name: name) { raw, scope in
            let decoded = try decoder.decode(Params.self, from: .map(raw))
            return try encoder.encodeValue(try body(decoded, scope))
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
            return try encoder.encodeValue(try body(scope))
        }
    }
}
