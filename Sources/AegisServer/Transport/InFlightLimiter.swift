import Foundation

/// Who a request is charged to for the in-flight limit: the principal when
/// the front knows it (cached), else the credential as sent, else (public
/// methods, and bodies too large for the front to read) the connection.
enum Caller: Hashable {
    case principal(String)
    case credential(String)
    case connection(Data)
}

/// Requests each caller and each connection has queued for or held by a
/// worker (front thread only). A caller at its limit is refused at once,
/// so one caller's pipelined flood cannot take the whole worker pool: the
/// others wait behind at most `limit` of its requests.
struct InFlightLimiter {
    let limit: Int
    private var counts: [Caller: Int] = [:]
    /// Recent time from accepting a request to its reply, smoothed: what a
    /// refused caller is told to wait.
    private var smoothedMS = 10.0

    init(limit: Int) { self.limit = limit }

    /// Charges one request to `caller` and to `connection` (so many
    /// credentials on one connection are bounded too); false, and nothing
    /// charged, when either is at the limit.
    mutating func admit(_ caller: Caller, connection: Data) -> Bool {
        let byConnection = Caller.connection(connection)
        guard counts[caller, default: 0] < limit else { return false }
        if byConnection != caller, counts[byConnection, default: 0] >= limit { return false }
        counts[caller, default: 0] += 1
        if byConnection != caller { counts[byConnection, default: 0] += 1 }
        return true
    }

    /// The request charged by `admit` has been answered after `elapsed`
    /// (nil: it never ran, so it says nothing of how long requests take).
    mutating func release(_ caller: Caller, connection: Data, elapsed: Duration?) {
        for key in caller == .connection(connection) ? [caller] : [caller, .connection(connection)] {
            guard let n = counts[key] else { continue }
            counts[key] = n > 1 ? n - 1 : nil
        }
        guard let elapsed else { return }
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        smoothedMS += (ms - smoothedMS) / 16
    }

    /// When a refused caller should try again: about one request's time.
    var retryAfterMS: Int64 { Int64(min(max(smoothedMS, 10), 5000).rounded(.up)) }

    /// Callers with requests in flight.
    var activeCallers: Int { counts.count }
}
