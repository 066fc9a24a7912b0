import AegisDetection
import AegisDomain
import AegisTestSupport
import Foundation

/// The shared real data the detection tests read (../shared/data).
enum RealData {
    static var sigma: URL { TestData.shared.appendingPathComponent("sigma") }
    static var elastic: URL { TestData.shared.appendingPathComponent("elastic-detection-rules") }
    static var regression: URL { TestData.shared.appendingPathComponent("sigma-regression") }

    /// Every file under `folder` with one of `extensions`, sorted by path.
    static func files(_ folder: URL, _ extensions: Set<String>) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var found: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if extensions.contains(url.pathExtension) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    static func report(_ url: URL, _ format: RuleFormat? = nil) throws -> RuleFileReport {
        RuleParser.parse(name: url.lastPathComponent, data: try Data(contentsOf: url), format: format)
    }

    /// A rule set of definitions, each compiled, revision 1, enabled.
    static func ruleSet(_ definitions: [RuleDefinition]) throws -> RuleSet {
        RuleSet(rules: try definitions.map { RuleSet.Entry(rule: try RuleCompiler.compile($0), revision: 1) })
    }
}
