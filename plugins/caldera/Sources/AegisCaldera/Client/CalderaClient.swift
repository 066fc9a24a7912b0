import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Caldera's REST API v2, as the Caldera plugin uses it. Every call signs
/// in as the settings say: the `KEY` header, or a session cookie from
/// `POST /enter`, fetched on first use and once more after a 401.
public final class CalderaClient: Sendable {
    public let settings: CalderaSettings
    private let http: CalderaHTTP
    private let session = SessionCookie()

    public init(settings: CalderaSettings) {
        self.settings = settings
        http = CalderaHTTP(timeout: settings.requestTimeout, maxBytes: settings.maxResponseBytes)
    }

    deinit { http.close() }

    // MARK: Reading

    /// `GET /api/v2/health`: which Caldera, and that the credentials work.
    public func health() async throws(CalderaError) -> CalderaHealth {
        try await get("health")
    }

    /// `GET /api/v2/abilities`: every ability.
    public func abilities() async throws(CalderaError) -> [CalderaAbility] {
        try await get("abilities")
    }

    /// `GET /api/v2/abilities/{id}`.
    public func ability(id: String) async throws(CalderaError) -> CalderaAbility {
        try await get("abilities/\(try Self.pathID(id))")
    }

    /// `GET /api/v2/agents`: every agent Caldera knows.
    public func agents() async throws(CalderaError) -> [CalderaAgent] {
        try await get("agents")
    }

    /// `GET /api/v2/adversaries`.
    public func adversaries() async throws(CalderaError) -> [CalderaAdversary] {
        try await get("adversaries")
    }

    /// `GET /api/v2/operations?exclude=chain` (the chain embeds every link),
    /// narrowed to those `filter` matches.
    public func operations(matching filter: CalderaSettings.OperationFilter = .all) async throws(CalderaError)
        -> [CalderaOperation]
    {
        let all: [CalderaOperation] = try await get("operations", query: [URLQueryItem(name: "exclude", value: "chain")])
        return all.filter(filter.matches)
    }

    /// `GET /api/v2/operations/{id}?exclude=chain`.
    public func operation(id: String) async throws(CalderaError) -> CalderaOperation {
        try await get("operations/\(try Self.pathID(id))", query: [URLQueryItem(name: "exclude", value: "chain")])
    }

    /// `GET /api/v2/operations/{id}/links`.
    public func links(operationID: String) async throws(CalderaError) -> [CalderaLink] {
        try await get("operations/\(try Self.pathID(operationID))/links")
    }

    /// `GET /api/v2/operations/{id}/links/{link_id}`.
    public func link(operationID: String, linkID: String) async throws(CalderaError) -> CalderaLink {
        try await get("operations/\(try Self.pathID(operationID))/links/\(try Self.pathID(linkID))")
    }

    /// `GET /api/v2/operations/{id}/links/{link_id}/result`: the link and
    /// what it printed (nil when it printed nothing).
    public func linkResult(operationID: String, linkID: String) async throws(CalderaError)
        -> (link: CalderaLink, output: CalderaLinkOutput?)
    {
        struct Wire: Decodable {
            var link: CalderaLink
            var result: String?
        }
        let wire: Wire = try await get(
            "operations/\(try Self.pathID(operationID))/links/\(try Self.pathID(linkID))/result")
        return (wire.link, try CalderaLinkOutput.decode(result: wire.result ?? ""))
    }

    // MARK: Writing

    /// `POST /api/v2/operations`: starts an operation.
    public func createOperation(_ request: CalderaOperationRequest) async throws(CalderaError) -> CalderaOperation {
        try await send("POST", "operations", body: try Self.json(request))
    }

    /// `POST /api/v2/operations/{id}/potential-links`: one command for one agent.
    public func pushLink(operationID: String, _ link: CalderaPotentialLink) async throws(CalderaError) -> CalderaLink {
        try await send("POST", "operations/\(try Self.pathID(operationID))/potential-links", body: try Self.json(link))
    }

    // MARK: Exchanges

    private func get<T: Decodable>(_ path: String, query: [URLQueryItem] = []) async throws(CalderaError) -> T {
        try await send("GET", path, query: query, body: nil)
    }

