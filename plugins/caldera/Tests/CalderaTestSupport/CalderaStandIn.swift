import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for Caldera, for tests: a small HTTP/1.1 server on 127.0.0.1
/// (a free port) that answers with the responses recorded from a real
/// Caldera 5.3 (`Recordings`), checks credentials as Caldera does (the
/// `KEY` header, or a session cookie from `POST /enter`), and can be told to
/// misbehave: answer slowly, fail with 500, send malformed JSON or too much.
/// It is not Caldera: it replays what Caldera said.
public final class CalderaStandIn: @unchecked Sendable {
    /// The recorded key and user (Caldera's `--insecure` defaults).
    public static let key = "ADMIN123"
    public static let user = "red"
    public static let password = "admin"

    /// A response the stand-in sends instead of the recorded one.
    public enum Fault: Sendable {
        case status(Int, String)
        case body(String)
        case delay(Double)
        case oversized(Int)
    }

    /// What the stand-in answers.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data

        public init(status: Int, headers: [String: String] = ["Content-Type": "application/json"], body: Data) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    public let recordings: Recordings
    public let port: UInt16
    public var url: URL { URL(string: "http://127.0.0.1:\(port)") ?? URL(fileURLWithPath: "/") }

    private var listener: Int32
    private let lock = NSLock()
    private var handlers: [String: @Sendable (Data) -> Response] = [:]
    private var routes: [String: Response] = [:]
    private var faults: [String: Fault] = [:]
    private var sessions: Set<String> = []
    private var issued = 0
    private var log: [String] = []

    public init(recordings: Recordings? = nil) throws {
        self.recordings = try recordings ?? Recordings()
        for exchange in self.recordings.exchanges where exchange.auth == "key" {
            let key = "\(exchange.method) \(exchange.path)"
            if routes[key] == nil {
                routes[key] = Response(status: exchange.status, headers: exchange.headers, body: exchange.body)
            }
        }
        (listener, port) = try Self.listen()
        startAccepting(listener)
    }

    deinit { stop() }

