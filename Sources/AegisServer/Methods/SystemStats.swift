import AegisApp
import Foundation

/// `system.stats`: what this instance holds for its clients and has
/// refused them (protocol/SPEC.md §2.4), for operators.
struct SystemStats: Encodable, Sendable {
    struct Transport: Encodable, Sendable {
        var connections: Int
        var unreadBytes: UInt64
        var requestsInFlight: Int
        var pendingRequestBytes: Int
        var refusedUnread: Int
        var refusedInFlight: Int
        var refusedBusy: Int
        var droppedReplies: Int

        enum CodingKeys: String, CodingKey {
            case connections
            case unreadBytes = "unread_bytes"
            case requestsInFlight = "requests_in_flight"
            case pendingRequestBytes = "pending_request_bytes"
            case refusedUnread = "refused_unread"
            case refusedInFlight = "refused_in_flight"
            case refusedBusy = "refused_busy"
            case droppedReplies = "dropped_replies"
        }

        init(_ t: TransportStatistics) {
            connections = t.connections
            unreadBytes = t.unreadBytes
            requestsInFlight = t.requestsInFlight
            pendingRequestBytes = t.pendingRequestBytes
            refusedUnread = t.refusedUnread
            refusedInFlight = t.refusedInFlight
            refusedBusy = t.refusedBusy
            droppedReplies = t.droppedReplies
        }
    }

    var instance: String
    var residentBytes: Int64?
    var openFilesLimit: UInt64?
    var uploads: Int
    var transport: Transport

    enum CodingKeys: String, CodingKey {
        case instance, uploads, transport
        case residentBytes = "resident_bytes"
        case openFilesLimit = "open_files_limit"
    }

    init(scope: RequestScope) {
        instance = scope.env.instanceID
        residentBytes = ServerFigures.residentBytes
        openFilesLimit = OpenFileLimit.current
        uploads = scope.env.uploads.list().count
        transport = Transport(scope.figures.transportStatistics)
    }
}
