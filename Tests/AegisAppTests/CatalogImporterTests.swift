import AegisApp
import AegisDomain
import Foundation
import Testing
import AegisTestSupport

@Suite struct CatalogImporterTests {
    let importer = CatalogImporter(crypto: TestCrypto())

    @Test func readsTheICSBundle() throws {
        let bundles = try importer.bundles(from: [try TestData.file(TestData.icsBundle)])
        #expect(bundles.count == 1)
        let ics = try #require(bundles.first)
        #expect(ics.domain == "ics-attack")
        #expect(ics.version == "18.1")
        #expect(ics.source.format == .stixBundle)
        #expect(ics.tactics.count == 12)
        #expect(ics.tactics.map(\.order) == Array(1...12))
        #expect(ics.tactics.first?.shortname == "initial-access")
        #expect(ics.techniques.count == 95)
        let t0803 = try #require(ics.techniques.first { $0.id == "T0803" })
        #expect(t0803.name == "Block Command Message")
        #expect(t0803.tactics == ["inhibit-response-function"])
        #expect(!t0803.mitigationIDs.isEmpty)
        #expect(!t0803.detectionStrategyIDs.isEmpty)
        #expect(t0803.url == "https://attack.mitre.org/techniques/T0803")
        // Groups and campaigns with the techniques they use.
        let dragonfly = try #require(ics.actors.first { $0.id == "G0035" })
        #expect(dragonfly.kind == .group)
        #expect(dragonfly.aliases.contains("Berserk Bear"))
        #expect(!dragonfly.techniqueIDs.isEmpty)
        #expect(ics.actors.contains { $0.kind == .campaign && $0.id == "C0028" })
        // Revoked groups record their successor.
        #expect(ics.actors.contains { $0.revoked && $0.revokedBy != nil })
        // Deprecated techniques are kept and marked.
        #expect(ics.techniques.filter(\.deprecated).count == 12)
        // The v18 detection model.
        #expect(ics.detectionStrategies.count == 83)
        #expect(ics.analytics.count == 82)
        #expect(ics.dataComponents.count == 36)
        #expect(ics.analytics.contains { !$0.logSources.isEmpty })
    }

    @Test func readsTheAttackStixLookupFolder() throws {
        let bundles = try importer.bundles(from: try TestData.lookupFiles())
        let enterprise = try #require(bundles.first)
        #expect(bundles.count == 1)
        #expect(enterprise.domain == "enterprise-attack")
        #expect(enterprise.version == "18.1")
        #expect(enterprise.source.format == .attackStixLookup)
        #expect(enterprise.techniques.count == 835)
        #expect(enterprise.tactics.count == 14)
        #expect(enterprise.tactics.first?.shortname == "reconnaissance")
        #expect(enterprise.tactics.last?.shortname == "impact")
        let powershell = try #require(enterprise.techniques.first { $0.id == "T1059.001" })
        #expect(powershell.isSubtechnique)
        #expect(powershell.parentID == "T1059")
        #expect(powershell.tactics == ["execution"])
        #expect(powershell.platforms == ["Windows"])
        let t1059 = try #require(enterprise.techniques.first { $0.id == "T1059" })
        #expect(t1059.subtechniqueIDs.contains("T1059.001"))
        #expect(enterprise.actors.filter { $0.kind == .group }.count == 187)
        #expect(enterprise.actors.filter { $0.kind == .campaign }.count == 52)
        #expect(enterprise.mitigations.count == 268)
        #expect(enterprise.detectionStrategies.count == 691)
        // Revoked techniques keep their successor.
        let revoked = enterprise.techniques.filter(\.revoked)
        #expect(revoked.count == 132)
        #expect(revoked.allSatisfy { $0.revokedBy != nil })
    }

    @Test func bothFormatsTogetherMakeTwoDomains() throws {
        let files = try TestData.lookupFiles() + [try TestData.file(TestData.icsBundle)]
        let domains = try importer.bundles(from: files).map(\.domain).sorted()
        #expect(domains == ["enterprise-attack", "ics-attack"])
    }

    @Test(arguments: [
        ("not json at all", "not valid JSON"),
        ("{\"type\": \"bundle\", \"objects\": [", "not valid JSON"),
        ("[1, 2, 3]", "top level"),
        ("{\"hello\": 1}", "neither an ATT&CK STIX 2.1 bundle"),
    ])
    func refusesUnreadableFiles(content: String, reason: String) throws {
        let error = #expect(throws: AegisError.self) {
            try importer.bundles(from: [UploadedFile(name: "bad.json", content: Data(content.utf8))])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["file"] == "bad.json")
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test func aTruncatedRealBundleNamesTheFile() throws {
        let data = try Data(contentsOf: TestData.icsBundle)
        let truncated = UploadedFile(name: "ics-attack-18.1.json", content: data.prefix(data.count / 2))
        let error = #expect(throws: AegisError.self) { try importer.bundles(from: [truncated]) }
        #expect(error?.details["file"] == "ics-attack-18.1.json")
    }

    @Test func aMalformedObjectIsNamedByItsID() throws {
        let bundle = """
            {"type": "bundle", "id": "bundle--1", "objects": [
              {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "Test", "x_mitre_version": "1.0"},
              {"type": "attack-pattern", "id": "attack-pattern--bad", "name": "Broken",
               "x_mitre_platforms": "Windows", "x_mitre_domains": ["enterprise-attack"]}
            ]}
            """
        let error = #expect(throws: AegisError.self) {
            try importer.bundles(from: [UploadedFile(name: "broken.json", content: Data(bundle.utf8))])
        }
        #expect(error?.details["object_id"] == "attack-pattern--bad")
        #expect(error?.message.contains("x_mitre_platforms") == true, "\(error?.message ?? "")")
    }

    @Test func aTechniqueWithoutAnAttackIDIsRefused() throws {
        let bundle = """
            {"type": "bundle", "id": "bundle--1", "objects": [
              {"type": "attack-pattern", "id": "attack-pattern--noid", "name": "Nameless",
               "x_mitre_domains": ["enterprise-attack"], "external_references": []}
            ]}
            """
        let error = #expect(throws: AegisError.self) {
            try importer.bundles(from: [UploadedFile(name: "noid.json", content: Data(bundle.utf8))])
        }
        #expect(error?.details["object_id"] == "attack-pattern--noid")
    }

    @Test func noFilesIsAnInvalidArgument() {
        let error = #expect(throws: AegisError.self) { try importer.bundles(from: []) }
        #expect(error?.code == .invalidArgument)
    }
}

@Suite struct CatalogImporterRefusalTests {
    @Test func softwareAloneIsNotACatalog() throws {
        let software = TestData.attackLookup.appendingPathComponent("software-lookup-v18.1.json")
        let error = #expect(throws: AegisError.self) {
            try CatalogImporter(crypto: TestCrypto()).bundles(from: [try TestData.file(software)])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details["field"] == "files")
    }
}
