import AegisDomain

/// What `TemplateImporter.read` made of each uploaded file.
///
/// A file is `imported` (all its templates), `invalid` (none of them, with
/// the reason) or `skipped` (nothing in it to import, e.g. a Caldera
/// adversary profile or a file whose every entry was skipped). On the wire
/// a file lists its templates as summaries (`source_id`, `technique_id`,
/// `name`); the full `Template` values stay available in Swift.
public struct TemplateImportReport: Sendable, Encodable {
    public enum Status: String, Sendable, Codable {
        case imported
        case invalid
        case skipped
    }

    /// An entry of a file (an Atomic test, a Caldera ability, a profile)
    /// that was not imported, and why. Skipped entries do not make their
    /// file invalid.
    public struct SkippedEntry: Sendable, Equatable, Encodable {
        /// Names the entry: `atomic_tests[2] "Name" (guid)`, `abilities[0] <id> "Name"`.
        public var entry: String
        public var reason: String

        public init(entry: String, reason: String) {
            self.entry = entry
            self.reason = reason
        }
    }

    public struct FileResult: Sendable, Encodable {
        public var name: String
        public var status: Status
        /// The file's templates, ids assigned; empty unless `imported`.
        public var templates: [Template]
        public var skipped: [SkippedEntry]
        /// Accepted, but worth knowing (a generated source id, an executor
        /// left out...).
        public var warnings: [String]
        /// Why the file is `invalid`: names the entry and the field.
        public var error: String?

        public var imported: Int { templates.count }

        public init(
            name: String, status: Status, templates: [Template] = [], skipped: [SkippedEntry] = [],
            warnings: [String] = [], error: String? = nil
        ) {
            self.name = name
            self.status = status
            self.templates = templates
            self.skipped = skipped
            self.warnings = warnings
            self.error = error
        }

        static func invalid(_ name: String, _ reason: String) -> FileResult {
            FileResult(name: name, status: .invalid, error: reason)
        }

        enum CodingKeys: String, CodingKey {
            case name, status, imported, templates, skipped, warnings, error
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(status, forKey: .status)
            try c.encode(imported, forKey: .imported)
            try c.encode(templates.map(TemplateSummary.init), forKey: .templates)
            try c.encode(skipped, forKey: .skipped)
            try c.encode(warnings, forKey: .warnings)
            try c.encodeIfPresent(error, forKey: .error)
        }
    }

    /// Counts over all files.
    public struct Totals: Sendable, Equatable, Encodable {
        public var files: Int
        public var importedFiles: Int
        public var invalidFiles: Int
        public var skippedFiles: Int
        public var templates: Int
        public var skippedEntries: Int

        enum CodingKeys: String, CodingKey {
            case files, templates
            case importedFiles = "imported_files"
            case invalidFiles = "invalid_files"
            case skippedFiles = "skipped_files"
            case skippedEntries = "skipped_entries"
        }
    }

    public var files: [FileResult]

    public init(files: [FileResult]) { self.files = files }

    /// Every imported template, file by file.
    public var templates: [Template] { files.flatMap(\.templates) }

    public var totals: Totals {
        Totals(
            files: files.count,
            importedFiles: files.filter { $0.status == .imported }.count,
            invalidFiles: files.filter { $0.status == .invalid }.count,
            skippedFiles: files.filter { $0.status == .skipped }.count,
            templates: files.reduce(0) { $0 + $1.templates.count },
            skippedEntries: files.reduce(0) { $0 + $1.skipped.count })
    }

    enum CodingKeys: String, CodingKey { case files, totals }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(files, forKey: .files)
        try c.encode(totals, forKey: .totals)
    }
}

/// A template as a file's report lists it. Its id is left out: the
/// service may keep the id of a template imported before from the same
/// source entry.
private struct TemplateSummary: Encodable {
    var sourceID: String?
    var techniqueID: String
    var name: String

    init(_ template: Template) {
        sourceID = template.source.sourceID
        techniqueID = template.techniqueID
        name = template.name
    }

    enum CodingKeys: String, CodingKey {
        case name
        case sourceID = "source_id"
        case techniqueID = "technique_id"
    }
}
