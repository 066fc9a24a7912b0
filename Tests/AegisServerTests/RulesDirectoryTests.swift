import AegisClient
import AegisDomain
import AegisServer
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// aegisd with a rules directory, end to end: real SigmaHQ files written,
/// edited the way editors save, broken, deleted, and the directory taken
/// away and given back, while the daemon keeps serving. Every wait is on a
/// condition with a deadline.
@Suite struct RulesDirectoryTests {
    static let sevenZipPath = "sigma/rules/windows/process_creation/proc_creation_win_7zip_exfil_dmp_files.yml"
    static let sevenZipID = "ec570e53-4c76-45a9-804d-dc3f355ff7a7"
    static let bitsPath = "sigma/rules/windows/process_creation/proc_creation_win_bitsadmin_download_susp_extensions.yml"
    static let calcPath = "sigma/rules/windows/process_creation/proc_creation_win_calc_uncommon_exec.yml"

    static func text(_ path: String) throws -> String {
        try String(contentsOf: TestData.shared.appendingPathComponent(path), encoding: .utf8)
    }

    static func id(of text: String) -> String {
        text.split(separator: "\n").first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) } ?? ""
    }

    /// The rule's wire form, or nil when `rule.get` says NOT_FOUND.
    static func rule(_ client: AegisClient, _ id: String) throws -> MessagePackMap? {
        do { return try client.call("rule.get", ["id": .string(id)]).mapValue } catch {
            if error.code == "NOT_FOUND" { return nil }
            throw error
        }
    }

    static func sources(_ client: AegisClient) throws -> MessagePackMap {
        try client.call("rule.sources").mapValue ?? [:]
    }

    /// The source named `name` in `rule.sources`, if listed.
    static func source(_ client: AegisClient, _ name: String) throws -> MessagePackMap? {
        try sources(client)["items"]?.arrayValue?.compactMap(\.mapValue).first { $0["name"] == .string(name) }
    }

    static func syncFailures(_ client: AegisClient) throws -> [MessagePackMap] {
        let items = try client.call("events.replay", ["after_seq": 0, "limit": 1000])["items"]?.arrayValue ?? []
        return items.compactMap(\.mapValue).filter { $0["type"] == "rule.sync_failed" }
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    @Test func theDirectorysFilesAreTheRules() throws {
        let work = try TemporaryDirectory()
        let rules = work.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let daemon = try TestDaemon { $0.rulesDirectory = rules }
        let client = try daemon.client()
        #expect(try Self.sources(client)["directory"] == .string(rules.path))
        #expect(try eventually { try Self.sources(client)["watching"] == true })

        // A file in a folder made after the start.
        let sevenZip = try Self.text(Self.sevenZipPath)
        let file = rules.appendingPathComponent("windows/7zip.yml")
        try Self.write(sevenZip, to: file)
        #expect(try eventually { try Self.rule(client, Self.sevenZipID) != nil })
        let stored = try #require(try Self.rule(client, Self.sevenZipID))
        #expect(stored["origin"] == "directory" && stored["source_name"] == "windows/7zip.yml")
        #expect(try eventually { try Self.source(client, "windows/7zip.yml")?["status"] == "synced" })

        // Edited as editors save: a scratch file, renamed over the original.
        let edited = sevenZip.replacingOccurrences(of: "title: 7Zip", with: "title: Edited 7Zip")
        let swap = rules.appendingPathComponent("windows/.7zip.yml.swp")
        try Self.write(edited, to: swap)
        #expect(rename(swap.path, file.path) == 0)
        #expect(try eventually { try Self.rule(client, Self.sevenZipID)?["name"] == "Edited 7Zip Compressing Dump Files" })

        // Scratch files are ignored: once a later real file is synced, they
        // have been seen and left alone.
        let calc = try Self.text(Self.calcPath)
        for name in ["calc.yml~", ".#calc.yml", "#calc.yml#", "4913", "calc.tmp", "calc.yml.swx", "calc.json"] {
            try Self.write(calc, to: rules.appendingPathComponent(name))
        }
        let bits = try Self.text(Self.bitsPath)
        try Self.write(bits, to: rules.appendingPathComponent("bits.yaml"))
        #expect(try eventually { try Self.rule(client, Self.id(of: bits)) != nil })
        #expect(try Self.rule(client, Self.id(of: calc)) == nil)
        // (A file's source row is written just after its rules.)
        let names = { try Self.sources(client)["items"]?.arrayValue?.compactMap { $0.mapValue?["name"]?.stringValue } }
        #expect(try eventually { try names() == ["bits.yaml", "windows/7zip.yml"] })

        // Broken: reported, announced, and the previous definition stays.
        try Self.write(sevenZip.replacingOccurrences(of: "detection:", with: "detection: [unclosed\n"), to: file)
        #expect(try eventually { try Self.source(client, "windows/7zip.yml")?["status"] == "failed" })
        #expect(try Self.source(client, "windows/7zip.yml")?["error"]?.stringValue?.isEmpty == false)
        #expect(try Self.rule(client, Self.sevenZipID)?["name"] == "Edited 7Zip Compressing Dump Files")
        // (On PostgreSQL an event is replayable once numbered, just after its commit.)
        #expect(try eventually { try Self.syncFailures(client).count == 1 })
        let announced = try Self.syncFailures(client)
        #expect(announced.first?["subject"]?.mapValue?["id"] == "windows/7zip.yml")
        #expect(announced.first?["subject"]?.mapValue?["kind"] == "rule_source")

        // The directory's rules are not deleted through the RPC.
        let version = try #require(try Self.rule(client, Self.id(of: bits))?["version"])
        #expect(code { try client.call("rule.delete", ["id": .string(Self.id(of: bits)), "version": version]) }
            == "FAILED_PRECONDITION")
        // Nor replaced by an import: the whole call is refused, naming the file.
        let importing: () throws -> MessagePackValue = {
            try client.call("rule.import", ["files": .array([.map(["name": "mine.yml", "content": .string(bits)])])])
        }
        #expect(code(importing) == "FAILED_PRECONDITION")
        #expect(details(importing)?["source_name"] == "bits.yaml")

        // Deleted: its rule goes.
        try FileManager.default.removeItem(at: file)
        #expect(try eventually { try Self.rule(client, Self.sevenZipID) == nil })
        #expect(try eventually { try Self.source(client, "windows/7zip.yml") == nil })
    }

    @Test func aDirectoryThatGoesAwayKeepsItsRulesUntilItComesBack() throws {
        let work = try TemporaryDirectory()
        let rules = work.url.appendingPathComponent("rules")
        let bits = try Self.text(Self.bitsPath)
        try Self.write(bits, to: rules.appendingPathComponent("bits.yml"))
        let daemon = try TestDaemon { $0.rulesDirectory = rules }
        let client = try daemon.client()
        #expect(try eventually { try Self.rule(client, Self.id(of: bits)) != nil })

        // Moved away: reported, the rules stay, the daemon keeps serving.
        let away = work.url.appendingPathComponent("away")
        try FileManager.default.moveItem(at: rules, to: away)
        #expect(try eventually { try Self.source(client, "./")?["status"] == "failed" })
        #expect(try Self.sources(client)["watching"] == false)
        #expect(try Self.rule(client, Self.id(of: bits)) != nil)
        #expect(try client.call("system.ping").mapValue != nil)

        // A file where the directory was: still out of sight.
        try Data("not a directory".utf8).write(to: rules)
        #expect(try eventually { try Self.source(client, "./")?["error"]?.stringValue?.contains("not a directory") == true })
        try FileManager.default.removeItem(at: rules)

        // Back: synced again, nothing lost, each failure announced once.
        try FileManager.default.moveItem(at: away, to: rules)
        #expect(try eventually(timeout: .seconds(15)) { try Self.source(client, "./") == nil })
        #expect(try eventually { try Self.sources(client)["watching"] == true })
        #expect(try Self.rule(client, Self.id(of: bits)) != nil)
        // (A rescan between the file's removal and the move back may see
        // the directory missing once more: a third, distinct failure.)
        #expect(try eventually { try Self.syncFailures(client).count >= 2 })
        let failures = try Self.syncFailures(client).compactMap { $0["payload"]?.mapValue?["error"]?.stringValue }
        #expect((2...3).contains(failures.count) && Set(failures).count == 2)
        #expect(zip(failures, failures.dropFirst()).allSatisfy { $0 != $1 })

        // And watched again: a new file arrives.
        let calc = try Self.text(Self.calcPath)
        try Self.write(calc, to: rules.appendingPathComponent("calc.yml"))
        #expect(try eventually { try Self.rule(client, Self.id(of: calc)) != nil })
    }

    /// Unreadable by permissions (root reads anything, so not as root).
    @Test(.enabled(if: getuid() != 0)) func anUnreadableDirectoryKeepsItsRules() throws {
        let work = try TemporaryDirectory()
        let rules = work.url.appendingPathComponent("rules")
        let bits = try Self.text(Self.bitsPath)
        try Self.write(bits, to: rules.appendingPathComponent("bits.yml"))
        let daemon = try TestDaemon { $0.rulesDirectory = rules }
        let client = try daemon.client()
        #expect(try eventually { try Self.rule(client, Self.id(of: bits)) != nil })
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: rules.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: rules.path) }
        #expect(try eventually { try Self.source(client, "./")?["status"] == "failed" })
        #expect(try Self.rule(client, Self.id(of: bits)) != nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: rules.path)
        #expect(try eventually(timeout: .seconds(15)) { try Self.source(client, "./") == nil })
        #expect(try Self.rule(client, Self.id(of: bits)) != nil)
    }

    /// On a shared store the leader alone syncs: every rule change and
    /// failure is committed once, by it.
    @Test(.enabled(if: TestStore.kind == .postgres)) func onlyTheLeaderSyncs() throws {
        let work = try TemporaryDirectory()
        let rules = work.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let url = try TestPostgres.url(schema: try TestPostgres.createSchema())
        let a = try TestDaemon(databaseURL: url, instanceID: "a") { $0.rulesDirectory = rules }
        let b = try TestDaemon(databaseURL: url, instanceID: "b", adminKey: a.adminKey) { $0.rulesDirectory = rules }
        let clientA = try a.client(), clientB = try b.client()
        #expect(try eventually {
            try Self.sources(clientA)["watching"] == true || Self.sources(clientB)["watching"] == true
        })
        let leader = try Self.sources(clientA)["watching"] == true ? "a" : "b"
        #expect(try Self.sources(leader == "a" ? clientB : clientA)["watching"] == false)

        try Self.write("title: broken\nid: x-1\nlogsource: {product: windows}\n", to: rules.appendingPathComponent("broken.yml"))
        let bits = try Self.text(Self.bitsPath)
        try Self.write(bits, to: rules.appendingPathComponent("bits.yml"))
        #expect(try eventually { try Self.rule(clientB, Self.id(of: bits)) != nil })
        let ruleEvents = {
            let items = try clientA.call("events.replay", ["after_seq": 0, "limit": 1000])["items"]?.arrayValue ?? []
            return items.compactMap(\.mapValue).filter { $0["type"]?.stringValue?.hasPrefix("rule.") == true }
        }
        #expect(try eventually { try ruleEvents().count == 2 })
        #expect(try ruleEvents().map { $0["type"]?.stringValue ?? "" }.sorted() == ["rule.created", "rule.sync_failed"])
        #expect(try ruleEvents().allSatisfy { $0["source"] == .string(leader) })
    }
}
