import AegisClient
import AegisWire

/// The error code a call failed with, or nil when it succeeded.
func code(_ body: () throws -> MessagePackValue) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as AegisClientError {
        return error.code
    } catch {
        return "\(error)"
    }
}