    /// Stops listening: later connections are refused, as when Caldera is down.
    public func stop() {
        let fd = lock.withLock { () -> Int32 in
            defer { listener = -1 }
            return listener
        }
        guard fd >= 0 else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// Listens again on the same port after `stop()`, as when Caldera is back.
    public func start() throws {
        guard lock.withLock({ listener }) < 0 else { return }
        let (fd, _) = try Self.listen(port: port)
        lock.withLock { listener = fd }
        startAccepting(fd)
    }

    private func startAccepting(_ fd: Int32) {
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.start()
    }

    // MARK: What tests change

    /// `fault` answers every request whose path starts with `pathPrefix`.
    public func inject(_ fault: Fault, on pathPrefix: String) { lock.withLock { faults[pathPrefix] = fault } }

    public func clearFaults() { lock.withLock { faults = [:] } }

    /// Forgets every session cookie, as Caldera does when it restarts.
    public func expireSessions() { lock.withLock { sessions = [] } }

    /// Answers `method path` with `body` (status 200, JSON).
    public func serve(_ method: String, _ path: String, json body: Data) {
        lock.withLock {
            routes["\(method) \(path)"] = Response(
                status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: body)
        }
    }

    /// Answers authorized `method path` requests with what `handler` makes
    /// of the request body (for exchanges that change what Caldera holds).
    public func handle(_ method: String, _ path: String, _ handler: @escaping @Sendable (Data) -> Response) {
        lock.withLock { handlers["\(method) \(path)"] = handler }
    }

    /// The requests seen, as `METHOD path`.
    public var requests: [String] { lock.withLock { log } }

    /// How many requests went to `path`.
    public func count(_ method: String, _ path: String) -> Int { requests.filter { $0 == "\(method) \(path)" }.count }

    /// A URL where nothing listens: a port bound, then released.
    public static func unusedURL() throws -> URL {
        let (fd, port) = try listen()
        close(fd)
        return URL(string: "http://127.0.0.1:\(port)") ?? URL(fileURLWithPath: "/")
    }

    // MARK: Answering

    func respond(method: String, target: String, headers: [String: String], body: Data) -> (Response, Double) {
        lock.withLock { log.append("\(method) \(target)") }
        let fault = lock.withLock { faults.first { target.hasPrefix($0.key) }?.value }
        var delay = 0.0
        switch fault {
        case .status(let status, let text)?:
            return (Response(status: status, headers: ["Content-Type": "text/plain"], body: Data(text.utf8)), 0)
        case .body(let text)?:
            return (Response(status: 200, headers: ["Content-Type": "application/json"], body: Data(text.utf8)), 0)
        case .oversized(let bytes)?:
            let body = Data("[".utf8) + Data(repeating: UInt8(ascii: " "), count: bytes) + Data("]".utf8)
            return (Response(status: 200, headers: ["Content-Type": "application/json"], body: body), 0)
        case .delay(let seconds)?:
            delay = seconds
        case nil: break
        }
        if method == "POST" && target == "/enter" { return (enter(body), delay) }
        guard authorized(headers) else { return (recorded("health-bad-key"), delay) }
        // Caldera answers the same with or without `?exclude=chain`.
        let path = String(target.prefix { $0 != "?" })
        if let handler = lock.withLock({ handlers["\(method) \(path)"] }) { return (handler(body), delay) }
        if let response = lock.withLock({ routes["\(method) \(target)"] ?? routes["\(method) \(path)"] }) {
            return (response, delay)
        }
        return (
            Response(
                status: 404, headers: ["Content-Type": "application/json"],
                body: Data(#"{"error": "not recorded"}"#.utf8)), delay
        )
    }

    private func authorized(_ headers: [String: String]) -> Bool {
        if headers["key"] == Self.key { return true }
        guard let cookie = headers["cookie"], let range = cookie.range(of: "API_SESSION=") else { return false }
        let value = String(cookie[range.upperBound...].prefix { $0 != ";" })
        return lock.withLock { sessions.contains(value) }
    }

    /// `POST /enter`: 302 with the recorded cookie on the right name and
    /// password (a new value after each login), 302 without one otherwise.
    private func enter(_ body: Data) -> Response {
        let form = Dictionary(
            String(decoding: body, as: UTF8.self).split(separator: "&").map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
        guard form["username"] == Self.user, form["password"] == Self.password else {
            return recorded("enter-wrong-password")
        }
        var response = recorded("enter")
        let n = lock.withLock {
            issued += 1
            return issued
        }
        let value = "\"stand-in-session-\(n)\""
        lock.withLock { _ = sessions.insert(value) }
        response.headers["Set-Cookie"] = "API_SESSION=\(value); HttpOnly; Path=/"
        return response
    }

    private func recorded(_ name: String) -> Response {
        guard let exchange = try? recordings.named(name) else {
            return Response(status: 500, headers: [:], body: Data("missing recording \(name)".utf8))
        }
        return Response(status: exchange.status, headers: exchange.headers, body: exchange.body)
    }

    // MARK: Sockets

    private static func listen(port: UInt16 = 0) throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StandInError.socket("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            close(fd)
            throw StandInError.socket("bind/listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    enum StandInError: Error { case socket(String) }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            Thread { [self] in serve(connection) }.start()
        }
    }

    /// One request per connection, then the connection is closed.
    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return }
            buffer.append(contentsOf: chunk[0..<n])
            headerEnd = buffer.range(of: separator)
            if buffer.count > 1 << 20 { return }
        }
        guard let end = headerEnd else { return }
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = (head.first ?? "").split(separator: " ").map(String.init)
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Data(buffer[end.upperBound...])
        while body.count < length {
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return }
            body.append(contentsOf: chunk[0..<n])
        }
        let (response, delay) = respond(method: requestLine[0], target: requestLine[1], headers: headers, body: body)
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers where name.lowercased() != "content-length" {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Data(text.utf8) + response.body
        var sent = 0
        bytes.withUnsafeBytes { raw in
            while sent < raw.count {
                let n = send(fd, raw.baseAddress.map { $0 + sent }, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { return }
                sent += n
            }
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 302: "Found"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 500: "Internal Server Error"
        default: "Status"
        }
    }
}
