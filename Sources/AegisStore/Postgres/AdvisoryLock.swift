/// The PostgreSQL advisory locks Aegis takes. A deployment is a database
/// and schema, so each lock is keyed by the schema (first key) and its
/// purpose (second key): deployments in different schemas of one database
/// never wait for each other.
enum AdvisoryLock: Int32 {
    /// Held by the transaction that applies migrations.
    case migrations = 1
    /// Held by the instance that is the deployment's leader.
    case leader = 2
    /// Held while an instance does its first-start work.
    case startup = 3
    /// Held by the transaction that numbers pending events.
    case sequencing = 4

    /// The two keys, as SQL arguments of `pg_advisory_lock` and friends.
    var keys: String { "hashtext(current_schema()), \(rawValue)" }
}
