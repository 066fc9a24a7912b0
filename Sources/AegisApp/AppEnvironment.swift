import AegisDomain
import Foundation

/// What every use case may depend on, besides the store session: ports and
/// settings shared by the whole daemon.
public struct AppEnvironment: Sendable {
    public var clock: any WallClock
    public var crypto: any CryptoProvider
    public var uploads: any UploadStaging
    public var blobs: any BlobStore
    /// This daemon instance's name, recorded as events' `source`.
    public var instanceID: String
    public var version: String
    public var startedAt: Date
    public var storeKind: String
    /// Whether this instance is the deployment's leader (runs scheduled jobs).
    public var isLeader: @Sendable () -> Bool
    public var limits: Limits
    /// The live credentials of this instance's plugin processes.
    public var pluginCredentials: any PluginCredentials

    /// Size limits of uploads and replies.
    public struct Limits: Sendable {
        /// Largest catalog upload, all files together.
        public var maxCatalogBytes: Int64
        /// Largest single frame, request or reply.
        public var maxFrameBytes: Int
        /// Largest evidence file.
        public var maxEvidenceBytes: Int64
        /// How long a session lasts after sign-in.
        public var sessionLifetime: TimeInterval
        /// Failed sign-ins per username, and the window they count in.
        public var loginFailures: Int
        public var loginFailureWindow: TimeInterval

        public init(
            maxCatalogBytes: Int64 = 512 << 20, maxFrameBytes: Int = 16 << 20, maxEvidenceBytes: Int64 = 100 << 20,
            sessionLifetime: TimeInterval = 12 * 3600, loginFailures: Int = 5, loginFailureWindow: TimeInterval = 15 * 60
        ) {
            self.maxCatalogBytes = maxCatalogBytes
            self.maxFrameBytes = maxFrameBytes
            self.maxEvidenceBytes = maxEvidenceBytes
            self.sessionLifetime = sessionLifetime
            self.loginFailures = loginFailures
            self.loginFailureWindow = loginFailureWindow
        }

        /// Bytes of file content one reply may carry (evidence chunks).
        public var chunkBytes: Int { max(64 << 10, maxFrameBytes / 2) }
    }

    public init(
        clock: any WallClock, crypto: any CryptoProvider, uploads: any UploadStaging, blobs: any BlobStore,
        instanceID: String,
        version: String, startedAt: Date, storeKind: String, limits: Limits = Limits(),
        isLeader: @escaping @Sendable () -> Bool = { true },
        pluginCredentials: any PluginCredentials = NoPluginCredentials()
    ) {
        self.isLeader = isLeader
        self.pluginCredentials = pluginCredentials
        self.clock = clock
        self.crypto = crypto
        self.uploads = uploads
        self.blobs = blobs
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

    /// The caller; `UNAUTHENTICATED` for anonymous calls (never reached for
    /// methods the policy marks non-public).
    public func requirePrincipal() throws(AegisError) -> Principal {
        guard let principal else { throw AegisError.unauthenticated() }
        return principal
    }

    /// The caller as recorded in audit rows and events.
    public var actorID: String? { principal?.actorID }

    /// The caller as the owner of an upload of `kind`; `UNAUTHENTICATED`
    /// for anonymous calls.
    public func uploadOwner(_ kind: UploadKind) throws(AegisError) -> UploadOwner {
        UploadOwner(kind: kind, actorID: try requirePrincipal().actorID)
    }
}
