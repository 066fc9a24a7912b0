import AegisApp
import AegisDomain
import AegisTestSupport
import Foundation
import Synchronization
import Testing

@testable import AegisStore

/// A clock the test moves by hand; it stands still between moves, so two
/// edits can fall within one tick.
final class ManualClock: WallClock {
    private let time: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { time = Mutex(start) }
    func now() -> Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}

/// The rule store's conformance behaviours, on whichever store the run uses
/// (make test runs them on SQLite and on PostgreSQL): default state, set/get
/// round trip, one change per edit, expiry that reverts and announces once,
/// followers that do not lose changes for each other, two edits in one
/// clock tick, and state seen from another instance.
@Suite struct RuleStoreConformanceTests {
    let dir: TemporaryDirectory
    let url: String
    let store: any StoreProvider
    let clock = ManualClock()
    let lead = Principal(kind: .apiKey, id: "key_lead", name: "lead", roles: [.blueLead])

    init() throws {
        dir = try TemporaryDirectory()
        url = try TestStore.freshURL(in: dir.url)
        store = try TestStore.open(url)
    }

    /// A service on its own session of `provider` (another instance when
    /// `provider` is another store opened on the same database).
    func service(_ provider: (any StoreProvider)? = nil, instance: String = "a") throws -> RuleService {
        let provider = provider ?? store
        let env = AppEnvironment(
            clock: clock, crypto: TestCrypto(),
            uploads: try FileUploadStaging(root: dir.url.appendingPathComponent("uploads")),
            blobs: try FileBlobStore(root: dir.url.appendingPathComponent("blobs")), instanceID: instance,
            version: "0", startedAt: Date(), storeKind: provider.kind)
        return RuleService(
            env: env,
            context: CallContext(requestID: "r", principal: lead, peer: nil, session: try provider.openSession()))
    }

    static func definition(_ id: String, name: String = "Suspicious thing") -> RuleDefinition {
        RuleDefinition(
            id: id, format: .sigma, name: name, techniqueIDs: ["T1059", "T1059.001"], tacticIDs: ["TA0002"],
            level: "high", evaluable: true, logsource: ["product": "windows", "category": "process_creation"],
            sourceText: "title: \(name)\nid: \(id)\n")
    }

    func events(_ service: RuleService, type prefix: String = "rule.") throws -> [StoredEvent] {
        try service.context.session.read { try $0.events.events(after: 0, limit: 1000) }
            .filter { $0.event.type.rawValue.hasPrefix(prefix) }
    }

    func changes(_ service: RuleService) throws -> [RuleChange] {
        try service.context.session.read { try $0.rules.changes(after: 0, limit: 1000) }
    }

