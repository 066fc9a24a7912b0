import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Testing

@testable import AegisStore

/// The rules directory's sync on whichever store the run uses (make test
/// runs it on SQLite and on PostgreSQL), with real SigmaHQ rules: files
/// added, changed, left alone and deleted; a file that breaks keeps its
/// rules' previous definitions and is announced once; two files claiming
/// one id; a rule moved between files in one edit; the directory's rules
/// refusing imports and `rule.delete`; a directory or folder out of sight
/// keeping its rules.
@Suite struct RuleDirectorySyncTests {
    let dir: TemporaryDirectory
    let store: any StoreProvider
    let env: AppEnvironment
    let session: any StoreSession
    /// The directory as the sync sees it.
    let directory = FakeRuleDirectory()
    var files: FakeRuleDirectory { directory }

    static let sevenZip = sigma("rules/windows/process_creation/proc_creation_win_7zip_exfil_dmp_files.yml")
    static let sevenZipID = "ec570e53-4c76-45a9-804d-dc3f355ff7a7"
    static let bitsadmin = sigma("rules/windows/process_creation/proc_creation_win_bitsadmin_download_susp_extensions.yml")

    static func sigma(_ path: String) -> String {
        (try? String(contentsOf: TestData.shared.appendingPathComponent("sigma/" + path), encoding: .utf8)) ?? ""
    }

