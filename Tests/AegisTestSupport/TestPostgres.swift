import Foundation

import AegisStore

/// The throwaway PostgreSQL cluster that `scripts/with-postgres` (which
/// `make test` uses) starts for the run.
public enum TestPostgres {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "AEGIS_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres (make test does)"
        }
    }

    /// The cluster's URL, or `schema` as the only entry of `search_path`.
    public static func url(schema: String? = nil) throws -> String {
        guard let url = ProcessInfo.processInfo.environment["AEGIS_TEST_DATABASE_URL"], !url.isEmpty else {
            throw Missing()
        }
        guard let schema else { return url }
        return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    /// Creates an empty schema with a fresh name: one test's own database.
    public static func createSchema() throws -> String {
        let schema = "t_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        try StoreConsole.execute("CREATE SCHEMA \(schema)", at: .postgres(url: try url()))
        return schema
    }

    /// Where `AEGIS_TEST_POSTGRES_BIN` has `pg_ctl`, and the cluster's data
    /// folder (for tests that stop and start the server).
    public static var control: (pgCtl: String, data: String)? {
        let env = ProcessInfo.processInfo.environment
        guard let bin = env["AEGIS_TEST_POSTGRES_BIN"], let data = env["AEGIS_TEST_POSTGRES_DATA"] else { return nil }
        return (bin + "/pg_ctl", data)
    }
}
