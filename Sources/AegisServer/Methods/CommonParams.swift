import Foundation

// Params shared by several method files.

/// `{id}`.
struct IDParams: Decodable, Sendable { var id: String }

/// `{id, version}` for mutations of versioned objects.
struct VersionedIDParams: Decodable, Sendable {
    var id: String
    var version: Int
}

/// `{limit, cursor}`.
struct PageParams: Decodable, Sendable {
    var limit: Int?
    var cursor: String?
}

/// `{domain}` (an ATT&CK domain, optional) for the analytics reads.
struct DomainParams: Decodable, Sendable { var domain: String? }

/// A file's content sent as text (str) or bytes (bin).
struct FileContent: Decodable, Sendable {
    var data: Data

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            data = Data(text.utf8)
        } else {
            data = try c.decode(Data.self)
        }
    }
}
