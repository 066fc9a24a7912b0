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

/// The error details a call failed with, or nil when it succeeded or had none.
func details(_ body: () throws -> MessagePackValue) -> MessagePackMap? {
    do {
        _ = try body()
        return nil
    } catch let error as AegisClientError {
        if case .remote(_, _, let details) = error { return details }
        return nil
    } catch {
        return nil
    }
}
