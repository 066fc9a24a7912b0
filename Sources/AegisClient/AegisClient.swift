import AegisWire
import Foundation
import ZeroMQ

/// A synchronous RPC client over one DEALER socket. Not thread-safe: use
/// one per thread. A reply that arrives after its call timed out is
/// recognised by its id and discarded, so the client stays usable.
public final class AegisClient {
    public let endpoint: String
    public var apiKey: String?
    public var timeout: Duration

    private let context: ZMQContext
    private let ownsContext: Bool
    private let socket: ZMQSocket
    private var nextID: Int64 = 1
    /// Replies still owed to calls that timed out; they arrive first.
    private var lateReplies = 0

    /// Connects (lazily, as libzmq does) to `endpoint`.
    public init(
        endpoint: String, apiKey: String?, timeout: Duration = .seconds(30), context: ZMQContext? = nil,
        maxReplyBytes: Int64 = 256 << 20
    ) throws {
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.timeout = timeout
        self.ownsContext = context == nil
        self.context = try context ?? ZMQContext(ioThreads: 1)
        socket = try ZMQSocket(self.context, .dealer)
        try socket.setMaxMessageSize(maxReplyBytes)
        try socket.connect(endpoint)
    }

    deinit {
        socket.close()
        if ownsContext { context.terminate() }
    }

    /// Calls `method` with `params`; returns the result or throws
    /// `AegisClientError`.
    public func call(_ method: String, _ params: MessagePackMap = [:]) throws(AegisClientError) -> MessagePackValue {
        let id = nextID
        nextID += 1
        let request = RequestEnvelope(id: .int(id), method: method, params: params, auth: apiKey)
        do {
            try socket.send([Data(), request.encoded()])
        } catch {
            throw .transport("send failed: \(error)")
        }
        let deadline = ContinuousClock.now + timeout
        var poller = ZMQPoller([socket])
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                lateReplies += 1
                throw .timeout(method: method, seconds: Double(timeout.components.seconds))
            }
            let ms = Int(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            do {
                guard try poller.poll(timeoutMS: max(1, ms))[0], let frames = try socket.receive(dontWait: true)
                else { continue }
                guard let body = frames.last else { continue }
                let reply: ReplyEnvelope
                switch ReplyEnvelope.parse(body, limits: MessagePackLimits(maxBytes: Int.max)) {
                case .success(let parsed): reply = parsed
                case .failure(let error): throw AegisClientError.transport("unreadable reply: \(error)")
                }
                if reply.id != .int(id) {
                    // Replies come back in order: first those owed to calls
                    // that timed out; then a nil id is ours (the server
                    // could not read the request, so could not echo its id).
                    if lateReplies > 0 {
                        lateReplies -= 1
                        continue
                    }
                    if reply.id != .nil { continue }
                }
                switch reply.outcome {
                case .success(let result): return result
                case .failure(let error):
                    throw AegisClientError.remote(code: error.code, message: error.message, details: error.details)
                }
            } catch let error as AegisClientError {
                throw error
            } catch {
                throw .transport("receive failed: \(error)")
            }
        }
    }

    /// Calls `method` with an `Encodable` params struct and decodes the
    /// result as `Result`.
    public func call<Params: Encodable, Result: Decodable>(
        _ method: String, _ params: Params, as: Result.Type
    ) throws -> Result {
        let encoded = try MessagePackEncoder().encodeValue(params)
        guard case .map(let map) = encoded else { throw AegisClientError.transport("params must encode as a map") }
        return try MessagePackDecoder().decode(Result.self, from: try call(method, map))
    }

    /// Sends raw bytes as the body and returns the raw reply body: for tests
    /// of malformed requests.
    public func sendRaw(_ body: Data) throws -> Data {
        try socket.send([Data(), body])
        var poller = ZMQPoller([socket])
        let ms = max(1, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        guard try poller.poll(timeoutMS: ms)[0], let frames = try socket.receive(dontWait: true), let reply = frames.last
        else { throw AegisClientError.timeout(method: "(raw)", seconds: Double(timeout.components.seconds)) }
        return reply
    }
}
