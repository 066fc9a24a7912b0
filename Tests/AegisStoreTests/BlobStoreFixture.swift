import AegisDomain
import Foundation
import Synchronization

@testable import AegisStore
import AegisTestSupport

/// One of the two blob stores, fresh for each test: files in a temporary
/// directory, or a fresh schema of the run's PostgreSQL cluster.
enum BlobStoreKind: String, CaseIterable, Sendable {
    case file, postgres
}

/// A fresh blob store of `kind` and a temporary directory for the files
/// handed to it; both live as long as the fixture.
struct BlobStoreFixture {
    let kind: BlobStoreKind
    let store: any BlobStore
    let directory: TemporaryDirectory
    /// The PostgreSQL store's URL (nil for files).
    let url: String?

    init(_ kind: BlobStoreKind) throws {
        self.kind = kind
        directory = try TemporaryDirectory()
        switch kind {
        case .file:
            url = nil
            store = try FileBlobStore(root: directory.url.appendingPathComponent("blobs"))
        case .postgres:
            let url = try TestPostgres.url(schema: try TestPostgres.createSchema())
            try MigrationRunner(connection: try PostgresConnection(url: url)).migrate()
            self.url = url
            store = PostgresBlobStore(url: url)
        }
    }

    /// Writes `data` to a new file to hand to `put(file:)`.
    func file(_ data: Data) throws -> URL {
        let url = directory.url.appendingPathComponent("upload-\(UUID().uuidString)")
        try data.write(to: url)
        return url
    }
}

/// Random bytes, and a random valid blob name (the stores trust the
/// caller's hash, so any 64 hex digits do).
enum BlobTestData {
    static func bytes(_ count: Int) -> Data {
        let words = (0..<(count + 7) / 8).map { _ in UInt64.random(in: .min ... .max) }
        return words.withUnsafeBytes { Data($0.prefix(count)) }
    }

    static func name() -> String {
        bytes(32).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }
}

/// Runs `body(i)` for `i` in `0..<count`, each on a thread of its own,
/// all at once, and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        Thread {
            body(i)
            group.leave()
        }.start()
    }
    group.wait()
}
