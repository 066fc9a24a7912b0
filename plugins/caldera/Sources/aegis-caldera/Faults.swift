import AegisCaldera
import AegisClient
import AegisPluginKit

/// Every fault the plugin meets is logged in one line and counted in the
/// heartbeat's status: `errors` for all of them, and a finer counter for
/// its kind, so that `aegisctl plugin list` tells what goes wrong.
///
/// | counter | what |
/// | --- | --- |
/// | `unreachable` | nothing answers at Caldera's URL |
/// | `timeouts` | Caldera did not answer within `timeout_seconds` |
/// | `unauthorized` | Caldera refused the key, or the user and password |
/// | `server_errors` | Caldera failed (5xx) or answered an unexpected status |
/// | `malformed` | Caldera's answer is not the JSON expected, or too large |
/// | `aegis_errors` | a call to aegisd failed |
struct Faults {
    let plugin: AegisPlugin

    /// A Caldera call failed while the plugin was doing `what`.
    func caldera(_ error: CalderaError, _ what: String) {
        plugin.count("errors")
        plugin.count(Self.counter(error))
        Log.error("\(what): \(error)")
    }

    /// An aegisd call failed while the plugin was doing `what`.
    func aegis(_ error: AegisClientError, _ what: String) {
        plugin.count("errors")
        plugin.count("aegis_errors")
        Log.error("\(what): aegisd answered \(error)")
    }

    static func counter(_ error: CalderaError) -> String {
        switch error {
        case .unreachable: "unreachable"
        case .timedOut: "timeouts"
        case .unauthorized, .loginFailed: "unauthorized"
        case .server, .unexpectedStatus, .notFound: "server_errors"
        case .malformed, .tooLarge: "malformed"
        case .invalidArgument: "malformed"
        }
    }
}
