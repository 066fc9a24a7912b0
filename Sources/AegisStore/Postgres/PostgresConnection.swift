import AegisDomain
import CLibPQ
import Foundation

/// One PostgreSQL connection over libpq, used by one thread at a time, with
/// a cache of server-side prepared statements. Statements are written with
/// `?` placeholders, as for SQLite, and numbered here.
final class PostgresConnection: SQLDatabase {
    private(set) var handle: OpaquePointer
    private let url: String
    private let statementTimeoutMS: Int
    private var statements: [String: PostgresStatement] = [:]
    private var nextName = 0
    /// Reconnect attempts are spaced out while the server stays away:
    /// callers in between fail at once with `UNAVAILABLE`.
    private var retryAt: DispatchTime = .now()
    private var backoff = Backoff.reconnect

    /// Connects to `url` (a `postgres://` URL), waiting at most
    /// `connectTimeout` seconds, and sets `statement_timeout`.
    init(url: String, connectTimeout: Int = 5, statementTimeoutMS: Int = 30_000) throws(PostgresError) {
        self.url = url
        self.statementTimeoutMS = statementTimeoutMS
        handle = try Self.connect(url, timeout: connectTimeout)
        try configure()
    }

    deinit { PQfinish(handle) }

    private static func connect(_ url: String, timeout: Int) throws(PostgresError) -> OpaquePointer {
        // Later settings win. First defaults the URL may override: a host
        // that vanishes without closing the connection is noticed within
        // about 15 s (keepalives, and unacknowledged data for 15 s).
        // Then the URL (expand_dbname), then what Aegis relies on.
        let keys = [
            "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "dbname",
            "connect_timeout", "application_name", "client_encoding",
        ]
        let values = ["1", "5", "2", "3", "15000", url, String(max(1, timeout)), "aegisd", "UTF8"]
        let handle = withArrayOfCStrings(keys) { k in
            withArrayOfCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let handle else { throw PostgresError(sqlState: nil, detail: "out of memory", connectionLost: true) }
        guard PQstatus(handle) == CONNECTION_OK else {
            let detail = Self.message(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError(sqlState: "08001", detail: detail, connectionLost: true)
        }
        return handle
    }

    private func configure() throws(PostgresError) {
        try execute("SET statement_timeout = \(statementTimeoutMS)")
        try execute("SET client_min_messages = warning")
        // Notices would go to stderr; nothing Aegis sends needs them.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    var dialect: SQLDialect { .postgres }

    /// False while a transaction is open (or failed and not yet rolled back).
    var isAutocommit: Bool {
        guard queued.isEmpty else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_IDLE || status == PQTRANS_UNKNOWN
    }

    /// Whether the connection is up, as far as libpq knows.
    var isConnected: Bool { !broken && PQstatus(handle) == CONNECTION_OK }

    /// Set by an error that ends the session (the server terminated the
    /// backend or is shutting down) while libpq still reports the socket
    /// as open; the next use reconnects.
    private var broken = false

    /// The connection setting `keyword` as libpq applied it (for tests).
    func setting(_ keyword: String) -> String? {
        guard let options = PQconninfo(handle) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let name = option.pointee.keyword {
            if String(cString: name) == keyword { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }

    /// The server process of this connection (for tests that end it).
    var backendPID: Int32 { PQbackendPID(handle) }

    /// Reconnects if the connection was lost, at most once per backoff
    /// interval (50 ms, doubling to 2 s while attempts fail).
    func ensureConnected() throws(PostgresError) {
        guard !isConnected else { return }
        guard DispatchTime.now() >= retryAt else {
            throw PostgresError(sqlState: "08006", detail: "waiting to reconnect", connectionLost: true)
        }
        do {
            try reconnect(timeout: 2)
            backoff.reset()
        } catch {
            let wait = backoff.fail()
            retryAt = .now() + .nanoseconds(Int(wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000))
            throw error
        }
    }

    /// Connects afresh (after a lost connection); prepared statements are
    /// prepared again on first use.
    func reconnect(timeout: Int = 5) throws(PostgresError) {
        let fresh = try Self.connect(url, timeout: timeout)
        PQfinish(handle)
        handle = fresh
        broken = false
        queued.removeAll()
        statements.removeAll()
        try configure()
    }

    /// Waits up to `timeoutMS` for notifications (after `LISTEN`); their
    /// payloads, empty on timeout. Throws when the connection is lost.
    func waitForNotifications(timeoutMS: Int32) throws(PostgresError) -> [String] {
        var payloads = drainNotifications()
        guard payloads.isEmpty else { return payloads }
        let fd = PQsocket(handle)
        guard fd >= 0 else { throw PostgresError(sqlState: "08006", detail: "no socket", connectionLost: true) }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeoutMS)
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError(sqlState: "08006", detail: Self.message(PQerrorMessage(handle)), connectionLost: true)
            }
            payloads = drainNotifications()
        }
        return payloads
    }

    private func drainNotifications() -> [String] {
        var payloads: [String] = []
        while let notify = PQnotifies(handle) {
            payloads.append(String(cString: notify.pointee.extra))
            PQfreemem(notify)
        }
        return payloads
    }

    /// Statements whose results nobody waits for (`BEGIN`, `SAVEPOINT`,
    /// audit rows, outbox rows): sent together with the next statement that
    /// is waited for, in one round trip (libpq's pipeline mode).
    private var queued: [QueuedStatement] = []

    /// Whether statements with parameters (writes) wait in the queue.
    var hasQueuedWrites: Bool { queued.contains { !$0.isText } }

    /// Queues `sql` (no parameters, no rows) to go with the next statement.
    /// An error it meets is thrown by that statement.
    func executeLater(_ sql: String) {
        queued.append(.text(sql))
    }

    /// Queues the prepared `name` with `values` to go with the next
    /// statement; values are checked now, an error from the server is
    /// thrown by that statement.
    func runLater(prepared name: String, _ values: [SQLValue]) throws(PostgresError) {
        queued.append(.prepared(name, try PostgresParameters(values)))
    }

    /// Ends the transaction, if one is open (queued statements were never
    /// sent: they are dropped).
    func rollback() {
        queued.removeAll()
        if PQtransactionStatus(handle) != PQTRANS_IDLE { PQclear(PQexec(handle, "ROLLBACK")) }
    }

    /// Commits, with any queued statements in the same round trip. A
    /// transaction that had failed answers COMMIT with a rollback: that
    /// is an error here, never a success.
    func commit() throws(PostgresError) {
        let results = try flush(then: [.text("COMMIT")])
        try Self.checkCommitted(results.last)
    }

    /// Runs the prepared `name` with `values` and then commits, with any
    /// queued statements before it, in one round trip; its rows.
    func runAndCommit(prepared name: String, _ values: [SQLValue]) throws(PostgresError) -> PostgresRows {
        let results = try flush(then: [.prepared(name, try PostgresParameters(values)), .text("COMMIT")])
        try Self.checkCommitted(results.last)
        return results[results.count - 2]
    }

    private static func checkCommitted(_ result: PostgresRows?) throws(PostgresError) {
        let tag = result.map { String(cString: PQcmdStatus($0.result)) } ?? ""
        guard tag == "COMMIT" else {
            throw PostgresError(sqlState: "40000", detail: "the transaction was rolled back", connectionLost: false)
        }
    }

    /// Sends the queued statements and then `statements`, in one round trip
    /// (one pipeline when there is more than one, or parameters); one
    /// result per statement, or the first error.
    private func flush(then statements: [QueuedStatement]) throws(PostgresError) -> [PostgresRows] {
        let all = queued + statements
        queued.removeAll()
        if all.count == 1, case .text(let sql) = all[0] {
            let result = PQexec(handle, sql)
            do {
                try check(result)
            } catch {
                PQclear(result)
                throw error
            }
            guard let result else { throw PostgresError(sqlState: nil, detail: "no result", connectionLost: !isConnected) }
            return [PostgresRows(result)]
        }
        return try pipeline(all)
    }

    /// `statements` in one pipeline: their results, or the first error.
    private func pipeline(_ statements: [QueuedStatement]) throws(PostgresError) -> [PostgresRows] {
        guard PQenterPipelineMode(handle) == 1 else {
            throw PostgresError(sqlState: nil, detail: Self.message(PQerrorMessage(handle)), connectionLost: !isConnected)
        }
        // A pipeline left half read cannot be used again: the next use
        // reconnects.
        defer { if PQexitPipelineMode(handle) != 1 { broken = true } }
        var sent = true
        for statement in statements where sent { sent = statement.send(on: handle) }
        sent = sent && PQpipelineSync(handle) == 1
        guard sent else {
            broken = true
            throw PostgresError(sqlState: "08006", detail: Self.message(PQerrorMessage(handle)), connectionLost: true)
        }
        // One result per statement (each followed by nil), then the sync.
        var firstError: PostgresError?
        var results: [PostgresRows] = []
        results.reserveCapacity(statements.count)
        for _ in statements {
            guard let result = PQgetResult(handle) else {
                broken = true
                throw PostgresError(sqlState: "08006", detail: Self.message(PQerrorMessage(handle)), connectionLost: true)
            }
            while let extra = PQgetResult(handle) { PQclear(extra) }
            do {
                try check(result)
                results.append(PostgresRows(result))
            } catch {
                PQclear(result)
                if firstError == nil { firstError = error }
            }
        }
        // The sync's own result.
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        if var firstError {
            // The connection may have died after the first result was read.
            firstError.connectionLost = firstError.connectionLost || !isConnected
            throw firstError
        }
        return results
    }

    /// Runs one or more statements without parameters or results (after
    /// any queued ones, in the same round trip). With parameterised
    /// statements queued, `sql` must be a single statement.
    func execute(_ sql: String) throws(PostgresError) {
        if queued.allSatisfy(\.isText) {
            let text = (queued.compactMap(\.text) + [sql]).joined(separator: "; ")
            queued.removeAll()
            let result = PQexec(handle, text)
            defer { PQclear(result) }
            try check(result)
        } else {
            _ = try flush(then: [.text(sql)])
        }
    }

    /// A cached prepared statement for `sql` (with `?` placeholders).
    func prepare(_ sql: String) throws(PostgresError) -> PostgresStatement {
        if let cached = statements[sql] { return cached.reset() }
        let (text, count) = Placeholders.numbered(sql)
        nextName += 1
        let name = "aegis_\(nextName)"
        let result = PQprepare(handle, name, text, 0, nil)
        defer { PQclear(result) }
        try check(result)
        let statement = PostgresStatement(name: name, parameterCount: count, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Runs the prepared statement `name` with `values` (after any queued
    /// statements, in the same round trip); the result, owned by the caller.
    func run(prepared name: String, _ values: [SQLValue]) throws(PostgresError) -> PostgresRows {
        let parameters = try PostgresParameters(values)
        if !queued.isEmpty {
            let results = try flush(then: [.prepared(name, parameters)])
            guard let last = results.last else {
                throw PostgresError(sqlState: nil, detail: "no result", connectionLost: !isConnected)
            }
            return last
        }
        let result = parameters.withPointers { pointers in
            PQexecPrepared(handle, name, parameters.count, pointers, parameters.lengths, parameters.formats, 0)
        }
        do {
            try check(result)
        } catch {
            PQclear(result)
            throw error
        }
        guard let result else { throw PostgresError(sqlState: nil, detail: "no result", connectionLost: !isConnected) }
        return PostgresRows(result)
    }

    /// Throws the error `result` reports, if any.
    func check(_ result: OpaquePointer?) throws(PostgresError) {
        guard let result else {
            throw PostgresError(sqlState: nil, detail: Self.message(PQerrorMessage(handle)), connectionLost: !isConnected)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            var detail = Self.message(PQresultErrorMessage(result))
            if detail.isEmpty { detail = Self.message(PQerrorMessage(handle)) }
            // 57P01-57P03: administrator or crash shutdown, cannot connect now.
            if state?.hasPrefix("57P0") == true { broken = true }
            throw PostgresError(sqlState: state, detail: detail, connectionLost: !isConnected)
        }
    }

    static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Calls `body` with NUL-terminated copies of `strings`.
private func withArrayOfCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) } + [nil])
}
