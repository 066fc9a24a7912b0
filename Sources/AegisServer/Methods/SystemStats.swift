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

    /// This instance's rule engine.
    struct Engine: Encodable, Sendable {
        var rules: Int
        var revision: Int64
        /// Stored rules this engine could not compile, by id.
        var refused: [String: String]
        var eventsEvaluated: Int
        var matches: Int
        /// Regex tests stopped by the match limit (counted as no match).
        var regexLimitHits: Int
        var correlationGroupsDropped: Int

        enum CodingKeys: String, CodingKey {
            case rules, revision, refused, matches
            case eventsEvaluated = "events_evaluated"
            case regexLimitHits = "regex_limit_hits"
            case correlationGroupsDropped = "correlation_groups_dropped"
        }

        init(_ book: RuleBook) {
            let counters = book.engine.counters
            rules = book.engine.rules.entries.count
            revision = book.revision
            refused = book.refused
            eventsEvaluated = counters.eventsEvaluated
            matches = counters.matches
            regexLimitHits = counters.regexLimitHits
            correlationGroupsDropped = counters.correlationGroupsDropped
        }
    }

    var instance: String
    var residentBytes: Int64?
    var openFilesLimit: UInt64?
    var uploads: Int
    var transport: Transport
    var engine: Engine

    enum CodingKeys: String, CodingKey {
        case instance, uploads, transport, engine
        case residentBytes = "resident_bytes"
        case openFilesLimit = "open_files_limit"
    }

    init(scope: RequestScope) {
        instance = scope.env.instanceID
        residentBytes = ServerFigures.residentBytes
        openFilesLimit = OpenFileLimit.current
        uploads = scope.env.uploads.list().count
        transport = Transport(scope.figures.transportStatistics)
        engine = Engine(scope.rules)
    }
}
