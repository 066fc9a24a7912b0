/// What `StoreCopy` copied and how each table compared afterwards.
public struct StoreCopyReport: Sendable {
    /// One table: its rows and checksum on each side.
    public struct Table: Sendable, Equatable {
        public var name: String
        public var sourceRows: Int
        public var targetRows: Int
        /// SHA-256 (hex) of the rows in key order, canonically encoded.
        public var sourceChecksum: String
        public var targetChecksum: String

        /// Same row count and checksum on both sides.
        public var matches: Bool { sourceRows == targetRows && sourceChecksum == targetChecksum }
    }

    /// Every table copied, parents before the tables that reference them.
    public var tables: [Table]
    /// The source's (and now the target's) schema version.
    public var schemaVersion: Int
    /// Time spent copying (after migrating the target, before verifying).
    public var copyMilliseconds: Int
    /// Time spent verifying.
    public var verifyMilliseconds: Int
    /// Evidence files copied (each referenced one, once) and verified.
    public var blobs = 0
    /// Their bytes.
    public var blobBytes: Int64 = 0
    /// Files in the blobs folder no evidence references (not copied).
    public var skippedBlobFiles = 0
    /// Time spent copying evidence files.
    public var blobCopyMilliseconds = 0
    /// Time spent reading them back to verify.
    public var blobVerifyMilliseconds = 0

    /// Rows copied, over all tables.
    public var rows: Int { tables.reduce(0) { $0 + $1.sourceRows } }

    /// Whether every table matches.
    public var verified: Bool { tables.allSatisfy(\.matches) }
}
