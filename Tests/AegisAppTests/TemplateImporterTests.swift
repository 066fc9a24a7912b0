import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Synchronization
import Testing

/// Ids `tpl_1`, `tpl_2`... in the order the importer asks for them.
final class TemplateTestIDs: Sendable {
    private let next = Mutex(0)
    var issued: Int { next.withLock { $0 } }
    func newID() -> String {
        next.withLock {
            $0 += 1
            return "tpl_\($0)"
        }
    }
}

/// The real Atomic Red Team and Caldera files in ../shared/data.
enum TemplateTestFiles {
    static var atomics: [URL] { files(under: "atomic-red-team/atomics", ext: "yaml") }
    static var abilities: [URL] { files(under: "caldera-stockpile/data/abilities", ext: "yml") }
    static var adversaries: [URL] { files(under: "caldera-stockpile/data/adversaries", ext: "yml") }

    static func files(under folder: String, ext: String) -> [URL] {
        let root = TestData.shared.appendingPathComponent(folder)
        let all = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects ?? []
        return all.compactMap { $0 as? URL }.filter { $0.pathExtension == ext }.sorted { $0.path < $1.path }
    }

    static func uploads(_ urls: [URL]) throws -> [UploadedFile] { try urls.map(TestData.file) }

    static func atomic(_ technique: String) throws -> UploadedFile {
        try TestData.file(
            TestData.shared.appendingPathComponent("atomic-red-team/atomics/\(technique)/\(technique).yaml"))
    }

    static func yaml(_ name: String, _ text: String) -> UploadedFile {
        UploadedFile(name: name, content: Data(text.utf8))
    }

    static func ability(_ tactic: String, _ id: String) throws -> UploadedFile {
        try TestData.file(
            TestData.shared.appendingPathComponent("caldera-stockpile/data/abilities/\(tactic)/\(id).yml"))
    }
}

@Suite struct TemplateImporterTests {
    let now = Date(timeIntervalSince1970: 1_760_000_000)
    let ids = TemplateTestIDs()
    var importer: TemplateImporter {
        let ids = ids
        return TemplateImporter(now: now, newID: { ids.newID() })
    }

    // MARK: Atomic Red Team

    @Test func everyRealAtomicFileImports() throws {
        let urls = TemplateTestFiles.atomics
        #expect(urls.count == 85)
        let report = importer.read(format: .atomic, files: try TemplateTestFiles.uploads(urls))
        let invalid = report.files.filter { $0.status == .invalid }
        #expect(invalid.isEmpty, "\(invalid.map { "\($0.name): \($0.error ?? "")" })")
        #expect(report.totals.files == 85)
        #expect(report.totals.templates == 413)
        #expect(report.totals.importedFiles == 83)
        // T1037.002 and T1647 hold one manual test each; T1027 one of eleven.
        #expect(report.files.filter { $0.status == .skipped }.map(\.name).sorted() == ["T1037.002.yaml", "T1647.yaml"])
        #expect(report.totals.skippedEntries == 3)
        #expect(report.files.flatMap(\.skipped).allSatisfy { $0.reason.contains("manual executor") })
        #expect(report.files.first { $0.name == "T1027.yaml" }?.imported == 10)
        #expect(ids.issued == 413)
        #expect(Set(report.templates.map(\.id)).count == 413)
        #expect(report.templates.allSatisfy { $0.source.format == .atomic && $0.version == 1 && $0.createdAt == now })
        #expect(report.templates.allSatisfy { !$0.executors.isEmpty && !$0.executors[0].command.isEmpty })
        #expect(report.files.allSatisfy { $0.warnings.isEmpty })
        // Every placeholder is a declared input.
        for t in report.templates {
            let names = Set(t.inputs.map(\.name))
            for e in t.executors {
                for used in TemplateRendering.placeholderNames(in: e.command + (e.cleanup ?? "")) {
                    #expect(names.contains(used), "\(t.name): \(used)")
                }
            }
        }
    }

