import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// HTTP exchanges with Caldera through `URLSession`: bodies bounded while
/// they arrive, redirects returned rather than followed (`POST /enter`
/// answers 302 with the session cookie), a deadline on every exchange, no
/// cookie store or cache of its own. Transport faults become `CalderaError`.
final class CalderaHTTP: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Response: Sendable {
        var status: Int
        /// Header names lower-cased.
        var headers: [String: String]
        var body: Data
    }

    /// One exchange in flight.
    private final class Exchange {
        let continuation: CheckedContinuation<Result<Response, CalderaError>, Never>
        var response: HTTPURLResponse?
        var body = Data()
        var failure: CalderaError?

        init(_ continuation: CheckedContinuation<Result<Response, CalderaError>, Never>) {
            self.continuation = continuation
        }
    }

    let timeout: Double
    let maxBytes: Int
    private let lock = NSLock()
    private var exchanges: [Int: Exchange] = [:]
    private var session: URLSession?

    init(timeout: Double, maxBytes: Int) {
        self.timeout = timeout
        self.maxBytes = maxBytes
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    /// Ends the session; exchanges in flight fail as unreachable.
    func close() {
        lock.withLock { session }?.invalidateAndCancel()
    }

    func send(_ request: URLRequest) async throws(CalderaError) -> Response {
        var request = request
        request.timeoutInterval = timeout
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, CalderaError>, Never>) in
            guard let session = lock.withLock({ self.session }) else {
                return continuation.resume(returning: .failure(.unreachable("the client is closed")))
            }
            let task = session.dataTask(with: request)
            lock.withLock { exchanges[task.taskIdentifier] = Exchange(continuation) }
            // URLSession's own timeouts are per read; this bounds the whole exchange.
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self, weak task] in
                guard let self, let task else { return }
                self.fail(task, .timedOut(self.timeout))
            }
            task.resume()
        }
        return try result.get()
    }

    /// Marks the exchange failed (first failure wins) and stops it.
    private func fail(_ task: URLSessionTask, _ error: CalderaError) {
        let live = lock.withLock { () -> Bool in
            guard let exchange = exchanges[task.taskIdentifier] else { return false }
            if exchange.failure == nil { exchange.failure = error }
            return true
        }
        if live { task.cancel() }
    }

    // MARK: URLSessionDataDelegate

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        lock.withLock { exchanges[dataTask.taskIdentifier]?.response = http }
        if response.expectedContentLength > Int64(maxBytes) {
            fail(dataTask, .tooLarge(limit: maxBytes))
            return completionHandler(.cancel)
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock { () -> Bool in
            guard let exchange = exchanges[dataTask.taskIdentifier], exchange.failure == nil else { return false }
            exchange.body.append(data)
            return exchange.body.count > maxBytes
        }
        if over { fail(dataTask, .tooLarge(limit: maxBytes)) }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let exchange = lock.withLock({ exchanges.removeValue(forKey: task.taskIdentifier) }) else { return }
        if let failure = exchange.failure { return exchange.continuation.resume(returning: .failure(failure)) }
        if let error { return exchange.continuation.resume(returning: .failure(Self.transportError(error, timeout))) }
        guard let response = exchange.response ?? task.response as? HTTPURLResponse else {
            return exchange.continuation.resume(returning: .failure(.malformed("no HTTP response")))
        }
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        exchange.continuation.resume(
            returning: .success(Response(status: response.statusCode, headers: headers, body: exchange.body)))
    }

    static func transportError(_ error: any Error, _ timeout: Double) -> CalderaError {
        guard let urlError = error as? URLError else { return .unreachable("\(error)") }
        switch urlError.code {
        case .timedOut: return .timedOut(timeout)
        case .badServerResponse, .cannotParseResponse, .zeroByteResource:
            return .malformed("not a valid HTTP response (\(urlError.code.rawValue))")
        default: return .unreachable(urlError.localizedDescription)
        }
    }
}
