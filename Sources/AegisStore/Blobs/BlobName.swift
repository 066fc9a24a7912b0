import AegisDomain

/// The name of a content-addressed blob: its SHA-256 as 64 lowercase hex
/// digits. Every blob store refuses anything else, so a name never reaches
/// a path or a query unchecked.
enum BlobName {
    /// `sha256` itself when valid; `INVALID_ARGUMENT` on `sha256` otherwise.
    static func validated(_ sha256: String) throws -> String {
        let valid =
            sha256.utf8.count == 64 && sha256.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
        guard valid else { throw AegisError.invalidArgument("sha256", "not a SHA-256") }
        return sha256
    }

    /// Refuses a negative `offset` or `length` of a read.
    static func checkRange(offset: Int64, length: Int) throws {
        guard offset >= 0 else { throw AegisError.invalidArgument("offset", "offset must be 0 or more") }
        guard length >= 0 else { throw AegisError.invalidArgument("length", "length must be 0 or more") }
    }

    /// The error for reading a blob that is not stored (never was, or was
    /// removed meanwhile).
    static func missing(_ sha256: String) -> AegisError { .notFound("blob", sha256) }
}