    @Test func t1006() throws {
        let report = importer.read(format: .atomic, files: [try TemplateTestFiles.atomic("T1006")])
        let file = try #require(report.files.first)
        #expect(file.status == .imported)
        #expect(file.name == "T1006.yaml")
        let t = try #require(file.templates.first)
        #expect(file.templates.count == 1)
        #expect(t.id == "tpl_1")
        #expect(
            t.source
                == Template.Source(
                    format: .atomic, sourceID: "88f6327e-51ec-4bbf-b2e8-3fea534eab8b", file: "T1006.yaml"))
        #expect(t.techniqueID == "T1006")
        #expect(t.name == "Read volume boot sector via DOS device path (PowerShell)")
        #expect(t.description.hasPrefix("This test uses PowerShell to open a handle"))
        #expect(t.description.hasSuffix("```"))
        let e = try #require(t.executors.first)
        #expect(t.executors.count == 1)
        #expect(e.platforms == ["windows"])
        #expect(e.name == "powershell")
        #expect(e.elevationRequired)
        #expect(e.cleanup == nil)
        #expect(e.command.hasPrefix("$buffer = New-Object byte[] 11\n"))
        #expect(e.command.hasSuffix("Format-Hex -InputObject $buffer"))
        #expect(e.command.contains("\"\\\\.\\#{volume}\""))
        #expect(
            t.inputs == [
                Template.Input(
                    name: "volume", description: "Drive letter of the volume to access", type: "string",
                    defaultValue: "C:")
            ])
    }

    @Test func atomicInputsKeepTheirOrderAndDefaultsBecomeText() throws {
        let report = importer.read(
            format: .atomic, files: [try TemplateTestFiles.atomic("T1071.004"), try TemplateTestFiles.atomic("T1018")])
        let dns = try #require(report.files.first?.templates.first)
        // In file order, not sorted; the integer default 1000 as written.
        #expect(dns.inputs.map(\.name) == ["query_type", "subdomain", "query_volume", "domain"])
        #expect(dns.inputs.first { $0.name == "query_volume" }?.defaultValue == "1000")
        #expect(dns.inputs.first { $0.name == "query_volume" }?.type == "integer")
        // `default:` with nothing after it: an input without a default.
        let t1018 = try #require(report.files.last)
        #expect(t1018.templates.flatMap(\.inputs).contains { $0.defaultValue == nil })
        #expect(t1018.templates.allSatisfy { $0.techniqueID == "T1018" })
    }

    @Test func atomicExecutorsKeepCleanupAndPlatforms() throws {
        let report = importer.read(format: .atomic, files: try TemplateTestFiles.uploads(TemplateTestFiles.atomics))
        let templates = report.templates
        #expect(templates.contains { $0.executors[0].cleanup != nil })
        #expect(templates.contains { $0.executors[0].platforms.count > 1 })
        #expect(Set(templates.flatMap { $0.executors.map(\.name) }) == ["powershell", "sh", "command_prompt", "bash"])
        // `cleanup_command:` left empty is no cleanup.
        let t1652 = try #require(report.files.first { $0.name == "T1652.yaml" }?.templates.first)
        #expect(t1652.executors[0].cleanup == nil)
        // Capitalised types are lowered.
        #expect(!templates.flatMap(\.inputs).contains { $0.type != $0.type.lowercased() })
    }

    @Test func aTestWithoutAGuidGetsAnIndexedSourceIDAndAWarning() throws {
        let file = TemplateTestFiles.yaml(
            "T1000.yaml",
            """
            attack_technique: t1059.001
            display_name: PowerShell
            atomic_tests:
            - name: First
              supported_platforms: [windows]
              executor:
                name: powershell
                command: "Write-Host #{message} #{undeclared}"
              input_arguments:
                message:
                  description: what to say
                  type: String
                  default: true
            """)
        let result = try #require(importer.read(format: .atomic, files: [file]).files.first)
        #expect(result.status == .imported, "\(result.error ?? "")")
        let t = try #require(result.templates.first)
        #expect(t.techniqueID == "T1059.001")
        #expect(t.source.sourceID == "T1059.001#1")
        #expect(t.executors[0].elevationRequired == false)
        #expect(
            t.inputs == [
                Template.Input(name: "message", description: "what to say", type: "string", defaultValue: "true"),
                Template.Input(name: "undeclared", description: "", type: "string", defaultValue: nil),
            ])
        #expect(result.warnings.count == 2)
        #expect(result.warnings.contains { $0.contains("auto_generated_guid") && $0.contains("T1059.001#1") })
        #expect(result.warnings.contains { $0.contains("#{undeclared}") })
    }

    @Test func aFileWithOneBadTestImportsNothing() throws {
        let file = TemplateTestFiles.yaml(
            "T1006.yaml",
            """
            attack_technique: T1006
            display_name: Direct Volume Access
            atomic_tests:
            - name: Good one
              auto_generated_guid: 11111111-1111-1111-1111-111111111111
              supported_platforms: [linux]
              executor:
                name: sh
                command: echo ok
            - name: Broken one
              auto_generated_guid: 22222222-2222-2222-2222-222222222222
              supported_platforms: [linux]
              executor:
                name: sh
                cleanup_command: echo cleanup
            """)
        let report = importer.read(format: .atomic, files: [file, try TemplateTestFiles.atomic("T1006")])
        let bad = try #require(report.files.first)
        #expect(bad.status == .invalid)
        #expect(bad.templates.isEmpty)
        #expect(bad.imported == 0)
        let error = try #require(bad.error)
        #expect(error.contains("atomic_tests[1]"), "\(error)")
        #expect(error.contains("\"Broken one\""), "\(error)")
        #expect(error.contains("22222222-2222-2222-2222-222222222222"), "\(error)")
        #expect(error.contains("executor.command: missing"), "\(error)")
        // The good file still imports, and the bad one used no id.
        #expect(report.files.last?.status == .imported)
        #expect(report.files.last?.templates.first?.id == "tpl_1")
        #expect(ids.issued == 1)
    }

    @Test(arguments: [
        (
            "attack_technique: T1006\natomic_tests:\n- name: x\n  supported_platforms: [linux]\n  executor: {name: sh, command: [a, b]}\n",
            "executor.command: must be text, not a list"
        ),
        (
            "attack_technique: T1006\natomic_tests:\n- name: x\n  supported_platforms: []\n  executor: {name: sh, command: ls}\n",
            "supported_platforms: must not be empty"
        ),
        (
            "attack_technique: T1006\natomic_tests:\n- name: x\n  supported_platforms: [linux]\n  executor: {name: sh, command: ls, elevation_required: maybe}\n",
            "executor.elevation_required: must be true or false"
        ),
        (
            "attack_technique: T1006\natomic_tests:\n- name: x\n  supported_platforms: [linux]\n  executor: {name: sh, command: ls}\n  input_arguments:\n    p: {default: [1, 2]}\n",
            "input_arguments.p.default: must be text, a number or a boolean, not a list"
        ),
        (
            "attack_technique: T1006\natomic_tests:\n- name: x\n  supported_platforms: [linux]\n  executor: {command: ls}\n",
            "executor.name: missing"
        ),
        (
            "attack_technique: T1006\natomic_tests:\n- supported_platforms: [linux]\n  executor: {name: sh, command: ls}\n",
            "atomic_tests[0]: name: missing"
        ),
        (
            "attack_technique: T1006\natomic_tests:\n- name: a\n  auto_generated_guid: g\n  supported_platforms: [linux]\n  executor: {name: sh, command: ls}\n- name: b\n  auto_generated_guid: g\n  supported_platforms: [linux]\n  executor: {name: sh, command: ls}\n",
            "auto_generated_guid: g is also the guid of atomic_tests[0]"
        ),
        (
            "attack_technique: 'Process Injection'\natomic_tests: []\n",
            "attack_technique: \"Process Injection\" is not a technique id"
        ),
        ("attack_technique: T1006\n", "atomic_tests: missing"),
        ("attack_technique: T1006\natomic_tests: {a: 1}\n", "atomic_tests: must be a list, not a mapping"),
        ("attack_technique: T1006\natomic_tests:\n- just text\n", "atomic_tests[0]: test: must be a mapping, not text"),
        ("- id: abc\n  name: an ability\n", "Caldera abilities are imported with format caldera"),
        ("id: 01c96671\nname: Thief\natomic_ordering: [a, b]\n", "a Caldera adversary profile"),
        ("a: 1\nb: 1\na: 2\n", "duplicate key a"),
        (
            "attack_technique: T1006\natomic_tests:\n- name: x\n  supported_platforms: [linux]\n  executor: {name: sh, command: '#{x}'}\n  input_arguments:\n    'a{b': {default: 1}\n",
            "\"a{b\" is not an input name"
        ),
    ])
    func invalidAtomicFilesSayWhy(text: String, reason: String) throws {
        let result = try #require(
            importer.read(format: .atomic, files: [TemplateTestFiles.yaml("bad.yaml", text)]).files.first)
        #expect(result.status == .invalid)
        #expect(result.templates.isEmpty)
        #expect(result.error?.contains(reason) == true, "\(result.error ?? "nil")")
    }

    @Test func anEmptyTestListIsSkipped() throws {
        let result = try #require(
            importer.read(
                format: .atomic,
                files: [TemplateTestFiles.yaml("T1006.yaml", "attack_technique: T1006\natomic_tests: []\n")]
            ).files.first)
        #expect(result.status == .skipped)
        #expect(result.error == nil)
        #expect(result.skipped.first?.reason.contains("no atomic tests") == true)
    }

    @Test func aManualTestIsSkippedButANonManualOneWithoutCommandIsNot() throws {
        let manual = TemplateTestFiles.yaml(
            "T1647.yaml",
            """
            attack_technique: T1647
            atomic_tests:
            - name: Plist Modification
              auto_generated_guid: 394a538e-09bb-4a4a-95d1-b93cf12682a8
              supported_platforms: [macos]
              executor:
                name: manual
                steps: |
                  1. Modify a .plist
            - name: Runnable
              auto_generated_guid: 494a538e-09bb-4a4a-95d1-b93cf12682a8
              supported_platforms: [macos]
              executor:
                name: sh
                command: defaults read
            """)
        let result = try #require(importer.read(format: .atomic, files: [manual]).files.first)
        #expect(result.status == .imported)
        #expect(result.templates.map(\.name) == ["Runnable"])
        #expect(
            result.skipped == [
                .init(
                    entry: "atomic_tests[0] \"Plist Modification\" (394a538e-09bb-4a4a-95d1-b93cf12682a8)",
                    reason: "manual executor: steps for a person to follow, no command to run")
            ])
    }

    // MARK: Caldera

    @Test func everyRealCalderaAbilityFileImports() throws {
        let urls = TemplateTestFiles.abilities
        #expect(urls.count == 69)
        let report = importer.read(format: .caldera, files: try TemplateTestFiles.uploads(urls))
        let invalid = report.files.filter { $0.status == .invalid }
        #expect(invalid.isEmpty, "\(invalid.map { "\($0.name): \($0.error ?? "")" })")
        #expect(report.totals.templates == 68)
        #expect(report.templates.reduce(0) { $0 + $1.executors.count } == 118)
        // "Delete payload" only cleans up: nothing to run.
        let skipped = try #require(report.files.first { $0.status == .skipped })
        #expect(skipped.name == "4cd4eb44-29a7-4259-91ae-e457b283a880.yml")
        #expect(skipped.skipped.first?.reason.contains("cleanup-only") == true)
        #expect(report.totals.skippedEntries == 1)
        #expect(report.templates.allSatisfy { $0.source.format == .caldera && $0.source.sourceID != nil })
        #expect(report.templates.allSatisfy { $0.source.file == "\($0.source.sourceID ?? "").yml" })
        #expect(
            report.templates.allSatisfy { t in t.inputs.allSatisfy { $0.type == "fact" && $0.defaultValue == nil } })
        #expect(report.templates.allSatisfy { t in t.executors.allSatisfy { $0.platforms.count == 1 } })
        #expect(Set(report.templates.flatMap { $0.executors.flatMap(\.platforms) }) == ["windows", "linux", "darwin"])
    }

    @Test func aMultiPlatformAbility() throws {
        let report = importer.read(
            format: .caldera,
            files: [try TemplateTestFiles.ability("collection", "300157e5-f4ad-4569-b533-9d1fa0e74d74")])
        let t = try #require(report.templates.first)
        #expect(t.source.sourceID == "300157e5-f4ad-4569-b533-9d1fa0e74d74")
        #expect(t.techniqueID == "T1560.001")
        #expect(t.name == "Compress staged directory")
        #expect(t.description == "Compress a directory on the file system")
        // `psh,pwsh` is two executors with the same command.
        #expect(
            t.executors.map { "\($0.platforms[0])/\($0.name)" } == [
                "darwin/sh", "linux/sh", "windows/psh", "windows/pwsh",
            ])
        let sh = t.executors[0]
        #expect(
            sh.command == "tar -P -zcf #{host.dir.staged}.tar.gz #{host.dir.staged} && echo #{host.dir.staged}.tar.gz")
        #expect(sh.cleanup == "rm #{host.dir.staged}.tar.gz")
        #expect(!sh.elevationRequired)
        #expect(t.executors[2].command == t.executors[3].command)
        #expect(t.executors[2].command.contains("Compress-Archive"))
        #expect(t.inputs == [Template.Input(name: "host.dir.staged", description: "", type: "fact", defaultValue: nil)])
    }

    @Test func theExecutorsLayoutAndFilteredFacts() throws {
        let report = importer.read(
            format: .caldera,
            files: [
                try TemplateTestFiles.ability("defense-evasion", "0d2f63ff-6b77-46b3-83e5-080e445fa651"),
                try TemplateTestFiles.ability("defense-evasion", "e52e7918-ce55-4451-ac19-713a52487ae8"),
            ])
        #expect(report.files.allSatisfy { $0.status == .imported })
        // `technique_id: ' T1564.001'`, executors as a list, `cleanup: []`.
        let hide = try #require(report.files.first?.templates.first)
        #expect(hide.techniqueID == "T1564.001")
        #expect(
            hide.executors == [
                Template.Executor(platforms: ["windows"], name: "psh", command: "attrib +h \"#{location}\"")
            ])
        #expect(hide.inputs.map(\.name) == ["location"])
        // A cleanup list becomes text.
        let bits = try #require(report.files.last?.templates.first)
        #expect(bits.executors.first?.cleanup == "bitsadmin /cancel update")

        // `#{host.file.path[filters(...)]}` is the fact host.file.path.
        let all = importer.read(format: .caldera, files: try TemplateTestFiles.uploads(TemplateTestFiles.abilities))
            .templates
        let filtered = try #require(
            all.first { $0.executors.contains { $0.command.contains("host.file.path[filters(") } })
        #expect(filtered.inputs.map(\.name).contains("host.file.path"))
        #expect(!filtered.inputs.contains { $0.name.contains("[") })
    }

    @Test func calderaVariations() throws {
        let file = TemplateTestFiles.yaml(
            "mixed.yml",
            """
            - id: no-technique
              name: Helper
              platforms: {linux: {sh: {command: whoami}}}
            - id: elevated
              name: Needs root
              description: "  spaced  "
              technique: {attack_id: t1003.008, name: Shadow}
              privilege: Elevated
              platforms:
                linux,darwin:
                  sh:
                    command: |
                      cat /etc/shadow > #{out.file}

                    cleanup:
                      - "rm #{out.file}"
                      - null
                      - echo done
                windows:
                  psh:
                    cleanup: Remove-Item x
                  cmd:
                    command: type #{out.file}
            """)
        let result = try #require(importer.read(format: .caldera, files: [file]).files.first)
        #expect(result.status == .imported, "\(result.error ?? "")")
        #expect(result.skipped.map(\.entry) == ["abilities[0] no-technique \"Helper\""])
        #expect(result.skipped.first?.reason.contains("no ATT&CK technique") == true)
        let t = try #require(result.templates.first)
        #expect(result.templates.count == 1)
        #expect(t.techniqueID == "T1003.008")
        #expect(t.description == "spaced")
        #expect(t.executors.map { "\($0.platforms[0])/\($0.name)" } == ["linux/sh", "darwin/sh", "windows/cmd"])
        #expect(t.executors.allSatisfy { $0.elevationRequired })
        #expect(t.executors[0].command == "cat /etc/shadow > #{out.file}")
        #expect(t.executors[0].cleanup == "rm #{out.file}\necho done")
        #expect(t.inputs.map(\.name) == ["out.file"])
        #expect(
            result.warnings == ["abilities[1] elevated \"Needs root\": platforms.windows.psh has no command: left out"])
    }

    @Test(arguments: [
        (
            "- id: a\n  name: A\n  technique: {attack_id: Credential Dumping}\n  platforms: {linux: {sh: {command: id}}}\n",
            "abilities[0] a \"A\": technique.attack_id: \"Credential Dumping\" is not a technique id"
        ),
        ("- id: a\n  name: A\n  technique: {attack_id: T1003}\n", "platforms: missing"),
        (
            "- id: a\n  name: A\n  technique: {attack_id: T1003}\n  platforms: {linux: {sh: {command: {x: 1}}}}\n",
            "platforms.linux.sh.command: must be text, not a mapping"
        ),
        (
            "- id: a\n  name: A\n  technique: {attack_id: T1003}\n  platforms: {linux: [sh]}\n",
            "platforms.linux: must be a mapping of executors"
        ),
        (
            "- id: a\n  name: A\n  technique: {attack_id: T1003}\n  platforms: {linux: {sh: {command: id}}}\n- id: a\n  name: B\n  technique: {attack_id: T1003}\n  platforms: {linux: {sh: {command: id}}}\n",
            "abilities[1] a \"B\": id: a is also the id of abilities[0]"
        ),
        (
            "- name: A\n  technique: {attack_id: T1003}\n  platforms: {linux: {sh: {command: id}}}\n",
            "abilities[0] \"A\": id: missing"
        ),
        ("- 42\n", "abilities[0]: ability: must be a mapping, not text"),
        ("attack_technique: T1006\natomic_tests: []\n", "import it with format atomic"),
        ("hello: world\n", "neither a list of Caldera abilities nor an adversary profile"),
    ])
    func invalidCalderaFilesSayWhy(text: String, reason: String) throws {
        let result = try #require(
            importer.read(format: .caldera, files: [TemplateTestFiles.yaml("bad.yml", text)]).files.first)
        #expect(result.status == .invalid)
        #expect(result.error?.contains(reason) == true, "\(result.error ?? "nil")")
    }

    @Test func adversaryProfilesAreSkippedNotImported() throws {
        let urls = TemplateTestFiles.adversaries
        #expect(urls.count == 9)
        let report = importer.read(format: .caldera, files: try TemplateTestFiles.uploads(urls))
        #expect(report.files.allSatisfy { $0.status == .skipped && $0.error == nil && $0.templates.isEmpty })
        #expect(report.files.allSatisfy { $0.skipped.count == 1 && $0.skipped[0].reason.contains("adversary profile") })
        #expect(
            report.files.first?.skipped.first?.entry
                == "adversary 01c96671-afd3-47d4-8d31-8c116cc0221a \"Advanced Thief via DropBox\"")
        // Uploaded as Atomic files, they are invalid, with a reason.
        let asAtomic = importer.read(format: .atomic, files: try TemplateTestFiles.uploads(urls))
        #expect(asAtomic.files.allSatisfy { $0.status == .invalid && $0.error?.contains("adversary profile") == true })
        #expect(ids.issued == 0)
    }

    @Test func filesOfTheOtherFormatAreInvalid() throws {
        let atomicAsCaldera = importer.read(format: .caldera, files: [try TemplateTestFiles.atomic("T1006")])
        #expect(atomicAsCaldera.files.first?.error?.contains("import it with format atomic") == true)
        let calderaAsAtomic = importer.read(
            format: .atomic,
            files: [try TemplateTestFiles.ability("collection", "300157e5-f4ad-4569-b533-9d1fa0e74d74")])
        #expect(calderaAsAtomic.files.first?.error?.contains("format caldera") == true)
        let manual = importer.read(format: .manual, files: [try TemplateTestFiles.atomic("T1006")])
        #expect(manual.files.first?.status == .invalid)
        #expect(manual.files.first?.error?.contains("manual templates") == true)
    }

    @Test func theSameEntryInTwoFilesIsFlagged() throws {
        let t1006 = try TemplateTestFiles.atomic("T1006")
        let report = importer.read(
            format: .atomic, files: [t1006, UploadedFile(name: "copy.yaml", content: t1006.content)])
        #expect(report.files.map(\.status) == [.imported, .imported])
        #expect(report.files[0].warnings.isEmpty)
        #expect(
            report.files[1].warnings == [
                "88f6327e-51ec-4bbf-b2e8-3fea534eab8b is also in T1006.yaml: the later one wins"
            ])
    }

    // MARK: Hostile and broken input

    @Test func aMalformedFileAmongGoodOnes() throws {
        let files = [
            try TemplateTestFiles.atomic("T1006"),
            TemplateTestFiles.yaml("broken.yaml", "attack_technique: T1006\natomic_tests:\n  - name: [unclosed\n"),
            try TemplateTestFiles.atomic("T1003.003"),
        ]
        let report = importer.read(format: .atomic, files: files)
        #expect(report.files.map(\.status) == [.imported, .invalid, .imported])
        #expect(report.files.map(\.name) == ["T1006.yaml", "broken.yaml", "T1003.003.yaml"])
        #expect(report.files[1].error?.hasPrefix("not valid YAML: line 4") == true, "\(report.files[1].error ?? "")")
        #expect(report.totals.invalidFiles == 1)
        #expect(report.totals.templates == report.files[0].imported + report.files[2].imported)
    }

    @Test(arguments: [
        (Data(), "empty file"),
        (Data("  \n# only a comment\n".utf8), "empty: the file holds no YAML document"),
        (Data("---\n".utf8), "empty: the file holds no YAML document"),
        (Data([0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00]), "not UTF-8 text"),
        (Data([0x61, 0x3A, 0x20, 0xC3, 0x28]), "not UTF-8 text"),
        (Data("%PDF-1.7\n\u{0}\u{1}binary".utf8), "not valid YAML"),
        (Data("key: [unclosed\n".utf8), "not valid YAML: line 2"),
        (Data("a: b: c\n".utf8), "not valid YAML: line 1"),
        (Data("{\"json\": true, ".utf8), "not valid YAML"),
        (Data("just some words, no YAML structure at all".utf8), "the document is a single text value"),
        (Data("a: *nowhere\n".utf8), "not valid YAML"),
        (Data("--- a\n--- b\n".utf8), "not valid YAML"),
    ])
    func unreadableFilesAreInvalid(content: Data, reason: String) throws {
        for format in [Template.Source.Format.atomic, .caldera] {
            let result = try #require(
                importer.read(format: format, files: [UploadedFile(name: "x.yaml", content: content)]).files.first)
            #expect(result.status == .invalid)
            #expect(result.error?.contains(reason) == true, "\(format): \(result.error ?? "nil")")
        }
    }

    @Test func aFileOver2MiBIsRefusedUnread() throws {
        let big = Data(repeating: UInt8(ascii: "#"), count: TemplateImporter.maxFileBytes + 1)
        let result = try #require(
            importer.read(format: .atomic, files: [UploadedFile(name: "big.yaml", content: big)]).files.first)
        #expect(result.status == .invalid)
        #expect(result.error == "larger than 2 MiB (2097153 bytes)")
        // Exactly 2 MiB is read (and is only a comment).
        let limit = Data(repeating: UInt8(ascii: "#"), count: TemplateImporter.maxFileBytes)
        let read = importer.read(format: .atomic, files: [UploadedFile(name: "limit.yaml", content: limit)])
        #expect(read.files.first?.error?.contains("empty") == true)
    }

    /// Ten levels of ten aliases: 10^10 strings once expanded.
    static let billionLaughs: String = {
        var lines = ["a0: &a0 \"lol\""]
        for i in 1...10 {
            let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(i): &a\(i) [\(refs)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            // Under a key no reader looks at.
            billionLaughs + "attack_technique: T1006\natomic_tests: []\n",
            // Where the readers do look.
            billionLaughs + "attack_technique: T1006\natomic_tests: *a10\n",
            billionLaughs
                + "attack_technique: T1006\natomic_tests:\n- name: x\n  supported_platforms: *a10\n  executor: {name: sh, command: ls}\n",
            billionLaughs + "- *a10\n",
            // As a mapping key, which Yams would hash while composing.
            billionLaughs + "? *a10\n: boom\n",
            // Doubling, with the alias as an implicit key.
            (0..<60).map { $0 == 0 ? "- &x0 [lol, lol]" : "- &x\($0) [*x\($0 - 1), *x\($0 - 1)]" }.joined(
                separator: "\n")
                + "\n- {*x59 : boom}\n",
        ])
    func billionLaughsIsRefusedQuickly(text: String) throws {
        let started = ContinuousClock.now
        for format in [Template.Source.Format.atomic, .caldera] {
            let result = try #require(
                importer.read(format: format, files: [TemplateTestFiles.yaml("lol.yaml", text)]).files.first)
            #expect(result.status == .invalid)
            #expect(
                result.error?.contains("YAML too large: more than 1000000 nodes") == true, "\(result.error ?? "nil")")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aFewAliasesAreFine() throws {
        let text = """
            attack_technique: T1006
            atomic_tests:
            - name: a
              auto_generated_guid: g1
              supported_platforms: &platforms [linux, macos]
              executor: &run {name: sh, command: id}
            - name: b
              auto_generated_guid: g2
              supported_platforms: *platforms
              executor: *run
            """
        let result = try #require(
            importer.read(format: .atomic, files: [TemplateTestFiles.yaml("ok.yaml", text)]).files.first)
        #expect(result.status == .imported, "\(result.error ?? "")")
        #expect(result.templates.map { $0.executors[0].platforms } == [["linux", "macos"], ["linux", "macos"]])
    }

    @Test func windowsLineEndingsAndAByteOrderMarkReadTheSame() throws {
        let original = try TemplateTestFiles.atomic("T1006")
        let text = String(decoding: original.content, as: UTF8.self)
        let crlf = Data(("\u{FEFF}" + text.replacingOccurrences(of: "\n", with: "\r\n")).utf8)
        let report = importer.read(format: .atomic, files: [original, UploadedFile(name: "T1006.yaml", content: crlf)])
        #expect(report.files.map(\.status) == [.imported, .imported])
        var (a, b) = (try #require(report.files[0].templates.first), try #require(report.files[1].templates.first))
        (a.id, b.id) = ("", "")
        #expect(a == b)
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            String(repeating: "[", count: 100_000),
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            (0..<200).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n",
        ])
    func deepNestingIsRefused(text: String) throws {
        let result = try #require(
            importer.read(format: .atomic, files: [TemplateTestFiles.yaml("deep.yaml", text)]).files.first)
        #expect(result.status == .invalid)
        #expect(result.error?.contains("nested deeper than 64 levels") == true, "\(result.error ?? "nil")")
    }

    @Test func garbageNeverCrashes() throws {
        var generator = SeededBytes(seed: 42)
        let real = try TemplateTestFiles.atomic("T1003.003").content
        for round in 0..<200 {
            var bytes = [UInt8](real)
            // Truncate and flip a few bytes.
            bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count + 1))))
            for _ in 0..<(round % 8) where !bytes.isEmpty {
                bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
            }
            for format in [Template.Source.Format.atomic, .caldera] {
                let result = try #require(
                    importer.read(format: format, files: [UploadedFile(name: "f", content: Data(bytes))]).files.first)
                #expect(
                    result.status == .invalid ? result.error != nil && result.templates.isEmpty : result.error == nil)
            }
        }
    }

    // MARK: Report

    @Test func theReportOnTheWire() throws {
        let report = importer.read(
            format: .atomic,
            files: [
                try TemplateTestFiles.atomic("T1006"), try TemplateTestFiles.atomic("T1647"),
                TemplateTestFiles.yaml("bad.yaml", "["),
            ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any])
        let totals = try #require(json["totals"] as? [String: Int])
        #expect(
            totals == [
                "files": 3, "imported_files": 1, "invalid_files": 1, "skipped_files": 1, "templates": 1,
                "skipped_entries": 1,
            ])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.map { $0["status"] as? String } == ["imported", "skipped", "invalid"])
        #expect(files[0]["imported"] as? Int == 1)
        #expect(files[0]["error"] == nil)
        let summary = try #require((files[0]["templates"] as? [[String: String]])?.first)
        #expect(
            summary == [
                "source_id": "88f6327e-51ec-4bbf-b2e8-3fea534eab8b", "technique_id": "T1006",
                "name": "Read volume boot sector via DOS device path (PowerShell)",
            ])
        let skipped = try #require((files[1]["skipped"] as? [[String: String]])?.first)
        #expect(skipped["entry"]?.hasPrefix("atomic_tests[0] \"Plist Modification\"") == true)
        #expect(files[2]["error"] as? String != nil)
        #expect(files[2]["templates"] as? [Any] != nil)
    }

    /// A small deterministic generator (SplitMix64) for the garbage test.
    private struct SeededBytes {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
