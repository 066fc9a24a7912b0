import AegisDomain
import CLibPQ
import Foundation

/// Where the store lives, from `--database` / `AEGIS_DATABASE_URL`:
/// absent means SQLite in the data directory; `sqlite:PATH` names a SQLite
/// file; `postgres://` and `postgresql://` name a PostgreSQL database.
public enum StoreLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    public static func parse(_ url: String?, dataDirectory: URL) throws -> StoreLocation {
        guard let url, !url.isEmpty else {
            return .sqlite(path: dataDirectory.appendingPathComponent("aegis.sqlite").path)
        }
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "", options: .anchored)
            guard !path.isEmpty else { throw StoreLocationError.invalid("sqlite: needs a file path") }
            return .sqlite(path: path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            var error: UnsafeMutablePointer<CChar>?
            guard let options = PQconninfoParse(url, &error) else {
                let reason = error.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "invalid"
                PQfreemem(error)
                throw StoreLocationError.invalid("not a valid PostgreSQL URL: \(reason)")
            }
            PQconninfoFree(options)
            return .postgres(url: url)
        }
        throw StoreLocationError.invalid("expected sqlite:PATH or postgres://...")
    }

    /// For logs: the kind and where, never a password.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url):
            // Scheme, host and database only: no user, password or options.
            Self.redactedPostgres(url)
        }
    }

    static func redactedPostgres(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return "postgres://***" }
        var rest = url[scheme.upperBound...]
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        return "\(url[..<scheme.upperBound])***@\(rest)"
    }

    /// Opens the store, applying migrations.
    public func open(
        beforeReply: @escaping @Sendable ([StoredEvent]) -> Void,
        afterCommit: @escaping @Sendable ([StoredEvent]) -> Void
    ) throws -> any StoreProvider {
        switch self {
        case .sqlite(let path):
            return try SQLiteStore(path: path, beforeReply: beforeReply, afterCommit: afterCommit)
        case .postgres:
            throw StoreLocationError.unsupported(
                "the PostgreSQL store is not available in this version of aegisd; use the embedded SQLite store")
        }
    }
}

public enum StoreLocationError: Error, CustomStringConvertible {
    case invalid(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalid(let m): "invalid database URL: \(m)"
        case .unsupported(let m): m
        }
    }
}
