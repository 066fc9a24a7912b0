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
    private var backoffMS = 0

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
            backoffMS = 0
        } catch {
            backoffMS = min(max(50, backoffMS * 2), 2_000)
            retryAt = .now() + .milliseconds(backoffMS)
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

    /// Waits up to `timeoutMS` for notifications (after `LISTEN`); the
    /// channels notified, empty on timeout. Throws when the connection is lost.
    func waitForNotifications(timeoutMS: Int32) throws(PostgresError) -> [String] {
        var channels = drainNotifications()
        guard channels.isEmpty else { return channels }
        let fd = PQsocket(handle)
        guard fd >= 0 else { throw PostgresError(sqlState: "08006", detail: "no socket", connectionLost: true) }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeoutMS)
        if ready > 0 {
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError(sqlState: "08006", detail: Self.message(PQerrorMessage(handle)), connectionLost: true)
            }
            channels = drainNotifications()
        }
        return channels
    }

    private func drainNotifications() -> [String] {
        var channels: [String] = []
        while let notify = PQnotifies(handle) {
            channels.append(String(cString: notify.pointee.relname))
            PQfreemem(notify)
        }
        return channels
    }

    /// Statements whose results nobody waits for (`BEGIN`, `SAVEPOINT`,
    /// `RELEASE`): sent together with the next statement that is waited
    /// for, in one round trip (libpq's pipeline mode).
    private var queued: [String] = []

    /// Queues `sql` (no parameters, no rows) to go with the next statement.
    /// An error it meets is thrown by that statement.
    func executeLater(_ sql: String) {
        queued.append(sql)
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
        let text = (queued + ["COMMIT"]).joined(separator: "; ")
        queued.removeAll()
        let result = PQexec(handle, text)
        defer { PQclear(result) }
        try check(result)
        let tag = result.map { String(cString: PQcmdStatus($0)) } ?? ""
        guard tag == "COMMIT" else {
            throw PostgresError(sqlState: "40000", detail: "the transaction was rolled back", connectionLost: false)
        }
    }

    /// The queued statements, then the prepared `name`, in one pipeline; the
    /// prepared statement's result, or the first error.
    private func pipelined(
        _ name: String, count: Int32, _ values: [UnsafePointer<CChar>?], _ lengths: [Int32], _ formats: [Int32]
    ) throws(PostgresError) -> PostgresRows {
        let prefix = queued
        queued.removeAll()
        guard PQenterPipelineMode(handle) == 1 else {
            throw PostgresError(sqlState: nil, detail: Self.message(PQerrorMessage(handle)), connectionLost: !isConnected)
        }
        defer { PQexitPipelineMode(handle) }
        var sent = true
        for sql in prefix where sent { sent = PQsendQueryParams(handle, sql, 0, nil, nil, nil, nil, 0) == 1 }
        sent = sent && PQsendQueryPrepared(handle, name, count, values, lengths, formats, 0) == 1
        sent = sent && PQpipelineSync(handle) == 1
        guard sent else {
            throw PostgresError(sqlState: "08006", detail: Self.message(PQerrorMessage(handle)), connectionLost: true)
        }
        // One result per statement (each followed by nil), then the sync.
        var firstError: PostgresError?
        var rows: PostgresRows?
        for index in 0...prefix.count {
            guard let result = PQgetResult(handle) else {
                throw PostgresError(sqlState: "08006", detail: Self.message(PQerrorMessage(handle)), connectionLost: true)
            }
            while let extra = PQgetResult(handle) { PQclear(extra) }
            do {
                try check(result)
                if index == prefix.count { rows = PostgresRows(result) } else { PQclear(result) }
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
        guard let rows else { throw PostgresError(sqlState: nil, detail: "no result", connectionLost: !isConnected) }
        return rows
    }

    /// Runs one or more statements without parameters or results (after
    /// any queued ones, in the same round trip).
    func execute(_ sql: String) throws(PostgresError) {
        let text = queued.isEmpty ? sql : (queued + [sql]).joined(separator: "; ")
        queued.removeAll()
        let result = PQexec(handle, text)
        defer { PQclear(result) }
        try check(result)
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

    /// Runs the prepared statement `name` with `values`; the result, owned
    /// by the caller.
    func run(prepared name: String, _ values: [SQLValue]) throws(PostgresError) -> PostgresRows {
        var texts: [ContiguousArray<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        texts.reserveCapacity(values.count)
        for value in values {
            switch value {
            case .null:
                texts.append(nil); lengths.append(0); formats.append(0)
            case .int(let v):
                texts.append(ContiguousArray(String(v).utf8CString)); lengths.append(0); formats.append(0)
            case .double(let v):
                texts.append(ContiguousArray("\(v)".utf8CString)); lengths.append(0); formats.append(0)
            case .text(let v):
                // PostgreSQL text cannot hold U+0000; sent as a C string it
                // would be cut short there, so it is refused instead.
                guard !v.utf8.contains(0) else {
                    throw PostgresError(sqlState: "22021", detail: "NUL in a text value", connectionLost: false)
                }
                texts.append(ContiguousArray(v.utf8CString)); lengths.append(0); formats.append(0)
            case .blob(let v):
                let bytes = ContiguousArray<CChar>(unsafeUninitializedCapacity: v.count) { buffer, initialized in
                    v.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
                    initialized = v.count
                }
                texts.append(bytes); lengths.append(Int32(v.count))
                formats.append(1)
            }
        }
        if !queued.isEmpty {
            let outcome: Result<PostgresRows, PostgresError> = withParameterPointers(texts) { pointers in
                do throws(PostgresError) {
                    return .success(try pipelined(name, count: Int32(values.count), pointers, lengths, formats))
                } catch {
                    return .failure(error)
                }
            }
            return try outcome.get()
        }
        let result = withParameterPointers(texts) { pointers in
            PQexecPrepared(handle, name, Int32(values.count), pointers, lengths, formats, 0)
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

/// Calls `body` with pointers to each parameter's bytes (nil for NULL).
private func withParameterPointers<R>(
    _ values: [ContiguousArray<CChar>?], _ body: ([UnsafePointer<CChar>?]) -> R
) -> R {
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(values.count)
    func nest(_ index: Int) -> R {
        if index == values.count { return body(pointers) }
        guard let value = values[index] else {
            pointers.append(nil)
            return nest(index + 1)
        }
        return value.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return nest(index + 1)
        }
    }
    return nest(0)
}
