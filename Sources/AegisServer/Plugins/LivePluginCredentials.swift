import AegisApp
import AegisDomain
import Foundation
import Synchronization

/// The credentials of this instance's plugin processes, in memory only: one
/// per start, kept as its SHA-256 like an API key, gone when its process
/// stops. A plugin talks to the instance that started it.
final class LivePluginCredentials: PluginCredentials {
    private let crypto: any CryptoProvider
    private let live = Mutex<[String: Principal]>([:])
    /// Runs after a revocation (empties the credentials cache).
    private let onRevoke: @Sendable () -> Void

    init(crypto: any CryptoProvider, onRevoke: @escaping @Sendable () -> Void = {}) {
        self.crypto = crypto
        self.onRevoke = onRevoke
    }

    /// A fresh credential for `plugin`: the secret (for its environment only)
    /// and the hash that revokes it.
    func issue(for plugin: PluginDeclaration) -> (secret: String, hash: String) {
        let secret = crypto.newSecret(prefix: AuthService.pluginPrefix)
        let hash = crypto.sha256Hex(Data(secret.utf8))
        let principal = Principal(kind: .plugin, id: plugin.name, name: plugin.name, roles: [], scope: plugin.scope)
        live.withLock { $0[hash] = principal }
        return (secret, hash)
    }

    func revoke(hash: String) {
        live.withLock { $0[hash] = nil }
        onRevoke()
    }

    func principal(forHash hash: String) -> Principal? { live.withLock { $0[hash] } }
}
