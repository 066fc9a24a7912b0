import Foundation

/// A reusable attack procedure (`template`): what a red operator runs for a
/// technique, imported from Atomic Red Team or Caldera or written by hand.
/// `test.create_from_template` turns it into a test.
public struct Template: Sendable, Equatable, Codable {
    /// Where a template came from.
    public struct Source: Sendable, Equatable, Codable {
        public enum Format: String, Sendable, Codable, CaseIterable {
            case atomic
            case caldera
            case manual
        }

        public var format: Format
        /// The source's own id: an Atomic test's `auto_generated_guid`, a
        /// Caldera ability's `id`; nil for manual templates.
        public var sourceID: String?
        /// The file it was imported from (a label, never a path used).
        public var file: String?

        public init(format: Format, sourceID: String? = nil, file: String? = nil) {
            self.format = format
            self.sourceID = sourceID
            self.file = file
        }

        enum CodingKeys: String, CodingKey {
            case format, file
            case sourceID = "source_id"
        }
    }

    /// One way to run the procedure: on which platforms, with which
    /// executor, what command and how to clean up.
    public struct Executor: Sendable, Equatable, Codable {
        /// Platforms in the source's spelling (`windows`, `linux`, `macos`...).
        public var platforms: [String]
        /// `powershell`, `command_prompt`, `sh`, `bash`, `psh`, `manual`...
        public var name: String
        public var command: String
        public var cleanup: String?
        public var elevationRequired: Bool

        public init(platforms: [String], name: String, command: String, cleanup: String? = nil, elevationRequired: Bool = false) {
            self.platforms = platforms
            self.name = name
            self.command = command
            self.cleanup = cleanup
            self.elevationRequired = elevationRequired
        }

        enum CodingKeys: String, CodingKey {
            case platforms, name, command, cleanup
            case elevationRequired = "elevation_required"
        }

        /// `cleanup` and `elevation_required` may be left out.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                platforms: try c.decode([String].self, forKey: .platforms), name: try c.decode(String.self, forKey: .name),
                command: try c.decode(String.self, forKey: .command),
                cleanup: try c.decodeIfPresent(String.self, forKey: .cleanup),
                elevationRequired: try c.decodeIfPresent(Bool.self, forKey: .elevationRequired) ?? false)
        }
    }

    /// A parameter of the commands, written `#{name}` in them.
    public struct Input: Sendable, Equatable, Codable {
        public var name: String
        public var description: String
        /// `string`, `path`, `url`, `integer`, `float`...
        public var type: String
        public var defaultValue: String?

        public init(name: String, description: String = "", type: String = "string", defaultValue: String? = nil) {
            self.name = name
            self.description = description
            self.type = type
            self.defaultValue = defaultValue
        }

        enum CodingKeys: String, CodingKey {
            case name, description, type
            case defaultValue = "default"
        }

        /// Only `name` is required.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                name: try c.decode(String.self, forKey: .name),
                description: try c.decodeIfPresent(String.self, forKey: .description) ?? "",
                type: try c.decodeIfPresent(String.self, forKey: .type) ?? "string",
                defaultValue: try c.decodeIfPresent(String.self, forKey: .defaultValue))
        }
    }

    /// Server-chosen id (`tpl_...`).
    public var id: String
    public var version: Int
    public var source: Source
    public var techniqueID: String
    public var name: String
    public var description: String
    public var executors: [Executor]
    public var inputs: [Input]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, version: Int = 1, source: Source, techniqueID: String, name: String, description: String = "",
        executors: [Executor], inputs: [Input] = [], createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.version = version
        self.source = source
        self.techniqueID = techniqueID
        self.name = name
        self.description = description
        self.executors = executors
        self.inputs = inputs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, version, source, name, description, executors, inputs
        case techniqueID = "technique_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