    @Test func aRuleNobodySetAStateForIsEnabledAndAnUnknownRuleIsNotFound() throws {
        let rules = try service()
        #expect(try rules.put([Self.definition("r-1")], origin: .import, sourceName: "a.yml", action: "rule.import") == [.imported])
        let view = try rules.rule(id: "r-1")
        #expect(view.stateInForce == .default && view.rule.version == 1 && view.rule.revision == 1)
        let missing = #expect(throws: AegisError.self) {
            try rules.setState(id: "r-404", version: 1, change: RuleStateChange(kind: .disabled))
        }
        #expect(missing?.code == .notFound)
        #expect(throws: AegisError.self) { try rules.rule(id: "r-404") }
    }

    @Test func aStateSetIsReadBackWithWhoSetItAndWhen() throws {
        let rules = try service()
        _ = try rules.put([Self.definition("r-1")], origin: .import, sourceName: "a.yml", action: "rule.import")
        let expiry = clock.now().addingTimeInterval(3600)
        let set = try rules.setState(
            id: "r-1", version: 1,
            change: RuleStateChange(kind: .clipped, confidenceMax: 40, expiresAt: expiry, reason: "noisy on build hosts"))
        let read = try rules.rule(id: "r-1")
        #expect(read.rule.state == set.rule.state)
        #expect(read.rule.state.kind == .clipped && read.rule.state.confidenceMax == 40)
        #expect(read.rule.state.setBy == "api_key:key_lead" && read.rule.state.setAt == clock.now())
        #expect(read.rule.state.expiresAt == expiry && read.rule.state.reason == "noisy on build hosts")
        #expect(read.rule.version == 2 && read.rule.revision == 2)
        // A stale version, a past expiry and a clip without a cap are refused; nothing changes.
        for (version, change, code) in [
            (1, RuleStateChange(kind: .disabled), ErrorCode.conflict),
            (2, RuleStateChange(kind: .disabled, expiresAt: clock.now()), .invalidArgument),
            (2, RuleStateChange(kind: .clipped), .invalidArgument),
            (2, RuleStateChange(kind: .enabled, confidenceMax: 3), .invalidArgument),
        ] {
            let error = #expect(throws: AegisError.self) { try rules.setState(id: "r-1", version: version, change: change) }
            #expect(error?.code == code)
        }
        #expect(try rules.rule(id: "r-1").rule == read.rule)
        #expect(try changes(rules).count == 2)
    }

    @Test func eachEditIsOneChangeAndOneEventNeverBatched() throws {
        let rules = try service()
        _ = try rules.put([Self.definition("r-1"), Self.definition("r-2")], origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try rules.setState(id: "r-1", version: 1, change: RuleStateChange(kind: .disabled))
        _ = try rules.setState(id: "r-1", version: 2, change: RuleStateChange(kind: .enabled))
        _ = try rules.put([Self.definition("r-2", name: "Renamed")], origin: .import, sourceName: "a.yml", action: "rule.import")
        try rules.delete(id: "r-2", version: 2)
        let log = try changes(rules)
        #expect(log.map(\.revision) == [1, 2, 3, 4, 5, 6])
        #expect(log.map(\.kind) == [.created, .created, .stateChanged, .stateChanged, .updated, .deleted])
        let announced = try events(rules)
        #expect(announced.map(\.event.type.rawValue) == [
            "rule.created", "rule.created", "rule.state_changed", "rule.state_changed", "rule.updated", "rule.deleted",
        ])
        #expect(announced.map { $0.event.payload["revision"] } == (1...6).map { Value.int($0) })
        #expect(announced.last?.event.payload["kind"] == "deleted")
        // A repeat of the same file changes nothing and announces nothing.
        #expect(try rules.put([Self.definition("r-1")], origin: .import, sourceName: "a.yml", action: "rule.import") == [.unchanged])
        #expect(try changes(rules).count == 6)
    }

    @Test func anExpiredStateRevertsToEnabledAndIsAnnouncedOnceWhenTwoInstancesRace() throws {
        let other = try TestStore.open(url)
        let a = try service()
        let b = try service(other, instance: "b")
        _ = try a.put([Self.definition("r-1")], origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try a.setState(
            id: "r-1", version: 1,
            change: RuleStateChange(kind: .disabled, expiresAt: clock.now().addingTimeInterval(60), reason: "change window"))
        #expect(try a.nextStateExpiry() == clock.now().addingTimeInterval(60))
        #expect(try a.revertExpiredStates() == 0)
        clock.advance(60)
        // Past its expiry the state is in force as enabled, before any revert ran.
        #expect(try b.rule(id: "r-1").stateInForce.kind == .enabled)
        #expect(try b.list(RuleFilters(state: .enabled)).items.map(\.rule.id) == ["r-1"])
        #expect(try b.list(RuleFilters(state: .disabled)).items.isEmpty)
        let results = [a, b].map { service in Result { try service.revertExpiredStates() } }
        #expect(try results.map { try $0.get() }.reduce(0, +) == 1)
        let announced = try events(a, type: "rule.state_changed")
        #expect(announced.count == 2)
        #expect(announced.last?.event.payload["auto_revert"] == true)
        #expect(announced.last?.event.payload["previous"]?.mapValue?["state"] == "disabled")
        #expect(try a.rule(id: "r-1").rule.state == .default)
        #expect(try a.nextStateExpiry() == nil)
    }

    @Test func aFollowerThatFailsDoesNotLoseTheChangeForOthers() throws {
        let rules = try service()
        _ = try rules.put([Self.definition("r-1")], origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try rules.setState(id: "r-1", version: 1, change: RuleStateChange(kind: .disabled))
        var healthy = RuleFollower()
        var failing = RuleFollower()
        var seenByHealthy: [Int64] = []
        for change in try changes(rules) {
            if case .apply(let c) = healthy.observe(change) { seenByHealthy.append(c.revision) }
        }
        // The failing one takes the first change, then fails before taking the second: it keeps its place.
        var copy = failing
        _ = copy.observe(try changes(rules)[0])
        failing = copy
        #expect(seenByHealthy == [1, 2] && healthy.applied == 2)
        #expect(failing.applied == 1)
        // Retried later, it gets the change it missed; a repeat is ignored; a gap asks for a reload.
        #expect(failing.observe(try changes(rules)[1]) == .apply(try changes(rules)[1]))
        #expect(failing.observe(try changes(rules)[1]) == .ignore)
        _ = try rules.setState(id: "r-1", version: 2, change: RuleStateChange(kind: .enabled))
        _ = try rules.setState(id: "r-1", version: 3, change: RuleStateChange(kind: .disabled))
        #expect(failing.observe(try changes(rules)[3]) == .reload)
        failing.reloaded(at: try rules.context.session.read { try $0.rules.currentRevision() })
        #expect(failing.applied == 4)
    }

    @Test func aRuleEditedTwiceWithinOneClockTickIsSeenTwice() throws {
        let rules = try service()
        _ = try rules.put([Self.definition("r-1")], origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try rules.put([Self.definition("r-1", name: "Two")], origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try rules.put([Self.definition("r-1", name: "Three")], origin: .import, sourceName: "a.yml", action: "rule.import")
        let log = try changes(rules)
        #expect(Set(log.map(\.at)).count == 1)
        #expect(log.map(\.kind) == [.created, .updated, .updated])
        var follower = RuleFollower()
        #expect(log.map { follower.observe($0) } == log.map { .apply($0) })
        #expect(try rules.rule(id: "r-1").rule.definition.name == "Three")
        #expect(try rules.rule(id: "r-1").rule.version == 3)
    }

    @Test func aStateSetOnOneInstanceIsSeenOnAnother() throws {
        let other = try TestStore.open(url)
        let a = try service()
        let b = try service(other, instance: "b")
        _ = try a.put([Self.definition("r-1")], origin: .import, sourceName: "a.yml", action: "rule.import")
        _ = try a.setState(id: "r-1", version: 1, change: RuleStateChange(kind: .clipped, confidenceMax: 20))
        let seen = try b.rule(id: "r-1")
        #expect(seen.stateInForce.kind == .clipped && seen.stateInForce.confidenceMax == 20)
        #expect(try b.list(RuleFilters(state: .clipped)).items.map(\.rule.id) == ["r-1"])
    }

    @Test func theRulesDirectoryOwnsItsRulesAndAnIdKeepsItsFormat() throws {
        let rules = try service()
        #expect(try rules.put([Self.definition("r-dir")], origin: .directory, sourceName: "win/a.yml", action: "rule.sync") == [.imported])
        let imported = try rules.put([Self.definition("r-dir"), Self.definition("r-new")], origin: .import, sourceName: "x.yml", action: "rule.import")
        #expect(imported.first.map { if case .refused = $0 { true } else { false } } == true)
        // Nothing of that file was written.
        #expect(throws: AegisError.self) { try rules.rule(id: "r-new") }
        let delete = #expect(throws: AegisError.self) { try rules.delete(id: "r-dir", version: 1) }
        #expect(delete?.code == .failedPrecondition)
        var elastic = Self.definition("r-dir")
        elastic.format = .elastic
        let clash = try rules.put([elastic], origin: .directory, sourceName: "win/a.yml", action: "rule.sync")
        #expect(clash == [.refused("rule r-dir is already a sigma rule")])
        try rules.removeDirectoryRule(id: "r-dir")
        #expect(throws: AegisError.self) { try rules.rule(id: "r-dir") }
    }
}
