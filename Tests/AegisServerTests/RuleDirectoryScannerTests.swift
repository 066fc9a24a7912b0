import AegisApp
import AegisTestSupport
import Foundation
import Testing

@testable import AegisServer

/// What the rules directory's scanner lists and reads: rule files only, no
/// scratch files, never out of the directory, within its bounds.
@Suite struct RuleDirectoryScannerTests {
    @Test func scratchFilesAndOtherNamesAreNotRuleFiles() {
        for name in ["a.yml", "a.yaml", "a.toml", "A.YML", "x.y.yml"] {
            #expect(RuleDirectoryScanner.isRuleFile(name), "\(name)")
        }
        for name in [
            ".a.yml", "a.yml~", ".a.yml.swp", "a.yml.swp", "a.swx", "a.tmp", "#a.yml#", ".#a.yml", "4913", "a.json",
            "yml", ".yml", "a.yml.bak", "README.md",
        ] {
            #expect(!RuleDirectoryScanner.isRuleFile(name), "\(name)")
        }
    }

    @Test func theScanListsRuleFilesOfEveryFolderButHiddenOnes() throws {
        let dir = try TemporaryDirectory()
        let root = dir.url.appendingPathComponent("rules")
        for path in ["a.yml", "sub/b.yaml", "sub/deeper/c.toml", ".git/d.yml", "sub/.hidden/e.yml", "sub/f.yml~", "g.txt"] {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: url)
        }
        let scan = RuleDirectoryScanner(root: root).scan()
        #expect(scan.listing.files == ["a.yml", "sub/b.yaml", "sub/deeper/c.toml"])
        #expect(scan.listing.unreadableFolders.isEmpty)
        #expect(Set(scan.folders.map { URL(fileURLWithPath: $0).lastPathComponent }) == ["rules", "sub", "deeper"])
        #expect(try RuleDirectoryScanner(root: root).read("sub/b.yaml") == Data("x".utf8))
    }

    @Test func linksOutOfTheDirectoryAreNotFollowed() throws {
        let dir = try TemporaryDirectory()
        let root = dir.url.appendingPathComponent("rules")
        let outside = dir.url.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: outside.appendingPathComponent("secret.yml"))
        try Data("inside".utf8).write(to: root.appendingPathComponent("inside.yml"))
        let fm = FileManager.default
        try fm.createSymbolicLink(at: root.appendingPathComponent("out.yml"), withDestinationURL: outside.appendingPathComponent("secret.yml"))
        try fm.createSymbolicLink(at: root.appendingPathComponent("in.yml"), withDestinationURL: root.appendingPathComponent("inside.yml"))
        try fm.createSymbolicLink(at: root.appendingPathComponent("folder"), withDestinationURL: outside)
        let scanner = RuleDirectoryScanner(root: root)
        #expect(scanner.scan().listing.files == ["in.yml", "inside.yml", "out.yml"])
        #expect(try scanner.read("in.yml") == Data("inside".utf8))
        #expect(throws: RuleFileReadError.self) { try scanner.read("out.yml") }
        #expect(throws: RuleFileReadError.self) { try scanner.read("../outside/secret.yml") }
    }

    @Test func boundsAreKept() throws {
        let dir = try TemporaryDirectory()
        let root = dir.url.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for i in 0..<3 { try Data(repeating: 0x61, count: 10).write(to: root.appendingPathComponent("\(i).yml")) }
        var scanner = RuleDirectoryScanner(root: root)
        scanner.maxFileBytes = 9
        #expect(throws: RuleFileReadError.self) { try scanner.read("0.yml") }
        scanner.maxFiles = 2
        let over = scanner.scan()
        #expect(over.listing.files.isEmpty && over.listing.unreadableFolders[RuleDirectorySync.root]?.contains("more than 2") == true)

        let missing = RuleDirectoryScanner(root: dir.url.appendingPathComponent("nowhere")).scan()
        #expect(missing.resolvedRoot == nil && missing.listing.unreadableFolders.keys.sorted() == ["./"])
    }
}
