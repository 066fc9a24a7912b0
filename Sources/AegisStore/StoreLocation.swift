import AegisDomain
import CLibPQ
import Foundation
import Logging

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
                // libpq's reason quotes the offending part of the URL, which
                // may be the password: it is never shown.
                PQfreemem(error)
                throw StoreLocationError.invalid(
                    "not a valid PostgreSQL URL (check its percent-escapes and parameters)")
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

    /// Whether other aegisd instances may share this store (PostgreSQL):
    /// then changes can arrive that this instance did not make.
    public var isShared: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// Where evidence contents live: files under `directory` next to a
    /// SQLite store; in the database itself on PostgreSQL, so every
    /// instance of a deployment serves every file. Open after the store
    /// (its migrations create the tables).
    public func openBlobs(in directory: URL) throws -> any BlobStore {
        switch self {
        case .sqlite: try FileBlobStore(root: directory)
        case .postgres(let url): PostgresBlobStore(url: url)
        }
    }

    /// Opens the store, applying migrations. `beforeReply` and
    /// `afterCommit` run around each of this instance's commits that
    /// appended events; `onAnyCommit`, on a shared store, whenever another
    /// instance may have committed some, with the last `seq` numbered when
    /// known.
    public func open(
        logger: Logger,
        beforeReply: @escaping @Sendable ([StoredEvent]) -> Void,
        afterCommit: @escaping @Sendable ([StoredEvent]) -> Void,
        onAnyCommit: @escaping @Sendable (_ upTo: Int64?) -> Void = { _ in }
    ) throws -> any StoreProvider {
        switch self {
        case .sqlite(let path):
            return try SQLiteStore(path: path, beforeReply: beforeReply, afterCommit: afterCommit)
        case .postgres(let url):
            return try PostgresStore(
                url: url, logger: logger, beforeReply: beforeReply, afterCommit: afterCommit, onAnyCommit: onAnyCommit)
        }
    }
}

public enum StoreLocationError: Error, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let m): "invalid database URL: \(m)"
        }
    }
}