    /// One API call: authenticated, status checked, JSON decoded. A 401 on
    /// a session cookie signs in again and retries once.
    private func send<T: Decodable>(_ method: String, _ path: String, query: [URLQueryItem] = [], body: Data?)
        async throws(CalderaError) -> T
    {
        var response = try await authorized(method, path, query: query, body: body, fresh: false)
        if response.status == 401, case .login = settings.credentials {
            response = try await authorized(method, path, query: query, body: body, fresh: true)
        }
        try Self.check(response)
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw .malformed(Self.decodingProblem(error))
        }
    }

    private func authorized(_ method: String, _ path: String, query: [URLQueryItem], body: Data?, fresh: Bool)
        async throws(CalderaError) -> CalderaHTTP.Response
    {
        var request = URLRequest(url: apiURL(path, query: query))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        switch settings.credentials {
        case .key(let key):
            request.setValue(key, forHTTPHeaderField: "KEY")
        case .login(let user, let password):
            if fresh { session.forget() }
            let cookie = try await cookie(user: user, password: password)
            request.setValue("API_SESSION=\(cookie)", forHTTPHeaderField: "Cookie")
        }
        return try await http.send(request)
    }

    /// The session cookie, signing in when there is none.
    private func cookie(user: String, password: String) async throws(CalderaError) -> String {
        if let cookie = session.value { return cookie }
        var request = URLRequest(url: settings.url.appendingPathComponent("enter"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(Self.form(["username": user, "password": password]).utf8)
        let response = try await http.send(request)
        if response.status >= 500 { throw .server(status: response.status, message: Self.message(response.body)) }
        guard let header = response.headers["set-cookie"], let cookie = SessionCookie.parse(header) else {
            throw .loginFailed
        }
        session.store(cookie)
        return cookie
    }

    private func apiURL(_ path: String, query: [URLQueryItem]) -> URL {
        let url = settings.url.appendingPathComponent("api/v2/" + path)
        guard !query.isEmpty, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url }
        components.queryItems = query
        return components.url ?? url
    }

    private static func check(_ response: CalderaHTTP.Response) throws(CalderaError) {
        switch response.status {
        case 200..<300: return
        case 401: throw .unauthorized
        case 404: throw .notFound(message(response.body))
        case 500..<600: throw .server(status: response.status, message: message(response.body))
        default: throw .unexpectedStatus(response.status, message(response.body))
        }
    }

    /// Caldera's `{"error": "..."}`, else the start of the body.
    private static func message(_ body: Data) -> String {
        struct Wire: Decodable { var error: String }
        if let wire = try? JSONDecoder().decode(Wire.self, from: body) { return String(wire.error.prefix(500)) }
        return String(String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func decodingProblem(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): "not JSON (\(context.debugDescription))"
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "\(error)"
        }
    }

    /// Ids go into paths: Caldera's are uuids or `[A-Za-z0-9_-]` names.
    static func pathID(_ id: String) throws(CalderaError) -> String {
        guard !id.isEmpty, id.utf8.count <= 255,
            id.utf8.allSatisfy({ b in
                (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F
            })
        else { throw .invalidArgument("not a Caldera id: \(id.prefix(64))") }
        return id
    }

    private static func json(_ value: some Encodable) throws(CalderaError) -> Data {
        do { return try JSONEncoder().encode(value) } catch { throw .invalidArgument("cannot encode the request: \(error)") }
    }

    private static func form(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}

/// The `API_SESSION` cookie, shared by the client's calls.
final class SessionCookie: @unchecked Sendable {
    private let lock = NSLock()
    private var cookie: String?

    var value: String? { lock.withLock { cookie } }
    func store(_ value: String) { lock.withLock { cookie = value } }
    func forget() { lock.withLock { cookie = nil } }

    /// The value of `API_SESSION` in a `Set-Cookie` header (quotes kept:
    /// Caldera reads them back).
    static func parse(_ header: String) -> String? {
        guard let range = header.range(of: "API_SESSION=") else { return nil }
        let value = header[range.upperBound...].prefix { $0 != ";" && $0 != "," }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "\"\"" ? nil : trimmed
    }
}