    static func id(of text: String) -> String {
        text.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) } ?? ""
    }

    init() throws {
        dir = try TemporaryDirectory()
        store = try TestStore.open(try TestStore.freshURL(in: dir.url))
        env = AppEnvironment(
            clock: ManualClock(), crypto: TestCrypto(),
            uploads: try FileUploadStaging(root: dir.url.appendingPathComponent("uploads")),
            blobs: try FileBlobStore(root: dir.url.appendingPathComponent("blobs")), instanceID: "a", version: "0",
            startedAt: Date(), storeKind: store.kind)
        session = try store.openSession()
        #expect(!Self.sevenZip.isEmpty && !Self.bitsadmin.isEmpty)
    }

    var context: CallContext { CallContext(requestID: "rules-dir", principal: nil, peer: nil, session: session) }
    var sync: RuleDirectorySync { RuleDirectorySync(env: env, context: context) }
    var rules: RuleService { RuleService(env: env, context: context) }

    func write(_ name: String, _ text: String) { files[name] = Data(text.utf8) }

    func run(_ listing: RuleDirectoryListing? = nil) throws -> RuleDirectorySyncSummary {
        try sync.sync(listing ?? RuleDirectoryListing(files: files.names)) { name in
            guard let data = files[name] else { throw RuleFileReadError("No such file or directory") }
            return data
        }
    }

    func rule(_ id: String) throws -> StoredRule? { try session.read { try $0.rules.rule(id: id) } }
    func source(_ name: String) throws -> RuleSource? { try sync.sources().first { $0.name == name } }
    func events(_ type: EventType) throws -> [StoredEvent] {
        try session.read { try $0.events.events(after: 0, limit: 1000) }.filter { $0.event.type == type }
    }

    @Test func aFileIsAddedChangedLeftAloneAndDeleted() throws {
        write("windows/7zip.yml", Self.sevenZip)
        #expect(try run().synced == ["windows/7zip.yml"])
        let stored = try #require(try rule(Self.sevenZipID))
        #expect(stored.origin == .directory && stored.sourceName == "windows/7zip.yml" && stored.definition.format == .sigma)
        #expect(stored.definition.name == "7Zip Compressing Dump Files")
        let synced = try #require(try source("windows/7zip.yml"))
        #expect(synced.status == .synced && synced.error == nil && synced.ruleIDs == [Self.sevenZipID])
        #expect(try events(.ruleCreated).first?.event.actor == nil)

        let again = try run()
        #expect(again.isEmpty && again.unchanged == 1)
        #expect(try rule(Self.sevenZipID)?.version == 1)

        write("windows/7zip.yml", Self.sevenZip.replacingOccurrences(of: "title: 7Zip", with: "title: Edited 7Zip"))
        #expect(try run().synced == ["windows/7zip.yml"])
        #expect(try rule(Self.sevenZipID)?.definition.name == "Edited 7Zip Compressing Dump Files")
        #expect(try rule(Self.sevenZipID)?.version == 2)
        #expect(try events(.ruleUpdated).count == 1)

        files["windows/7zip.yml"] = nil
        #expect(try run().removed == ["windows/7zip.yml"])
        #expect(try rule(Self.sevenZipID) == nil && source("windows/7zip.yml") == nil)
        #expect(try events(.ruleDeleted).map(\.event.subject.id) == [Self.sevenZipID])
    }

    @Test func aBrokenFileKeepsItsPreviousDefinitionAndIsAnnouncedOnce() throws {
        write("7zip.yml", Self.sevenZip)
        _ = try run()
        write("7zip.yml", Self.sevenZip.replacingOccurrences(of: "detection:", with: "detection: [unclosed\n"))
        let failed = try run()
        #expect(failed.failed.keys.sorted() == ["7zip.yml"])
        #expect(try rule(Self.sevenZipID)?.definition.name == "7Zip Compressing Dump Files")
        #expect(try rule(Self.sevenZipID)?.version == 1)
        let source = try #require(try source("7zip.yml"))
        #expect(source.status == .failed && source.error?.isEmpty == false && source.ruleIDs == [Self.sevenZipID])
        let announced = try events(.ruleSyncFailed)
        #expect(announced.count == 1)
        #expect(announced.first?.event.subject == .init(kind: "rule_source", id: "7zip.yml"))
        #expect(announced.first?.event.payload["name"] == .string("7zip.yml"))
        #expect(announced.first?.event.payload["error"] == source.error.map(Value.string))

        // The same failure again: not announced again.
        #expect(try run().isEmpty)
        #expect(try events(.ruleSyncFailed).count == 1)
        // Another failure: announced.
        write("7zip.yml", "title: no detection\nid: \(Self.sevenZipID)\nlogsource:\n    product: windows\n")
        #expect(try run().failed.keys.sorted() == ["7zip.yml"])
        #expect(try events(.ruleSyncFailed).count == 2)
        // Fixed: synced again, the failure gone.
        write("7zip.yml", Self.sevenZip.replacingOccurrences(of: "title: 7Zip", with: "title: Fixed 7Zip"))
        #expect(try run().synced == ["7zip.yml"])
        #expect(try self.source("7zip.yml")?.status == .synced && self.source("7zip.yml")?.error == nil)
        #expect(try rule(Self.sevenZipID)?.definition.name == "Fixed 7Zip Compressing Dump Files")
    }

    @Test func aFileWithOneBadDocumentStoresNoneOfIt() throws {
        write("both.yml", Self.bitsadmin + "\n---\ntitle: broken\nid: x-1\nlogsource: {product: windows}\n")
        #expect(try run().failed["both.yml"]?.contains("rule x-1") == true)
        #expect(try rule(Self.id(of: Self.bitsadmin)) == nil)
    }

    @Test func anUnreadableFileIsReportedAndKeepsItsRules() throws {
        write("7zip.yml", Self.sevenZip)
        _ = try run()
        let summary = try sync.sync(RuleDirectoryListing(files: ["7zip.yml"])) { _ in
            throw RuleFileReadError("Permission denied")
        }
        #expect(summary.failed["7zip.yml"] == "Permission denied")
        #expect(try rule(Self.sevenZipID) != nil)
        #expect(try source("7zip.yml")?.error == "unreadable: Permission denied")
    }

    @Test func twoFilesClaimingOneIDLeaveItToTheFirstUntilItGoes() throws {
        write("a.yml", Self.sevenZip)
        write("b.yml", Self.sevenZip.replacingOccurrences(of: "title: 7Zip", with: "title: B 7Zip"))
        let summary = try run()
        #expect(summary.synced == ["a.yml"])
        #expect(summary.failed["b.yml"]?.contains("already defined by a.yml") == true)
        #expect(try rule(Self.sevenZipID)?.sourceName == "a.yml")
        #expect(try source("b.yml")?.ruleIDs == [])

        files["a.yml"] = nil
        let after = try run()
        #expect(after.removed == ["a.yml"] && after.synced == ["b.yml"])
        #expect(try rule(Self.sevenZipID)?.sourceName == "b.yml")
        #expect(try rule(Self.sevenZipID)?.definition.name == "B 7Zip Compressing Dump Files")
    }

    @Test func aRuleMovedBetweenFilesInOneEditIsNotAFailure() throws {
        write("b.yml", Self.sevenZip)
        _ = try run()
        write("a.yml", Self.sevenZip)
        write("b.yml", Self.bitsadmin)
        let summary = try run()
        #expect(summary.failed.isEmpty && Set(summary.synced) == ["a.yml", "b.yml"])
        #expect(try rule(Self.sevenZipID)?.sourceName == "a.yml")
        #expect(try rule(Self.id(of: Self.bitsadmin))?.sourceName == "b.yml")
        #expect(try events(.ruleSyncFailed).isEmpty)
    }

    @Test func aRuleMovedOrRenamedKeepsItsStateAndIsNeverDeleted() throws {
        write("old.yml", Self.sevenZip)
        _ = try run()
        _ = try rules.setState(id: Self.sevenZipID, version: 1, change: RuleStateChange(kind: .disabled, reason: "noisy"))
        // `git mv old.yml new.yml`: one file gone, one new, in one sync.
        files["old.yml"] = nil
        write("new.yml", Self.sevenZip)
        let summary = try run()
        #expect(summary.failed.isEmpty && summary.synced == ["new.yml"] && summary.removed == ["old.yml"])
        let moved = try #require(try rule(Self.sevenZipID))
        #expect(moved.sourceName == "new.yml" && moved.state.kind == .disabled && moved.version == 3)
        #expect(try events(.ruleDeleted).isEmpty)
        #expect(try source("old.yml") == nil && source("new.yml")?.ruleIDs == [Self.sevenZipID])
        // A second file naming the id, while its owner still defines it, is refused as before.
        write("copy.yml", Self.sevenZip)
        #expect(try run().failed.keys.sorted() == ["copy.yml"])
        #expect(try rule(Self.sevenZipID)?.sourceName == "new.yml")
    }

    @Test func theDirectorysRulesRefuseImportsAndDeletion() throws {
        write("7zip.yml", Self.sevenZip)
        _ = try run()
        let imported = try #require(try rule(Self.sevenZipID)).definition
        let outcome = try rules.put([imported], origin: .import, sourceName: "upload.yml", action: "rule.import")
        guard case .refused(let why)? = outcome.first else {
            Issue.record("an import of a directory rule was stored")
            return
        }
        #expect(why.contains("rules directory"))
        let refused = #expect(throws: AegisError.self) { try rules.delete(id: Self.sevenZipID, version: 1) }
        #expect(refused?.code == .failedPrecondition)
        #expect(try rule(Self.sevenZipID) != nil)
    }

    @Test func aFileTakesOverAnImportedRuleOfItsID() throws {
        write("7zip.yml", Self.sevenZip)
        let imported = RuleDefinition(
            id: Self.sevenZipID, format: .sigma, name: "Imported 7Zip", evaluable: true, sourceText: Self.sevenZip)
        #expect(try rules.put([imported], origin: .import, sourceName: "upload.yml", action: "rule.import") == [.imported])
        #expect(try rule(Self.sevenZipID)?.origin == .import)
        #expect(try run().synced == ["7zip.yml"])
        #expect(try rule(Self.sevenZipID)?.origin == .directory && rule(Self.sevenZipID)?.sourceName == "7zip.yml")
    }

    @Test func aDirectoryOutOfSightKeepsItsRulesAndIsReportedOnce() throws {
        write("7zip.yml", Self.sevenZip)
        write("sub/bits.yml", Self.bitsadmin)
        _ = try run()
        let gone = try run(.unreadable("/srv/rules: No such file or directory"))
        #expect(gone.failed.keys.sorted() == ["./"] && gone.removed.isEmpty)
        #expect(try rule(Self.sevenZipID) != nil && rule(Self.id(of: Self.bitsadmin)) != nil)
        #expect(try source("./")?.status == .failed)
        #expect(try run(.unreadable("/srv/rules: No such file or directory")).isEmpty)
        #expect(try events(.ruleSyncFailed).map(\.event.subject.id) == ["./"])

        // Back, but one folder cannot be read: its rules stay too.
        let partial = try run(RuleDirectoryListing(files: ["7zip.yml"], unreadableFolders: ["sub/": "Permission denied"]))
        #expect(partial.removed.isEmpty && partial.failed.keys.sorted() == ["sub/"])
        #expect(try source("./") == nil && source("sub/")?.error == "Permission denied")
        #expect(try rule(Self.id(of: Self.bitsadmin)) != nil)

        // Everything readable again; then the folder's file really goes.
        #expect(try run().isEmpty)
        #expect(try source("sub/") == nil)
        files["sub/bits.yml"] = nil
        #expect(try run().removed == ["sub/bits.yml"])
        #expect(try rule(Self.id(of: Self.bitsadmin)) == nil && rule(Self.sevenZipID) != nil)
    }
}

/// Path → content, changed by the tests between syncs.
final class FakeRuleDirectory: @unchecked Sendable {
    private var files: [String: Data] = [:]
    var names: [String] { files.keys.sorted() }
    subscript(name: String) -> Data? {
        get { files[name] }
        set { files[name] = newValue }
    }
}
