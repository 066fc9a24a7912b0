import AegisDomain
import Foundation

/// What every use case may depend on, besides the store session: ports and
/// settings shared by the whole daemon.
public struct AppEnvironment: Sendable {
    public var clock: any WallClock
    public var crypto: any CryptoProvider
    public var uploads: any UploadStaging
    /// This daemon instance's name, recorded as events' `source`.
    public var instanceID: String
    public var version: String
    public var startedAt: Date
    public var storeKind: String
    public var limits: Limits

    /// Size limits of uploads and replies.
    public struct Limits: Sendable {
        /// Largest catalog upload, all files together.
        public var maxCatalogBytes: Int64
        /// Largest single frame, request or reply.
        public var maxFrameBytes: Int

        public init(maxCatalogBytes: Int64 = 512 << 20, maxFrameBytes: Int = 16 << 20) {
            self.maxCatalogBytes = maxCatalogBytes
            self.maxFrameBytes = maxFrameBytes
        }
    }

    public init(
        clock: any WallClock, crypto: any CryptoProvider, uploads: any UploadStaging, instanceID: String,
        version: String, startedAt: Date, storeKind: String, limits: Limits = Limits()
    ) {
        self.clock = clock
        self.crypto = crypto
        self.uploads = uploads
        self.instanceID = instanceID
        self.version = version
        self.startedAt = startedAt
        self.storeKind = storeKind
        self.limits = limits
    }
}

/// One call's context: who is calling, on which store session.
public struct CallContext {
    public var requestID: String
    public var principal: Principal?
    /// The client's address, for audit; nil when unknown.
    public var peer: String?
    public var session: any StoreSession

    public init(requestID: String, principal: Principal?, peer: String?, session: any StoreSession) {
        self.requestID = requestID
        self.principal = principal
        self.peer = peer
        self.session = session
    }
}
