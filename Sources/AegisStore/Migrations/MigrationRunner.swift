import Foundation

/// Applies pending migrations in one transaction. Daemons starting together
/// on one database take turns (SQLite's write lock, a PostgreSQL advisory
/// lock), so each migration runs once.
struct MigrationRunner<DB: SQLDatabase> {
    let connection: DB

    func migrate() throws {
        try connection.execute(connection.dialect.beginExclusive)
        do {
            try connection.execute(
                connection.dialect.schema(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at INTEGER NOT NULL
                    )
                    """))
            let applied = Set(
                try connection.prepare("SELECT version FROM schema_migrations").rows { Int($0.int(0)) })
            if let newest = applied.max(), newest > (Migrations.all.last?.version ?? 0) {
                throw MigrationError.newerSchema(found: newest)
            }
            for migration in Migrations.all where !applied.contains(migration.version) {
                try connection.execute(connection.dialect.schema(migration.sqlite))
                try connection.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
                    .bind(.int(migration.version), .text(migration.name), .int(StoreTime.micros(Date())))
                    .run()
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}

/// The database was written by a newer aegisd.
public enum MigrationError: Error, CustomStringConvertible {
    case newerSchema(found: Int)

    public var description: String {
        switch self {
        case .newerSchema(let found):
            "the database has schema version \(found), newer than this aegisd knows; upgrade aegisd"
        }
    }
}
