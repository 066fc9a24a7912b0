import AegisClient
import AegisTestSupport
import AegisWire
import Foundation
import Testing

/// aegisctl driving the purple-team workflow against a real aegisd: users
/// and sessions, a test from draft to validated by two people, evidence,
/// templates, the audit trail and a lossless event tail.
@Suite(.serialized) struct WorkflowCtlTests {
    static let redPassword = "Crimson-Tide-2025!"
    static let bluePassword = "Azure-Watch-2025!"

    // MARK: Users, sessions, keys

    @Test func adminsCreateUsersWhoSignInWithAStoredSession() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let rita = Shell(daemon, config: "rita-config")

        let created = try admin.run(
            [
                "user", "create", "rita", "--role", "red_lead", "--role", "red_operator", "--display-name", "Rita Red",
                "--password-stdin", "--json",
            ],
            input: Self.redPassword + "\n")
        #expect(created.status == 0, "\(created.stderr)")
        let user = try object(created)
        let userID = try #require(user["id"] as? String)
        #expect(user["roles"] as? [String] == ["red_lead", "red_operator"])
        #expect(user["password"] == nil && user["password_hash"] == nil)

        let weak = try admin.run(
            ["user", "create", "weakling", "--role", "viewer", "--password-stdin"], input: "short\n")
        #expect(weak.status == 2)
        #expect(weak.stderr.contains("INVALID_ARGUMENT"))

        let listed = try admin.run(["user", "list", "--role", "red_lead"])
        #expect(listed.status == 0)
        #expect(listed.stdout.hasPrefix("ID"))
        #expect(listed.stdout.contains("rita") && listed.stdout.contains("Rita Red"))
        #expect(try admin.run(["user", "get", userID]).stdout.contains("red_lead, red_operator"))

