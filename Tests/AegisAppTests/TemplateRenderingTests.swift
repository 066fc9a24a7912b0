import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@Suite struct TemplateRenderingTests {
    static let date = Date(timeIntervalSince1970: 0)

    static func template(
        executors: [Template.Executor], inputs: [Template.Input] = [], format: Template.Source.Format = .manual
    ) -> Template {
        Template(
            id: "tpl_test", source: .init(format: format), techniqueID: "T1059", name: "test", executors: executors,
            inputs: inputs, createdAt: date, updatedAt: date)
    }

    static let copy = template(
        executors: [
            Template.Executor(
                platforms: ["linux", "macos"], name: "sh", command: "cp #{source} #{target} && echo #{source}",
                cleanup: "rm #{target}")
        ],
        inputs: [
            Template.Input(name: "source", defaultValue: "/etc/passwd"),
            Template.Input(name: "target"),
            Template.Input(name: "unused"),
        ])

    // MARK: render

    @Test func defaultsAndGivenValues() throws {
        let e = Self.copy.executors[0]
        let rendered = try TemplateRendering.render(Self.copy, executor: e, inputs: ["target": "/tmp/x"])
        #expect(rendered.command == "cp /etc/passwd /tmp/x && echo /etc/passwd")
        #expect(rendered.cleanup == "rm /tmp/x")
        let given = try TemplateRendering.render(Self.copy, executor: e, inputs: ["source": "a b", "target": ""])
        #expect(given.command == "cp a b  && echo a b")
        #expect(given.cleanup == "rm ")
    }

    @Test func anUnknownInputIsRefused() {
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.render(
                Self.copy, executor: Self.copy.executors[0], inputs: ["target": "x", "tagret": "y"])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == "inputs.tagret")
        #expect(error?.message.contains("source, target, unused") == true, "\(error?.message ?? "")")
    }

    @Test func aPlaceholderWithoutValueOrDefaultIsRequired() {
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.render(Self.copy, executor: Self.copy.executors[0], inputs: [:])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == "inputs.target")
        #expect(error?.message.contains("required") == true)
    }

    /// Many placeholders times a long value would make a command no reply
    /// can carry (and no memory hold): refused as soon as it grows too long.
    @Test func aRenderedCommandIsAsLongAsATestsCommandAtMost() throws {
        let t = Self.template(
            executors: [Template.Executor(platforms: ["linux"], name: "sh", command: String(repeating: "#{x} ", count: 20_000))],
            inputs: [Template.Input(name: "x")])
        let fits = try TemplateRendering.render(t, executor: t.executors[0], inputs: ["x": "ab"], maxLength: 60_000)
        #expect(fits.command.count == 60_000)
        for value in ["abc", String(repeating: "é", count: 1_000_000)] {
            let error = #expect(throws: AegisError.self) {
                try TemplateRendering.render(t, executor: t.executors[0], inputs: ["x": value], maxLength: 60_000)
            }
            #expect(error?.details["field"] == "inputs")
        }
        #expect(TestCase.maxCommandLength == 100_000)
    }

    @Test func anInputTheCommandDoesNotUseIsNotRequired() throws {
        // `unused` has no default and is not given: fine.
        _ = try TemplateRendering.render(Self.copy, executor: Self.copy.executors[0], inputs: ["target": "t"])
    }

    @Test func anUndeclaredPlaceholderIsRequired() {
        let t = Self.template(executors: [Template.Executor(platforms: ["linux"], name: "sh", command: "echo #{ghost}")]
        )
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.render(t, executor: t.executors[0], inputs: [:])
        }
        #expect(error?.details["field"] == "inputs.ghost")
        // ...and cannot be given, since it is not an input.
        let unknown = #expect(throws: AegisError.self) {
            try TemplateRendering.render(t, executor: t.executors[0], inputs: ["ghost": "boo"])
        }
        #expect(unknown?.details["field"] == "inputs.ghost")
    }

    @Test func aPlaceholderInTheCleanupIsRequiredToo() {
        let t = Self.template(
            executors: [
                Template.Executor(platforms: ["linux"], name: "sh", command: "touch /tmp/a", cleanup: "rm #{file}")
            ],
            inputs: [Template.Input(name: "file")])
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.render(t, executor: t.executors[0], inputs: [:])
        }
        #expect(error?.details["field"] == "inputs.file")
    }

    @Test func valuesAreInsertedOnceNeverExpandedAgain() throws {
        let rendered = try TemplateRendering.render(
            Self.copy, executor: Self.copy.executors[0], inputs: ["source": "#{target}", "target": "#{source}"])
        #expect(rendered.command == "cp #{target} #{source} && echo #{target}")
    }

    @Test func calderaFactsAreInputs() throws {
        let t = Self.template(
            executors: [
                Template.Executor(
                    platforms: ["darwin"], name: "sh",
                    command: "cat #{host.file.path[filters(technique=T1005,max=3)]} > #{host.dir.staged}")
            ],
            inputs: [
                Template.Input(name: "host.file.path", type: "fact"),
                Template.Input(name: "host.dir.staged", type: "fact"),
            ],
            format: .caldera)
        let rendered = try TemplateRendering.render(
            t, executor: t.executors[0], inputs: ["host.file.path": "/etc/hosts", "host.dir.staged": "/tmp/s"])
        #expect(rendered.command == "cat /etc/hosts > /tmp/s")
        #expect(rendered.cleanup == nil)
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.render(t, executor: t.executors[0], inputs: ["host.dir.staged": "/tmp/s"])
        }
        #expect(error?.details["field"] == "inputs.host.file.path")
    }

    @Test(arguments: [
        "echo #{} done", "echo #{ } done", "echo #{ unclosed", "function f #{\n x }", "echo # {spaced}", "#{a{b}",
        "PowerShell @{Key = 'v'} and ${env:x}",
    ])
    func textThatIsNotAPlaceholderStays(command: String) throws {
        let t = Self.template(executors: [Template.Executor(platforms: ["linux"], name: "sh", command: command)])
        #expect(try TemplateRendering.render(t, executor: t.executors[0], inputs: [:]).command == command)
        #expect(TemplateRendering.placeholderNames(in: command).isEmpty)
    }

    @Test func placeholderNames() {
        #expect(TemplateRendering.placeholderNames(in: "#{a} #{b[filters(max=1)]} #{a} #{ c }") == ["a", "b", "c"])
        #expect(TemplateRendering.placeholderNames(in: "#{a{b} #{c}") == ["c"])
    }

    @Test(.timeLimit(.minutes(1))) func scanningIsLinear() throws {
        let started = ContinuousClock.now
        let nested = String(repeating: "#{a", count: 300_000) + "}"
        #expect(TemplateRendering.placeholderNames(in: nested) == ["a"])
        let unclosed = String(repeating: "#{" + String(repeating: "x", count: 300), count: 5_000) + "}"
        #expect(TemplateRendering.placeholderNames(in: unclosed).isEmpty)
        let many = String(repeating: "#{v} ", count: 20_000)
        let t = Self.template(
            executors: [Template.Executor(platforms: ["linux"], name: "sh", command: many)],
            inputs: [Template.Input(name: "v", defaultValue: "é")])
        #expect(
            try TemplateRendering.render(t, executor: t.executors[0], inputs: [:]).command
                == String(repeating: "é ", count: 20_000))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func unicodeAroundPlaceholders() throws {
        let t = Self.template(
            executors: [Template.Executor(platforms: ["linux"], name: "sh", command: "échô #{näme}🙂#{näme}\u{301}")],
            inputs: [Template.Input(name: "näme", defaultValue: "ü")])
        #expect(try TemplateRendering.render(t, executor: t.executors[0], inputs: [:]).command == "échô ü🙂ü\u{301}")
    }

    // MARK: executor

    static let multi = template(executors: [
        Template.Executor(platforms: ["windows"], name: "psh", command: "1"),
        Template.Executor(platforms: ["windows"], name: "cmd", command: "2"),
        Template.Executor(platforms: ["darwin"], name: "sh", command: "3"),
        Template.Executor(platforms: ["Linux", "macOS"], name: "bash", command: "4"),
    ])

    @Test(
        arguments: [
            (nil, nil, "1"), ("", "", "1"), ("windows", nil, "1"), ("WINDOWS", "CMD", "2"), ("windows", "cmd", "2"),
            ("macos", nil, "3"), ("darwin", "bash", "4"), ("MacOS", "bash", "4"), ("linux", nil, "4"), (nil, "sh", "3"),
            (" linux ", " bash ", "4"),
        ] as [(String?, String?, String)])
    func choosesTheFirstMatchingExecutor(platform: String?, name: String?, command: String) throws {
        #expect(try TemplateRendering.executor(for: Self.multi, platform: platform, name: name).command == command)
    }

    @Test func noExecutorForThePlatform() {
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.executor(for: Self.multi, platform: "android", name: nil)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == "platform")
        #expect(error?.message.contains("windows, macos, linux") == true, "\(error?.message ?? "")")
    }

    @Test func noExecutorOfThatNameOnThePlatform() {
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.executor(for: Self.multi, platform: "windows", name: "bash")
        }
        #expect(error?.details["field"] == "executor")
        #expect(error?.message.contains("psh, cmd") == true, "\(error?.message ?? "")")
        let anywhere = #expect(throws: AegisError.self) {
            try TemplateRendering.executor(for: Self.multi, platform: nil, name: "zsh")
        }
        #expect(anywhere?.details["field"] == "executor")
    }

    @Test func aTemplateWithoutExecutors() {
        let error = #expect(throws: AegisError.self) {
            try TemplateRendering.executor(for: Self.template(executors: []), platform: nil, name: nil)
        }
        #expect(error?.details["field"] == "executor")
    }

    // MARK: Imported templates

    @Test func rendersImportedTemplates() throws {
        let importer = TemplateImporter(now: Self.date, newID: { "tpl_x" })
        let atomic = try #require(
            importer.read(format: .atomic, files: [try TemplateTestFiles.atomic("T1006")]).templates.first)
        let ps = try TemplateRendering.executor(for: atomic, platform: "Windows", name: "powershell")
        let rendered = try TemplateRendering.render(atomic, executor: ps, inputs: [:])
        #expect(rendered.command.contains("\"\\\\.\\C:\""))
        #expect(!rendered.command.contains("#{"))
        #expect(
            try TemplateRendering.render(atomic, executor: ps, inputs: ["volume": "D:"]).command.contains("\\\\.\\D:"))

        let caldera = try #require(
            importer.read(
                format: .caldera,
                files: [try TemplateTestFiles.ability("collection", "300157e5-f4ad-4569-b533-9d1fa0e74d74")]
            ).templates.first)
        // Atomic's `macos` finds Caldera's `darwin`.
        let sh = try TemplateRendering.executor(for: caldera, platform: "macos", name: nil)
        #expect(sh.platforms == ["darwin"])
        let pwsh = try TemplateRendering.executor(for: caldera, platform: "windows", name: "pwsh")
        #expect(pwsh.name == "pwsh")
        let required = #expect(throws: AegisError.self) {
            try TemplateRendering.render(caldera, executor: sh, inputs: [:])
        }
        #expect(required?.details["field"] == "inputs.host.dir.staged")
        let done = try TemplateRendering.render(caldera, executor: sh, inputs: ["host.dir.staged": "/tmp/s"])
        #expect(done.command == "tar -P -zcf /tmp/s.tar.gz /tmp/s && echo /tmp/s.tar.gz")
        #expect(done.cleanup == "rm /tmp/s.tar.gz")
    }

    @Test func everyRealAtomicTemplateRendersWithItsDefaultsWhereItHasThem() throws {
        let importer = TemplateImporter(now: Self.date, newID: { "tpl_x" })
        let templates = importer.read(format: .atomic, files: try TemplateTestFiles.uploads(TemplateTestFiles.atomics))
            .templates
        var rendered = 0
        for t in templates where t.inputs.allSatisfy({ $0.defaultValue != nil }) {
            let r = try TemplateRendering.render(t, executor: t.executors[0], inputs: [:])
            #expect(TemplateRendering.placeholderNames(in: r.command).isEmpty, "\(t.name)")
            rendered += 1
        }
        #expect(rendered > 400)
    }
}
