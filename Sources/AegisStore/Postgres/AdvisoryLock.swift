/// The PostgreSQL advisory lock keys Aegis uses (one 64-bit key space per
/// database). Kept in one place so two uses never collide.
enum AdvisoryLock {
    /// Held by the transaction that applies migrations.
    static let migrations: Int64 = 0x4145_4749_5301
    /// Held by the instance that is the deployment's leader.
    static let leader: Int64 = 0x4145_4749_5302
}
