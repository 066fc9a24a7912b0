import Foundation

/// API keys' storage port. Secrets are never stored, only their hashes.
public protocol APIKeyRepository {
    func insert(_ key: APIKey, secretHash: String) throws
    /// The key whose secret hashes to `secretHash`.
    func find(secretHash: String) throws -> APIKey?
    func count() throws -> Int
    /// Ordered by creation.
    func keys(page: PageRequest) throws -> Page<APIKey>
    func key(id: String) throws -> APIKey?
    func revoke(id: String, at: Date) throws
}
