import AegisDomain
import Foundation

import AegisStore

/// The store the conformance suites run against: SQLite unless
/// `AEGIS_TEST_STORE=postgres` (the second pass of `make test`), in which
/// case every test gets a fresh schema of the run's PostgreSQL cluster.
public enum TestStore {
    public enum Kind: String, Sendable { case sqlite, postgres }

    public static var kind: Kind {
        ProcessInfo.processInfo.environment["AEGIS_TEST_STORE"].flatMap(Kind.init(rawValue:)) ?? .sqlite
    }

    /// A database URL for a fresh, empty store: a file in `directory`, or a
    /// fresh PostgreSQL schema.
    public static func freshURL(in directory: URL) throws -> String {
        switch kind {
        case .sqlite: "sqlite:" + directory.appendingPathComponent("aegis.sqlite").path
        case .postgres: try TestPostgres.url(schema: try TestPostgres.createSchema())
        }
    }

    /// Opens the store at `url` (from `freshURL`), applying migrations.
    public static func open(
        _ url: String, beforeReply: @escaping @Sendable ([StoredEvent]) -> Void = { _ in },
        afterCommit: @escaping @Sendable ([StoredEvent]) -> Void = { _ in }
    ) throws -> any StoreProvider {
        try StoreLocation.parse(url, dataDirectory: URL(fileURLWithPath: "/nonexistent")).open(
            logger: .init(label: "test"), beforeReply: beforeReply, afterCommit: afterCommit)
    }
}

extension TestStore {
    /// Runs `sql` on the database at `url` outside the store (to set up a
    /// case the store itself would never write).
    public static func execute(_ sql: String, at url: String) throws {
        try StoreConsole.execute(sql, at: try location(url))
    }

    /// The first column of the first row of `sql`, as an integer.
    public static func integer(_ sql: String, at url: String) throws -> Int64? {
        try StoreConsole.integer(sql, at: try location(url))
    }

    static func location(_ url: String) throws -> StoreLocation {
        try StoreLocation.parse(url, dataDirectory: URL(fileURLWithPath: "/nonexistent"))
    }
}
