/// A worker's handle on the store: runs units of work on the worker's own
/// connection. Not shared between threads.
public protocol StoreSession: AnyObject {
    /// Runs `body` in a read-only transaction.
    func read<T>(_ body: (any Repositories) throws -> T) throws -> T
    /// Runs `body` in one write transaction: committed when `body` returns,
    /// rolled back when it throws. Events appended inside are published
    /// after the commit.
    func write<T>(_ body: (any Repositories) throws -> T) throws -> T
}