        // A wrong password: refused, and nothing stored.
        let sessionFile = rita.configHome.appendingPathComponent("aegis/session")
        let wrong = try rita.run(["login", "rita", "--password-stdin"], input: "Not-The-Password-1\n")
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("UNAUTHENTICATED"))
        #expect(!FileManager.default.fileExists(atPath: sessionFile.path))

        let login = try rita.run(["login", "rita", "--password-stdin"], input: Self.redPassword + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("signed in"))
        #expect(!login.stdout.contains("aegis_s1_"), "the token belongs in the file only")
        #expect(try mode(sessionFile) == 0o600)
        #expect(try mode(sessionFile.deletingLastPathComponent()) == 0o700)
        let stored = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: sessionFile)) as? [String: Any])
        #expect(stored["endpoint"] as? String == daemon.rpc)
        #expect(stored["username"] as? String == "rita")
        #expect((stored["token"] as? String)?.hasPrefix("aegis_s1_") == true)
        let expires = try #require((stored["expires_at"] as? String).flatMap(parseISO))
        #expect(expires > Date())

        // Later commands use the session rather than the admin key beside the daemon.
        let whoami = try rita.run(["whoami"])
        #expect(whoami.status == 0, "\(whoami.stderr)")
        #expect(whoami.stdout.contains("rita") && whoami.stdout.contains("Rita Red"))
        #expect(whoami.stdout.contains("session of rita"))
        let me = try object(try rita.run(["whoami", "--json"]))
        #expect(me["kind"] as? String == "user")
        #expect(me["id"] as? String == userID)
        let denied = try rita.run(["api-key", "list"])
        #expect(denied.status == 2)
        #expect(denied.stderr.contains("PERMISSION_DENIED"))
        // AEGIS_API_KEY still wins over the session.
        let adminKey = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            try object(try rita.run(["whoami", "--json"], extra: ["AEGIS_API_KEY": adminKey]))["kind"] as? String
                == "api_key")

        // Changing the password keeps this session; the new one signs in.
        let changed = try rita.run(
            ["password", "change", "--password-stdin"], input: Self.redPassword + "\nScarlet-Letter-2026?\n")
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(try rita.run(["whoami"]).status == 0)

        let logout = try rita.run(["logout"])
        #expect(logout.status == 0, "\(logout.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sessionFile.path))
        #expect(try object(try rita.run(["whoami", "--json"]))["kind"] as? String == "api_key", "back to admin.key")
        #expect(try rita.run(["login", "rita", "--password-stdin"], input: Self.redPassword + "\n").status == 2)
        #expect(try rita.run(["login", "rita", "--password-stdin"], input: "Scarlet-Letter-2026?\n").status == 0)

        // A session for another endpoint is not used.
        var foreign = stored
        foreign["endpoint"] = "tcp://127.0.0.1:1"
        try JSONSerialization.data(withJSONObject: foreign).write(to: sessionFile)
        #expect(try object(try rita.run(["whoami", "--json"]))["kind"] as? String == "api_key")

        // Versions: a stale one is a conflict.
        let before = try #require(try object(try admin.run(["user", "get", userID, "--json"]))["version"] as? Int)
        let updated = try admin.run(
            ["user", "update", userID, "--version", "\(before)", "--display-name", "Rita R.", "--json"])
        let current = try #require(try object(updated)["version"] as? Int)
        #expect(current == before + 1)
        let stale = try admin.run(["user", "update", userID, "--version", "\(before)", "--role", "viewer"])
        #expect(stale.status == 2)
        #expect(stale.stderr.hasPrefix("aegisctl: CONFLICT: "))

        // API keys: shown once, usable, revocable.
        let key = try admin.run([
            "api-key", "create", "ci", "--role", "viewer", "--expires-at", "2099-01-01T00:00:00+02:00",
        ])
        #expect(key.status == 0, "\(key.stderr)")
        #expect(key.stdout.contains("only time the key is shown"))
        let secret = try #require(
            key.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("aegis_k1_") })
        let viewer = try object(try admin.run(["whoami", "--json"], extra: ["AEGIS_API_KEY": secret]))
        #expect(viewer["roles"] as? [String] == ["viewer"])
        let keys = try array(try admin.run(["api-key", "list", "--json"]))
        let ci = try #require(keys.first { $0["name"] as? String == "ci" })
        #expect(ci["expires_at"] as? String == "2098-12-31T22:00:00Z")
        #expect(!(try admin.run(["api-key", "list"]).stdout.contains(secret)))
        #expect(try admin.run(["api-key", "revoke", try #require(ci["id"] as? String)]).status == 0)
        let revoked = try admin.run(["whoami"], extra: ["AEGIS_API_KEY": secret])
        #expect(revoked.status == 2)
        #expect(revoked.stderr.contains("UNAUTHENTICATED"))
        let badTime = try admin.run(["api-key", "create", "x", "--role", "viewer", "--expires-at", "next week"])
        #expect(badTime.status == 64)
        #expect(badTime.stderr.contains("not an ISO 8601 time"))

        let disabled = try admin.run(["user", "disable", userID, "--version", "\(current)"])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(try rita.run(["login", "rita", "--password-stdin"], input: "Scarlet-Letter-2026?\n").status == 2)

        let unreachable = try admin.run(
            ["whoami", "--timeout", "1"], extra: ["AEGIS_RPC_ENDPOINT": "tcp://127.0.0.1:9"])
        #expect(unreachable.status == 3)
        #expect(daemon.terminate() == 0)
    }

    // MARK: The workflow

    @Test func twoPeopleTakeATestFromDraftToValidated() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let red = Shell(daemon, config: "red-config")
        let blue = Shell(daemon, config: "blue-config")
        let redID = try admin.createUser("rlead", roles: ["red_lead", "red_operator"], password: Self.redPassword)
        let blueID = try admin.createUser("blead", roles: ["blue_lead", "blue_analyst"], password: Self.bluePassword)
        #expect(try red.run(["login", "rlead", "--password-stdin"], input: Self.redPassword + "\n").status == 0)
        #expect(try blue.run(["login", "blead", "--password-stdin"], input: Self.bluePassword + "\n").status == 0)

        // A lossless tail from the start, running all along.
        let tail = try BackgroundCommand(
            ["events", "tail", "--topic", "test.", "--from", "0", "--json"], environment: admin.environment)
        defer { tail.stop() }

        let created = try object(
            try red.run([
                "test", "create", "--technique", "T0803", "--name", "Block command message", "--procedure",
                "Send a block command to the PLC", "--command", "modbus-cli write 10.0.0.5 1 0", "--platform", "linux",
                "--executor", "sh", "--expected-detection", "ICS IDS alert", "--assignee", redID, "--assignee", blueID,
                "--json",
            ]))
        let id = try #require(created["id"] as? String)
        #expect(created["state"] as? String == "draft")
        #expect(created["blind"] as? Bool == true)
        #expect(created["version"] as? Int == 1)

        // Blind: blue sees that it exists, nothing more, until red submits.
        let hidden = try object(try blue.run(["test", "get", id, "--json"]))
        #expect(hidden["redacted"] as? Bool == true)
        #expect(!(hidden["name"] is String))

        var version = try red.version([
            "test", "update", id, "--version", "1", "--name", "Block command message (PLC 5)", "--json",
        ])
        let stale = try red.run(["test", "update", id, "--version", "1", "--name", "late"])
        #expect(stale.status == 2)
        #expect(stale.stderr.hasPrefix("aegisctl: CONFLICT: "), "\(stale.stderr)")
        let early = try red.run(["test", "pause", id, "--version", "\(version)"])
        #expect(early.status == 2)
        #expect(early.stderr.contains("INVALID_TRANSITION"))

        version = try red.move(["test", "ready", id], version, to: "ready")
        version = try red.move(["test", "start", id], version, to: "red_running")
        version = try red.move(["test", "pause", id], version, to: "red_paused")
        version = try red.move(["test", "resume", id], version, to: "red_running")
        let wrongSide = try red.run(["test", "review", id, "--version", "\(version)"])
        #expect(wrongSide.status == 2)
        #expect(wrongSide.stderr.contains("PERMISSION_DENIED"))

        // Red evidence: small, in one call.
        let files = daemon.directory.url
        let small = files.appendingPathComponent("screenshot.png")
        try Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: small)
        let smallUpload = try object(
            try red.run([
                "evidence", "upload", id, small.path, "--side", "red", "--caption", "the command ran", "--json",
            ]))
        #expect(smallUpload["sha256"] as? String == (try sha256sum(small)))
        #expect(smallUpload["size"] as? Int == 20_000)

        let submitted = try red.run([
            "test", "submit-red", id, "--version", "\(version)", "--outcome", "executed", "--attack-started",
            "2025-03-01T12:00:00Z", "--attack-stopped", "2025-03-01T13:05:00.250+01:00", "--command",
            "modbus-cli write 10.0.0.5 1 0", "--notes", "ran twice", "--json",
        ])
        let red1 = try object(submitted)
        #expect(red1["state"] as? String == "blue_pending")
        version = try #require(red1["version"] as? Int)
        let redResult = try #require(red1["red"] as? [String: Any])
        #expect(redResult["attack_stopped_at"] as? String == "2025-03-01T12:05:00Z")

        // Blue hears about it.
        let unread = try array(try blue.run(["notifications", "--unread", "--json"]))
        #expect(unread.contains { $0["kind"] as? String == "test.needs_blue" && $0["test_id"] as? String == id })
        #expect(try blue.run(["notifications", "--unread"]).stdout.contains("test.needs_blue"))
        let marked = try blue.run(["notifications", "read", "--all"])
        #expect(
            marked.stdout.contains("marked \(unread.count) notification(s) read"), "\(marked.stdout)\(marked.stderr)")
        #expect(try array(try blue.run(["notifications", "--unread", "--json"])).isEmpty)

        version = try blue.move(["test", "review", id], version, to: "blue_review")

        // Blue evidence: over 1 MiB, in chunks with progress.
        let capture = files.appendingPathComponent("capture.pcap")
        var bytes = [UInt8](repeating: 0, count: 2_500_123)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in bytes.indices {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[i] = UInt8(truncatingIfNeeded: seed >> 33)
        }
        try Data(bytes).write(to: capture)
        let bigUpload = try blue.run(
            [
                "evidence", "upload", id, capture.path, "--side", "blue", "--chunk-bytes", "1048576", "--caption",
                "pcap",
                "--json",
            ])
        #expect(bigUpload.status == 0, "\(bigUpload.stderr)")
        #expect(bigUpload.stderr.contains("uploading capture.pcap"))
        let big = try object(bigUpload)
        #expect(big["sha256"] as? String == (try sha256sum(capture)))
        #expect(big["size"] as? Int == 2_500_123)

        let blueSubmit = try object(
            try blue.run([
                "test", "submit-blue", id, "--version", "\(version)", "--prevented", "none", "--alerted", "--severity",
                "high", "--logged", "--detected-at", "2025-03-01T12:01:30Z", "--tool", "Zeek", "--tool", "ICS IDS",
                "--json",
            ]))
        #expect(blueSubmit["state"] as? String == "awaiting_validation")
        #expect(blueSubmit["outcome"] as? String == "detected")
        version = try #require(blueSubmit["version"] as? Int)

        // Dual validation: each lead approves their own side.
        let notRed = try blue.run(["test", "approve", id, "--version", "\(version)", "--side", "red"])
        #expect(notRed.status == 2)
        #expect(notRed.stderr.contains("PERMISSION_DENIED"))
        version = try red.move(["test", "approve", id, "--side", "red"], version, to: "awaiting_validation")
        version = try blue.move(["test", "approve", id, "--side", "blue"], version, to: "validated")
        let remediation = try object(
            try blue.run([
                "test", "remediation", id, "--version", "\(version)", "--owner", "SOC", "--due", "2025-04-01T00:00:00Z",
                "--json",
            ]))
        version = try #require(remediation["version"] as? Int)
        #expect((remediation["remediation"] as? [String: Any])?["owner"] as? String == "SOC")

        let shown = try blue.run(["test", "get", id])
        #expect(shown.stdout.contains("validated"))
        #expect(shown.stdout.split(separator: "\n").contains { $0.hasPrefix("outcome ") && $0.hasSuffix(" detected") })
        #expect(shown.stdout.contains("Zeek, ICS IDS"))
        let validated = try array(try red.run(["test", "list", "--state", "validated", "--json"]))
        #expect(validated.map { $0["id"] as? String } == [id])

        // Evidence comes back byte for byte, checked against its hash.
        let smallID = try #require(smallUpload["id"] as? String)
        let bigID = try #require(big["id"] as? String)
        let listed = try array(try red.run(["evidence", "list", id, "--json"]))
        #expect(Set(listed.compactMap { $0["id"] as? String }) == [smallID, bigID])
        // Paged by the server, in upload order; --limit stops early.
        #expect(listed.compactMap { $0["id"] as? String } == [smallID, bigID])
        let onePage = try array(try red.run(["evidence", "list", id, "--limit", "1", "--json"]))
        #expect(onePage.compactMap { $0["id"] as? String } == [smallID])
        let smallCopy = files.appendingPathComponent("copy.png")
        let fetchedSmall = try red.run(["evidence", "download", smallID, "--out", smallCopy.path])
        #expect(fetchedSmall.status == 0, "\(fetchedSmall.stderr)")
        #expect(fetchedSmall.stdout.contains(try sha256sum(small)))
        #expect(try Data(contentsOf: smallCopy) == Data(contentsOf: small))
        let bigCopy = files.appendingPathComponent("copy.pcap")
        let fetched = try object(try blue.run(["evidence", "download", bigID, "--out", bigCopy.path, "--json"]))
        #expect(fetched["sha256"] as? String == (try sha256sum(capture)))
        #expect(try Data(contentsOf: bigCopy) == Data(contentsOf: capture))
        let again = try blue.run(["evidence", "download", bigID, "--out", bigCopy.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("--force"))
        try Data("stale".utf8).write(to: bigCopy)
        #expect(try blue.run(["evidence", "download", bigID, "--out", bigCopy.path, "--force"]).status == 0)
        #expect(try Data(contentsOf: bigCopy) == Data(contentsOf: capture))
        #expect(try red.run(["evidence", "delete", smallID]).status == 0)
        #expect(try array(try red.run(["evidence", "list", id, "--json"])).count == 1)

        // The history: timeline and audit show every move.
        let timeline = try red.run(["test", "timeline", id])
        #expect(timeline.stdout.contains("test.submit_blue"))
        #expect(timeline.stdout.contains("test.update_remediation"))
        let audit = try array(try admin.run(["audit", "--entity-kind", "test", "--entity-id", id, "--json"]))
        let actions = audit.compactMap { $0["action"] as? String }
        for action in [
            "test.create", "test.update", "test.mark_ready", "test.start", "test.pause", "test.resume",
            "test.submit_red",
            "test.start_review", "test.submit_blue", "test.approve", "test.update_remediation",
        ] {
            #expect(actions.contains(action), "\(action) missing from \(actions)")
        }
        let auditTable = try admin.run(["audit", "--entity-kind", "test", "--action", "test.approve"])
        #expect(auditTable.stdout.hasPrefix("AT"))
        #expect(auditTable.stdout.contains("side=red") && auditTable.stdout.contains("side=blue"))
        let forbidden = try Shell(daemon, config: "nobody").run(
            ["audit"], extra: ["AEGIS_API_KEY": try viewerKey(admin)])
        #expect(forbidden.status == 2)
        #expect(forbidden.stderr.contains("PERMISSION_DENIED"))

        // A retest, then cancelled.
        let retest = try object(try red.run(["test", "retest", id, "--version", "\(version)", "--json"]))
        let retestID = try #require(retest["id"] as? String)
        #expect(retest["state"] as? String == "ready")
        #expect(retest["retest_of"] as? String == id)
        let cancelled = try object(
            try red.run([
                "test", "cancel", retestID, "--version", "\(try #require(retest["version"] as? Int))", "--reason",
                "duplicate", "--json",
            ]))
        #expect(cancelled["state"] as? String == "cancelled")

        // The tail printed every test event once, in seq order, without gaps.
        let client = try AegisClient(endpoint: daemon.rpc, apiKey: try adminKey(daemon))
        let expected = try testEvents(client)
        #expect(expected.count == 15)
        #expect(tail.waitForLines(expected.count), "tail printed \(tail.lines.count) of \(expected.count) lines")
        let printed = try tail.lines.map { line -> [String: Any] in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(printed.map { $0["seq"] as? Int } == expected.map { Int($0.seq) })
        #expect(printed.map { $0["type"] as? String } == expected.map(\.type))
        #expect(printed.allSatisfy { ($0["type"] as? String)?.hasPrefix("test.") == true })

        // Started late, it replays the history in the line format people read.
        let late = try BackgroundCommand(
            ["events", "watch", "--topic", "test.state", "--topic", "test.validated", "--from", "0"],
            environment: admin.environment)
        defer { late.stop() }
        let moves = expected.filter { $0.type.hasPrefix("test.state") || $0.type.hasPrefix("test.validated") }
        #expect(late.waitForLines(moves.count))
        let first = try #require(late.lines.first)
        let fields = first.components(separatedBy: "  ")
        #expect(fields.count == 5, "\(first)")
        #expect(fields.first == String(moves[0].seq))
        #expect(fields.count > 2 && fields[2] == "test.state_changed")
        #expect(fields.count > 3 && fields[3] == "test:\(id)")
        #expect(first.contains("action=mark_ready from=draft technique_id=T0803 to=ready"))
        #expect(late.lines.map { $0.components(separatedBy: "  ").first ?? "" } == moves.map { String($0.seq) })
        #expect(late.stop(), "events tail ends on SIGTERM")
        #expect(tail.stop(), "events tail ends on SIGTERM")
        #expect(daemon.terminate() == 0)
    }

    // MARK: Templates

    @Test func withoutAFormatEachFileIsToldApartByContent() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let atomic = TestData.shared.appendingPathComponent("atomic-red-team/atomics/T1014/T1014.yaml")
        let ability = try #require(
            try yamlFiles(TestData.shared.appendingPathComponent("caldera-stockpile/data/abilities")).first)
        let result = try admin.run(["template", "import", atomic.path, ability.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try #require(try object(result)["files"] as? [[String: Any]])
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0["status"] as? String == "imported" })
        #expect(try array(try admin.run(["template", "list", "--format", "atomic", "--json"])).count >= 1)
        #expect(try array(try admin.run(["template", "list", "--format", "caldera", "--json"])).count >= 1)
    }

    @Test func templatesImportFromAtomicAndCalderaAndBecomeTests() throws {
        let daemon = try DaemonProcess(environment: ["AEGIS_ATTACK_DATA": TestData.icsBundle.path])
        let admin = Shell(daemon, config: "admin-config")
        let atomics = TestData.shared.appendingPathComponent("atomic-red-team/atomics")
        let atomicFiles = ["T1014", "T1018", "T1006"].map { atomics.appendingPathComponent("\($0)/\($0).yaml").path }

        // A folder of our own: found recursively, one valid file and one broken one.
        let own = daemon.directory.url.appendingPathComponent("own")
        try FileManager.default.createDirectory(
            at: own.appendingPathComponent("ics"), withIntermediateDirectories: true)
        try Data(Self.ownAtomic.utf8).write(to: own.appendingPathComponent("ics/T0803.yaml"))
        try Data("attack_technique: T0803\natomic_tests: [1, 2\n".utf8).write(
            to: own.appendingPathComponent("broken.yml"))
        try Data("not yaml at all".utf8).write(to: own.appendingPathComponent("README.md"))

        let imported = try admin.run(["template", "import", "--format", "atomic"] + atomicFiles + [own.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let lines = imported.stdout.split(separator: "\n").map(String.init)
        for file in atomicFiles {
            #expect(lines.contains { $0.hasPrefix("imported ") && $0.contains(file) }, "\(file)")
        }
        #expect(lines.contains { $0.hasPrefix("imported ") && $0.hasSuffix("ics/T0803.yaml  (1 template(s))") })
        #expect(lines.contains { $0.hasPrefix("invalid ") && $0.contains("broken.yml: ") })
        #expect(!imported.stdout.contains("README.md"))
        let totals = try #require(lines.last)
        #expect(totals.hasPrefix("5 file(s): 4 imported, 0 skipped, 1 invalid;"), "\(totals)")
        #expect(totals.contains("updated 0"))

        // Again: the same templates, left as they are.
        let again = try object(try admin.run(["template", "import", "--format", "atomic", "--json"] + atomicFiles))
        let atomicCount = try array(try admin.run(["template", "list", "--format", "atomic", "--json"])).count
        #expect(again["added"] as? Int == 0)
        #expect(again["updated"] as? Int == 0)
        #expect(again["unchanged"] as? Int == atomicCount - 1)

        // Caldera abilities, in several batches.
        let abilities = TestData.shared.appendingPathComponent("caldera-stockpile/data/abilities")
        let abilityFiles = try yamlFiles(abilities)
        let caldera = try admin.run(
            ["template", "import", "--format", "caldera", abilities.path, "--batch-bytes", "20000", "--json"])
        #expect(caldera.status == 0, "\(caldera.stderr)")
        #expect(caldera.stderr.contains("batch 2 of"))
        let report = try object(caldera)
        let reported = try #require(report["files"] as? [[String: Any]])
        #expect(reported.count == abilityFiles.count)
        #expect(
            Set(reported.compactMap { $0["path"] as? String }.map { URL(fileURLWithPath: $0).lastPathComponent })
                == Set(abilityFiles.map(\.lastPathComponent)))
        let added = try #require(report["added"] as? Int)
        #expect(added > 50)
        #expect(reported.filter { $0["status"] as? String == "imported" }.count > 50)
        #expect(try array(try admin.run(["template", "list", "--format", "caldera", "--json"])).count == added)

        // A template becomes a test, its inputs rendered.
        let ours = try array(try admin.run(["template", "list", "--technique", "T0803", "--json"]))
        #expect(ours.count == 1)
        let templateID = try #require(ours.first?["id"] as? String)
        let shown = try admin.run(["template", "get", templateID])
        #expect(shown.stdout.contains("Drop Modbus writes"))
        #expect(shown.stdout.contains("target=10.0.0.5"))
        let test = try object(
            try admin.run([
                "test", "from-template", templateID, "--input", "target=192.168.7.7", "--platform", "linux", "--json",
            ]))
        #expect(test["technique_id"] as? String == "T0803")
        #expect(test["template_id"] as? String == templateID)
        #expect((test["command"] as? String)?.contains("-d 192.168.7.7 ") == true)
        let badInput = try admin.run(["test", "from-template", templateID, "--input", "=x"])
        #expect(badInput.status == 64)

        let rootkit = try #require(
            try array(try admin.run(["template", "list", "--technique", "T1014", "--json"])).first)
        let rootkitID = try #require(rootkit["id"] as? String)
        let staleDelete = try admin.run(["template", "delete", rootkitID, "--version", "99"])
        #expect(staleDelete.status == 2)
        #expect(staleDelete.stderr.contains("CONFLICT"))
        let version = try #require(rootkit["version"] as? Int)
        #expect(try admin.run(["template", "delete", rootkitID, "--version", "\(version)"]).status == 0)
        let gone = try admin.run(["template", "get", rootkitID])
        #expect(gone.status == 2)
        #expect(gone.stderr.hasPrefix("aegisctl: NOT_FOUND: "))
        #expect(daemon.terminate() == 0)
    }

    // MARK: SHA-256

    /// aegisctl's own SHA-256 against sha256sum, around every padding edge.
    @Test func theHashMatchesSha256sum() throws {
        let directory = try TemporaryDirectory()
        var paths: [String] = []
        for size in [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 1_048_576 + 17] {
            let url = directory.url.appendingPathComponent("f\(size)")
            try Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ size) }).write(to: url)
            paths.append(url.path)
        }
        let abc = directory.url.appendingPathComponent("abc")
        try Data("abc".utf8).write(to: abc)
        paths.append(abc.path)
        let ours = try aegisctl(["evidence", "hash"] + paths, environment: [:])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stdout == (try run("sha256sum", paths)))
        #expect(ours.stdout.contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  \(abc.path)"))
        #expect(
            ours.stdout.hasPrefix("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  "))
    }

    // MARK: Helpers

    static let ownAtomic = """
        attack_technique: T0803
        display_name: Block Command Message
        atomic_tests:
        - name: Drop Modbus writes
          auto_generated_guid: 6f1c9a52-2b1e-4c3e-9a57-0e6f2d1b7c11
          description: Blocks command messages to a PLC.
          supported_platforms:
          - linux
          input_arguments:
            target:
              description: PLC address
              type: string
              default: 10.0.0.5
          executor:
            name: sh
            command: |
              iptables -A OUTPUT -d #{target} -p tcp --dport 502 -j DROP
            cleanup_command: |
              iptables -D OUTPUT -d #{target} -p tcp --dport 502 -j DROP

        """

    private func testEvents(_ client: AegisClient) throws -> [AegisEvent] {
        var events: [AegisEvent] = []
        var after: Int64 = 0
        while true {
            let page = try client.call("events.replay", ["after_seq": .int(after), "limit": 1000])
            let items = (page["items"]?.arrayValue ?? []).compactMap(AegisEvent.init)
            guard let last = items.last else { break }
            events += items.filter { $0.type.hasPrefix("test.") }
            after = last.seq
        }
        return events
    }

    private func adminKey(_ daemon: DaemonProcess) throws -> String {
        try String(contentsOf: daemon.dataDirectory.appendingPathComponent("admin.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func viewerKey(_ admin: Shell) throws -> String {
        let created = try object(try admin.run(["api-key", "create", "viewer", "--role", "viewer", "--json"]))
        return try #require(created["key"] as? String)
    }

    private func yamlFiles(_ folder: URL) throws -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var out: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if ["yml", "yaml"].contains(url.pathExtension) { out.append(url) }
        }
        return out
    }
}

// MARK: Small things


private func array(_ result: CommandResult) throws -> [[String: Any]] {
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stdout)")
}

private func mode(_ url: URL) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) & 0o777
}

private func parseISO(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
}

/// `sha256sum`'s hex digest of a file.
private func sha256sum(_ url: URL) throws -> String {
    String(try run("sha256sum", [url.path]).prefix(64))
}

/// Runs a program from PATH; returns its stdout.
private func run(_ program: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(program) failed")
    return String(decoding: data, as: UTF8.self)
}
