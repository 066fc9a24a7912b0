import AegisApp
import AegisDomain
import CalderaTestSupport
import Foundation
import Testing

@testable import AegisCaldera

/// Abilities recorded from Caldera become files the existing Caldera
/// template importer reads, one template per ability, keyed by its id.
@Suite struct AbilityTemplateFileTests {
    static func abilities() throws -> [CalderaAbility] {
        try JSONDecoder().decode([CalderaAbility].self, from: Recordings().named("abilities").body)
    }

    static func read(_ file: AbilityTemplateFile) -> TemplateImportReport.FileResult {
        TemplateImporter(now: Date(), newID: { "tpl_x" }).read(
            format: .caldera, file: UploadedFile(name: file.name, content: file.content))
    }

    @Test func everyRecordedAbilityWithACommandImportsAsOneTemplate() throws {
        let abilities = try Self.abilities()
        var imported = 0
        for ability in abilities {
            switch AbilityTemplateFile.make(ability) {
            case .success(let file):
                let result = Self.read(file)
                #expect(result.status == .imported, "\(ability.abilityID): \(result.error ?? "")")
                let template = try #require(result.templates.first)
                #expect(result.templates.count == 1)
                #expect(template.source.sourceID == ability.abilityID)
                #expect(template.techniqueID == ability.techniqueID)
                #expect(template.name == ability.name.trimmingCharacters(in: .whitespacesAndNewlines))
                imported += 1
            case .failure(let skipped):
                // Stockpile has code-only abilities, and one filed under a tactic (TA0007).
                let known = ["no executor has a command to run", "technique TA0007 is not an ATT&CK technique id"]
                #expect(known.contains(skipped.reason), "\(skipped)")
            }
        }
        #expect(imported >= abilities.count - 8)
    }

    @Test func theRecordedEchoAbilityKeepsItsCommandExactly() throws {
        let echo = try #require(try Self.abilities().first { $0.abilityID == "aegis-rec-true" })
        let file = try AbilityTemplateFile.make(echo).get()
        #expect(file.name == "aegis-rec-true.yml")
        let template = try #require(Self.read(file).templates.first)
        // `true` stays the text "true", not a YAML boolean.
        #expect(template.executors.map(\.command) == ["true"])
        #expect(template.executors.first?.platforms == ["linux"])
        #expect(template.executors.first?.name == "sh")
    }

    @Test func theSameAbilityGivesTheSameFile() throws {
        let ability = try #require(try Self.abilities().first { $0.abilityID == "aegis-rec-echo" })
        #expect(try AbilityTemplateFile.make(ability).get() == AbilityTemplateFile.make(ability).get())
    }

    @Test func awkwardTextSurvivesTheRoundTrip() throws {
        let ability = CalderaAbility(
            abilityID: "odd-1", name: "  Quotes \"and\" colons: #{fact} ", description: "line 1\nline 2 — é\t",
            techniqueID: "t1059.001",
            executors: [
                CalderaExecutor(
                    name: "psh", platform: "windows", command: "Write-Host 'a: b' # c\n\"d\"", cleanup: ["rm x", " "]),
                CalderaExecutor(name: "sh", platform: "linux", command: nil),
            ], privilege: "Elevated")
        let template = try #require(Self.read(try AbilityTemplateFile.make(ability).get()).templates.first)
        #expect(template.name == "Quotes \"and\" colons: #{fact}")
        #expect(template.techniqueID == "T1059.001")
        #expect(template.description == "line 1\nline 2 — é")
        #expect(template.executors.count == 1)
        #expect(template.executors.first?.command == "Write-Host 'a: b' # c\n\"d\"")
        #expect(template.executors.first?.cleanup == "rm x")
        #expect(template.executors.first?.elevationRequired == true)
    }

    @Test(arguments: [
        ("", "no ATT&CK technique: a template belongs to a technique"),
        ("TA0002", "technique TA0002 is not an ATT&CK technique id"),
        ("T12", "technique T12 is not an ATT&CK technique id"),
    ])
    func abilitiesWithoutAUsableTechniqueAreSkipped(_ technique: String, _ reason: String) {
        let ability = CalderaAbility(
            abilityID: "a1", name: "n", techniqueID: technique,
            executors: [CalderaExecutor(name: "sh", platform: "linux", command: "echo")])
        #expect(AbilityTemplateFile.make(ability) == .failure(.init(abilityID: "a1", reason: reason)))
    }

    @Test func abilitiesOverTheTemplateLimitsAreSkipped() {
        let long = CalderaAbility(
            abilityID: "a1", name: String(repeating: "n", count: 201), techniqueID: "T1059",
            executors: [CalderaExecutor(name: "sh", platform: "linux", command: "echo")])
        #expect(AbilityTemplateFile.make(long) == .failure(.init(abilityID: "a1", reason: "the name is empty or longer than 200 characters")))
        let badID = CalderaAbility(
            abilityID: "../a", name: "n", techniqueID: "T1059",
            executors: [CalderaExecutor(name: "sh", platform: "linux", command: "echo")])
        guard case .failure = AbilityTemplateFile.make(badID) else { Issue.record("a path-like id made a file"); return }
    }
}
