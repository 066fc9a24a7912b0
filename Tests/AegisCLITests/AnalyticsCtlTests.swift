import AegisTestSupport
import Foundation
import Testing

/// `aegisctl snapshot`, `layer`, `report`, `metrics` and `compliance`
/// against a real aegisd on the ICS catalog.
@Suite struct AnalyticsCtlTests {
    // MARK: Snapshots and layers

    @Test func snapshotsAndLayersFromTheCommandLine() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let files = daemon.directory.url

        let created = try admin.run(["snapshot", "create", "--domain", "ics-attack", "--name", "baseline"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created snapshot snp_") && created.stdout.contains("(ics-attack): 0.0 / 100"))
        let base = try #require(try list(try admin.run(["snapshot", "list", "--json"])).first?["id"] as? String)
        let listed = try admin.run(["snapshot", "list"])
        #expect(listed.stdout.hasPrefix("ID") && listed.stdout.contains("baseline"), "\(listed.stdout)")

        #expect(try admin.run(["score", "visibility", "T0803", "4"]).status == 0)
        let later = try object(try admin.run(["snapshot", "create", "--domain", "ics-attack", "--json"]))
        let laterID = try #require(later["id"] as? String)
        let diff = try admin.run(["snapshot", "diff", base, laterID])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("ics-attack: 0.0 → 0.2 (+0.2)"), "\(diff.stdout)")
        #expect(diff.stdout.contains("improved: 1") && diff.stdout.contains("regressed: 0"))
        #expect(diff.stdout.contains("T0803  0.0   20.0  20.0"), "\(diff.stdout)")
        #expect(diff.stdout.contains("Inhibit Response Function  0.0   1.4  1.4"), "\(diff.stdout)")
        let back = try object(try admin.run(["snapshot", "diff", laterID, base, "--json"]))
        #expect((back["regressed"] as? [[String: Any]])?.first?["technique_id"] as? String == "T0803")
        let toNow = try admin.run(["snapshot", "diff", base])
        #expect(toNow.stdout.contains("to   now at "), "\(toNow.stdout)")
        let shown = try admin.run(["snapshot", "show", base])
        #expect(shown.stdout.contains("baseline") && shown.stdout.contains("T0803"), "\(shown.stdout)")
        let badID = try admin.run(["snapshot", "diff", "bogus"])
        #expect(badID.status == 2)
        #expect(badID.stderr.contains("INVALID_ARGUMENT"))

        // Export to a file, then read and compare that file (its domain taken from it).
        let layer = files.appendingPathComponent("coverage-layer.json")
        let exported = try admin.run([
            "layer", "export", "--kind", "coverage", "--domain", "ics-attack", "--platform", "Windows", "--name",
            "ICS today", "--out", layer.path,
        ])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("wrote coverage layer \"ICS today\" (ics-attack, 83 techniques)"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: layer)) as? [String: Any])
        #expect(json["name"] as? String == "ICS today" && json["domain"] as? String == "ics-attack")
        #expect((json["filters"] as? [String: Any])?["platforms"] as? [String] == ["Windows"])
        let printed = try admin.run(["layer", "export", "--kind", "detection", "--domain", "ics-attack", "--out", "-"])
        #expect(printed.stdout.hasPrefix("{\"name\":"), "\(printed.stdout.prefix(200))")
        let rules = try admin.run(["layer", "export", "--kind", "rules", "--domain", "ics-attack", "--out", "-"])
        #expect(rules.stdout.hasPrefix("{\"name\":\"Aegis rule coverage\""), "\(rules.stdout.prefix(200))")
        #expect(rules.stdout.contains("\"comment\":\"no rule enabled or clipped\""))

        let imported = try admin.run(["layer", "import", layer.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        for line in ["format          4.5", "techniques: 83", "unknown technique ids: none", "warnings: none"] {
            #expect(imported.stdout.contains(line), "\(line) missing from \(imported.stdout)")
        }
        let compared = try admin.run(["layer", "compare", layer.path, "--domain", "ics-attack"])
        #expect(compared.status == 0, "\(compared.stderr)")
        #expect(compared.stdout.contains("83 techniques in the layer, 0 covered by us, 83 gaps"), "\(compared.stdout)")
        #expect(compared.stdout.contains("LAYER SCORE") && compared.stdout.contains("T0803"))
        let gaps = try object(try admin.run(["layer", "compare", layer.path, "--json"]))
        #expect((gaps["gaps"] as? [Any])?.count == 83)

        let notJSON = files.appendingPathComponent("not-a-layer.json")
        try Data("this is not JSON".utf8).write(to: notJSON)
        let bad = try admin.run(["layer", "import", notJSON.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("INVALID_ARGUMENT"), "\(bad.stderr)")
        let missing = try admin.run(["layer", "compare", files.appendingPathComponent("nowhere.json").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read") && missing.stderr.contains("No such file"), "\(missing.stderr)")
        let noActor = try admin.run(["layer", "export", "--kind", "actor", "--domain", "ics-attack"])
        #expect(noActor.status == 2)
        #expect(noActor.stderr.contains("INVALID_ARGUMENT"))
        #expect(daemon.terminate() == 0)
    }

    // MARK: Reports, metrics and the heatmap

    @Test func reportsAndMetricsFromTheCommandLine() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let files = daemon.directory.url
        let blueLead = try object(try admin.run(["api-key", "create", "bl", "--role", "blue_lead", "--json"]))
        let blueKey = try #require(blueLead["key"] as? String)
        let missed = try validatedTest(admin, blueKey: blueKey, technique: "T0803", started: "2025-03-01T12:00:00Z", blue: [])
        _ = try validatedTest(
            admin, blueKey: blueKey, technique: "T0800", started: "2025-03-02T12:00:00Z",
            blue: ["--alerted", "--severity", "high", "--detected-at", "2025-03-02T12:05:00Z"])
        let version = try #require(try object(try admin.run(["test", "get", missed, "--json"]))["version"] as? Int)
        #expect(
            try admin.run(["test", "remediation", missed, "--version", "\(version)", "--owner", "SOC", "--due",
                "2025-04-01T00:00:00Z"]).status == 0)

        let coverage = try admin.run(["report", "coverage", "--domain", "ics-attack"])
        #expect(coverage.status == 0, "\(coverage.stderr)")
        #expect(coverage.stdout.hasPrefix("ics-attack: "))
        #expect(coverage.stdout.contains("TA0107  Inhibit Response Function  "), "\(coverage.stdout)")
        let inhibit = try #require(coverage.stdout.split(separator: "\n").first { $0.contains("Inhibit") })
        #expect(inhibit.split(separator: " ").suffix(8).map(String.init) == ["14", "2", "2", "0", "1", "0", "1", "0"])
        #expect(coverage.stdout.contains("WITH RULES"))

        let results = try admin.run(["report", "results", "--since", "2025-03-01T00:00:00Z"])
        #expect(results.status == 0, "\(results.stderr)")
        #expect(results.stdout.hasPrefix("TECHNIQUE  TESTS"))
        #expect(results.stdout.contains("total      2      2         2          0          1         0       1"),
            "\(results.stdout)")
        let byState = try object(try admin.run(["report", "results", "--group-by", "state", "--json"]))
        #expect((byState["rows"] as? [[String: Any]])?.first?["key"] as? String == "validated")
        let future = try object(try admin.run(["report", "results", "--since", "2030-01-01T00:00:00Z", "--json"]))
        #expect((future["rows"] as? [Any])?.isEmpty == true)

        let remediation = try admin.run(["report", "remediation"])
        #expect(remediation.stdout.contains(missed) && remediation.stdout.contains("SOC"), "\(remediation.stdout)")
        #expect(remediation.stdout.contains("missed"))
        #expect(try list(try admin.run(["report", "remediation", "--all", "--json"])).count == 1)

        let metrics = try admin.run(["metrics"])
        #expect(metrics.status == 0, "\(metrics.stderr)")
        #expect(metrics.stdout.contains("2025-03  2         2          50.0%      5m 0s  1"), "\(metrics.stdout)")
        let byTeam = try admin.run(["metrics", "--group-by", "team"])
        #expect(byTeam.stdout.hasPrefix("TEAM") && byTeam.stdout.contains("SOC"), "\(byTeam.stdout)")
        let raw = try object(try admin.run(["metrics", "--json"]))
        #expect((raw["totals"] as? [String: Any])?["mttd_seconds"] as? Double == 300)
        let backwards = try admin.run(
            ["metrics", "--since", "2025-04-01T00:00:00Z", "--until", "2025-03-01T00:00:00Z"])
        #expect(backwards.status == 2)
        #expect(backwards.stderr.contains("INVALID_ARGUMENT"))
        #expect(try admin.run(["report", "results", "--since", "last week"]).status == 64)

        // CSV export: the header, then a row per test / technique line.
        let tests = files.appendingPathComponent("tests.csv")
        let exported = try admin.run(["report", "export", "tests", "--out", tests.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout == "wrote 2 rows to \(tests.path)\n")
        let lines = try String(contentsOf: tests, encoding: .utf8).split(separator: "\r\n")
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("id,technique_id,name,state,outcome") == true)
        let coverageCSV = files.appendingPathComponent("coverage.csv")
        let summary = try object(
            try admin.run(["report", "export", "coverage", "--domain", "ics-attack", "--out", coverageCSV.path, "--json"]))
        let coverageLines = try String(contentsOf: coverageCSV, encoding: .utf8).split(separator: "\r\n")
        #expect(summary["rows"] as? Int == coverageLines.count - 1)
        #expect(coverageLines.first?.hasPrefix("tactic_id,tactic,technique_id") == true)
        let remediationCSV = try admin.run(["report", "export", "remediation", "--all"])
        #expect(remediationCSV.stdout.hasPrefix("test_id,technique_id,name,outcome"), "\(remediationCSV.stdout)")
        #expect(remediationCSV.stderr.contains("1 rows"))
        let badGroup = try admin.run(["report", "export", "metrics", "--group-by", "nope", "--out", tests.path])
        #expect(badGroup.status == 2)
        #expect(badGroup.stderr.contains("INVALID_ARGUMENT"))
        #expect(try String(contentsOf: tests, encoding: .utf8).split(separator: "\r\n").count == 3, "left alone")

        // The heatmap, drawn to PNG by librsvg: same size as the SVG says.
        let svg = files.appendingPathComponent("x.svg")
        let heatmap = try admin.run(["report", "heatmap", "--out", svg.path, "--domain", "ics-attack"])
        #expect(heatmap.status == 0, "\(heatmap.stderr)")
        #expect(heatmap.stdout.contains("(12 tactics, "))
        let text = try String(contentsOf: svg, encoding: .utf8)
        #expect(text.contains("<title>Aegis coverage</title>"))
        #expect(text.contains("<desc>ics-attack · "))
        let (width, height) = try svgSize(text)
        let png = files.appendingPathComponent("x.png")
        let converted = try run(try rsvgConvert(), [svg.path, "-o", png.path])
        #expect(converted == 0)
        let bytes = [UInt8](try Data(contentsOf: png))
        try #require(bytes.count > 24)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        #expect(bigEndian(bytes, at: 16) == width && bigEndian(bytes, at: 20) == height, "\(width)×\(height)")
        let html = files.appendingPathComponent("x.html")
        let page = try admin.run(
            ["report", "heatmap", "--out", html.path, "--html", "--domain", "ics-attack", "--title", "ICS <today>"])
        #expect(page.status == 0, "\(page.stderr)")
        let htmlText = try String(contentsOf: html, encoding: .utf8)
        #expect(htmlText.contains("<svg") && htmlText.contains("<title>ICS &lt;today&gt;</title>"))
        let nowhere = try admin.run(
            ["report", "heatmap", "--out", files.appendingPathComponent("no/such/dir/x.svg").path, "--domain", "ics-attack"])
        #expect(nowhere.status == 1)
        #expect(nowhere.stderr.contains("cannot write"), "\(nowhere.stderr)")
        #expect(daemon.terminate() == 0)
    }

    // MARK: Compliance

    @Test func complianceFrameworksFromTheCommandLine() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let files = daemon.directory.url
        let csv = files.appendingPathComponent("framework.csv")
        try Data(
            """
            control_id,control_name,control_group,technique_id,mapping_type
            AC-2,Account Management,AC,T0800,mitigates
            AC-2,,,T0803,mitigates
            SI-4,System Monitoring,SI,T0803,detects
            SI-4,,,T9999,detects
            PE-3,"Physical Access Control, Facilities",PE,,

            """.utf8
        ).write(to: csv)

        let imported = try admin.run([
            "compliance", "import", csv.path, "--format", "csv", "--framework", "ics-fw", "--name", "ICS controls",
            "--version", "1.0",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported ics-fw \"ICS controls\" 1.0: 3 controls, 3 mappings"))
        #expect(imported.stdout.contains("T9999 ×1"))
        let frameworks = try list(try admin.run(["compliance", "list", "--json"]))
        #expect(frameworks.map { $0["id"] as? String } == ["ics-fw"])
        #expect(try admin.run(["compliance", "list"]).stdout.contains("ICS controls"))

        let gap = try admin.run(["compliance", "gap", "ics-fw", "--domain", "ics-attack"])
        #expect(gap.status == 0, "\(gap.stderr)")
        #expect(gap.stdout.contains("2 of 3 controls with gaps"), "\(gap.stdout)")
        let rows = gap.stdout.split(separator: "\n").filter { $0.hasPrefix("AC-2") || $0.hasPrefix("SI-4") || $0.hasPrefix("PE-3") }
        #expect(rows.last?.hasPrefix("PE-3") == true, "controls without techniques last")
        let out = files.appendingPathComponent("gap.csv")
        let written = try admin.run(["compliance", "gap", "ics-fw", "--domain", "ics-attack", "--out", out.path])
        #expect(written.status == 0, "\(written.stderr)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\r\n")
        #expect(lines.first == "control_id,control_name,control_group,technique_id,status,score")
        #expect(lines.count == 5)
        #expect(lines.contains("PE-3,\"Physical Access Control, Facilities\",PE,,,"))

        let headerless = files.appendingPathComponent("bad.csv")
        try Data("a,b\n1,2\n".utf8).write(to: headerless)
        let bad = try admin.run(["compliance", "import", headerless.path, "--format", "csv", "--framework", "x"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("INVALID_ARGUMENT"), "\(bad.stderr)")
        #expect(try admin.run(["compliance", "import", csv.path, "--format", "csv"]).status == 64)
        let unknown = try admin.run(["compliance", "gap", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("NOT_FOUND"))
        #expect(daemon.terminate() == 0)
    }
}

// MARK: Helpers

/// Creates a test of `technique` and takes it to validated: red (the admin)
/// executes it, blue submits `blue` (no alert and no log: missed), each lead
/// approves their side. Returns its id.
func validatedTest(_ admin: Shell, blueKey: String, technique: String, started: String, blue: [String])
    throws -> String
{
    let created = try object(
        try admin.run(["test", "create", "--technique", technique, "--name", "Test of \(technique)", "--json"]))
    let id = try #require(created["id"] as? String)
    var version = try #require(created["version"] as? Int)
    func step(_ arguments: [String], extra: [String: String] = [:]) throws {
        let result = try admin.run(arguments + [id, "--version", "\(version)", "--json"], extra: extra)
        version = try #require(try object(result)["version"] as? Int, "\(arguments): \(result.stderr)")
    }
    try step(["test", "ready"])
    try step(["test", "start"])
    try step(["test", "submit-red", "--outcome", "executed", "--attack-started", started])
    try step(["test", "review"])
    try step(["test", "submit-blue", "--prevented", "none"] + blue)
    try step(["test", "approve", "--side", "red"])
    try step(["test", "approve", "--side", "blue"], extra: ["AEGIS_API_KEY": blueKey])
    return id
}

/// The JSON array a command printed.
private func list(_ result: CommandResult) throws -> [[String: Any]] {
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
}

/// The `width` and `height` attributes of the `<svg>` element.
private func svgSize(_ svg: String) throws -> (Int, Int) {
    let start = try #require(svg.range(of: "<svg "))
    let end = try #require(svg[start.upperBound...].firstIndex(of: ">"))
    let tag = svg[start.upperBound..<end]
    func attribute(_ name: String) throws -> Int {
        let value = try #require(tag.range(of: " \(name)=\""))
        return try #require(Int(tag[value.upperBound...].prefix { $0 != "\"" }))
    }
    return (try attribute("width"), try attribute("height"))
}

/// rsvg-convert from PATH; the test fails (not skips) without it.
private func rsvgConvert() throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let found = (path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"])
        .map { URL(fileURLWithPath: String($0)).appendingPathComponent("rsvg-convert") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    return try #require(found, "rsvg-convert is missing: install librsvg2-bin (make deps)")
}

/// Runs `executable` and returns its exit status.
private func run(_ executable: URL, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

private func bigEndian(_ bytes: [UInt8], at offset: Int) -> Int {
    bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
}
