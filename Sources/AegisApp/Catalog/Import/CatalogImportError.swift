import AegisDomain

/// Why an uploaded catalog was refused. Always `INVALID_ARGUMENT`, naming
/// the file and, when known, the object.
struct CatalogImportError: CodedError, CustomStringConvertible {
    var file: String
    var objectID: String?
    var reason: String

    var code: ErrorCode { .invalidArgument }

    var message: String {
        if let objectID { return "catalog file \(file): object \(objectID): \(reason)" }
        return "catalog file \(file): \(reason)"
    }

    var details: [String: Value] {
        var d: [String: Value] = ["field": "files", "file": .string(file), "reason": .string(reason)]
        if let objectID { d["object_id"] = .string(objectID) }
        return d
    }

    var description: String { message }
}

/// Thrown from inside a decoder when one STIX object is malformed, so the
/// error can name the object.
struct InvalidStixObject: Error {
    var objectID: String?
    var reason: String
}

/// A short, payload-free account of a decoding error.
func describeDecodingError(_ error: any Error) -> String {
    switch error {
    case let DecodingError.typeMismatch(type, context):
        return "\(path(context.codingPath)): expected \(type)"
    case let DecodingError.valueNotFound(type, context):
        return "\(path(context.codingPath)): expected \(type), found null"
    case let DecodingError.keyNotFound(key, context):
        return "\(path(context.codingPath + [key])): missing"
    case let DecodingError.dataCorrupted(context):
        let at = context.codingPath.isEmpty ? "" : "\(path(context.codingPath)): "
        return "\(at)not valid JSON (\(context.debugDescription))"
    case let e as InvalidStixObject:
        return e.reason
    default:
        return "unreadable"
    }
}

private func path(_ codingPath: [any CodingKey]) -> String {
    var out = ""
    for key in codingPath {
        if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
    }
    return out.isEmpty ? "(top level)" : out
}
