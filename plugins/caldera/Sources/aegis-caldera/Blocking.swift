import AegisCaldera
import Foundation

/// Runs an async Caldera call to its end from a plain thread. The plugin's
/// loops are threads (the kit and `AegisClient` are synchronous); the
/// Caldera client is async over URLSession, whose callbacks run on their
/// own queue, so waiting here blocks no task.
func blocking<T: Sendable>(_ call: @escaping @Sendable () async throws -> T) throws(CalderaError) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            box.set(.success(try await call()))
        } catch let error as CalderaError {
            box.set(.failure(error))
        } catch {
            // The client throws CalderaError alone; anything else is a bug.
            box.set(.failure(.malformed("\(error)")))
        }
        done.signal()
    }
    done.wait()
    guard let result = box.get() else { throw .unreachable("the call ended without a result") }
    return try result.get()
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, CalderaError>?
    func set(_ value: Result<T, CalderaError>) { lock.withLock { result = value } }
    func get() -> Result<T, CalderaError>? { lock.withLock { result } }
}
