import AegisDomain
import AegisWire
import Foundation

/// What a failed call replies: the one place where errors become wire
/// codes. Only `CodedError`s choose their code; parameter decoding errors
/// are `INVALID_ARGUMENT` naming the field; anything else is `INTERNAL`
/// with the request id, and its description goes to the log only.
struct CallFailure: Error {
    var code: ErrorCode
    var message: String
    var details: [String: Value]
    /// True when this is a bug to log with the original error.
    var isInternal: Bool

    init(code: ErrorCode, message: String, details: [String: Value] = [:], isInternal: Bool = false) {
        self.code = code
        self.message = message
        self.details = details
        self.isInternal = isInternal
    }

    static func from(_ error: any Error, requestID: String) -> CallFailure {
        switch error {
        case let wire as CallFailure:
            return wire
        case let coded as any CodedError where coded.code != .internal:
            return CallFailure(code: coded.code, message: coded.message, details: coded.details)
        case let decoding as DecodingError:
            return parameterError(decoding)
        case let decoding as MessagePackDecodingError:
            let field = MessagePackDecoder.fieldPath(of: decoding) ?? "params"
            let message = switch decoding {
            case .unknownKey: "unknown parameter \(field)"
            case .dateOutOfRange: "\(field) must be a timestamp \(TimestampRange.description)"
            }
            return CallFailure(code: .invalidArgument, message: message, details: ["field": .string(field)])
        default:
            return CallFailure(
                code: .internal, message: "internal error; request id \(requestID)",
                details: ["request_id": .string(requestID)], isInternal: true)
        }
    }

    private static func parameterError(_ error: DecodingError) -> CallFailure {
        let (path, message): ([any CodingKey], String)
        switch error {
        case let .keyNotFound(key, context):
            path = context.codingPath + [key]
            message = "is required"
        case let .typeMismatch(type, context):
            path = context.codingPath
            message = "must be \(describe(type))"
        case let .valueNotFound(type, context):
            path = context.codingPath
            message = "must be \(describe(type)), not nil"
        case let .dataCorrupted(context):
            path = context.codingPath
            message = "has a value that is not accepted"
        @unknown default:
            path = []
            message = "is not valid"
        }
        let field = path.isEmpty ? "params" : MessagePackDecoder.path(of: path)
        return CallFailure(code: .invalidArgument, message: "\(field) \(message)", details: ["field": .string(field)])
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Bool.Type, is Bool?.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int?.Type, is Int64?.Type, is UInt.Type: "an integer"
        case is Double.Type, is Double?.Type: "a number"
        case is Data.Type, is Data?.Type: "binary (bin)"
        case is Date.Type, is Date?.Type: "a timestamp"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : (String(describing: type).hasPrefix("Dictionary") ? "a map" : "of another type")
        }
    }
}
