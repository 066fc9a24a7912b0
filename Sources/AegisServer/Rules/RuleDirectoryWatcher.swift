import AegisApp
import AegisDomain
import AegisRuntime
import Foundation
import Logging
import Synchronization

/// Keeps the store's directory rules equal to the rules directory
/// (`rules_dir`): watches it with inotify and, once changes have been quiet
/// for `debounce`, rescans it and syncs (``RuleDirectorySync``). It also
/// rescans at start, when this instance becomes the leader, and every
/// `periodic` as a safety net (every `retry` while the directory cannot be
/// read). Every instance runs one; only the leader syncs, the others see
/// the rules through the store.
final class RuleDirectoryWatcher: @unchecked Sendable {
    struct Timing: Sendable {
        /// Quiet time after a change before the rescan.
        var debounce: Duration = .milliseconds(250)
        /// Longest a rescan waits while changes keep coming.
        var maxDelay: Duration = .seconds(2)
        /// Rescan without a change seen.
        var periodic: Duration = .seconds(60)
        /// Rescan while the directory is missing or unreadable, or after a failed sync.
        var retry: Duration = .seconds(1)
        /// How often a follower checks whether it leads now.
        var leaderCheck: Duration = .milliseconds(500)
    }

    let status: RuleDirectoryStatus
    private let scanner: RuleDirectoryScanner
    private let env: AppEnvironment
    /// Used by the watcher's thread alone.
    private let session: any StoreSession
    private let logger: Logger
    private let timing: Timing
    private let notifier: DirectoryNotifier?

    init(
        directory: URL, env: AppEnvironment, session: any StoreSession, logger: Logger, timing: Timing = Timing()
    ) {
        self.scanner = RuleDirectoryScanner(root: directory)
        self.status = RuleDirectoryStatus(directory: directory.path)
        self.env = env
        self.session = session
        self.logger = logger
        self.timing = timing
        do {
            notifier = try DirectoryNotifier()
        } catch {
            notifier = nil
            logger.warning(
                "rules directory: no inotify; rescanning periodically only", metadata: ["error": .string("\(error)")])
        }
    }

    /// The watcher's thread.
    private(set) lazy var service = ThreadService(
        name: "aegis-rules-dir", onStop: { [notifier] in notifier?.wake() },
        body: { [weak self] signal in self?.run(signal) })

    private func run(_ signal: StopSignal) {
        let sync = RuleDirectorySync(
            env: env, context: CallContext(requestID: "rules-dir", principal: nil, peer: nil, session: session))
        var leading = false
        var due: ContinuousClock.Instant? = nil
        var firstChange: ContinuousClock.Instant? = nil
        var nextRescan = ContinuousClock.now
        while !signal.isStopping {
            let leader = env.isLeader()
            if leader && !leading {
                logger.info("rules directory: leading; syncing", metadata: ["directory": .string(status.directory ?? "")])
                nextRescan = .now
            }
            if !leader { status.watching = false }
            leading = leader
            let now = ContinuousClock.now
            if leading, now >= nextRescan || due.map({ now >= $0 }) == true {
                due = nil
                firstChange = nil
                nextRescan = .now + rescan(sync)
            }
            var wait = timing.leaderCheck
            if leading {
                let next = min(nextRescan, due ?? nextRescan)
                wait = max(.zero, min(next - .now, timing.periodic))
            }
            guard let notifier else {
                signal.wait(min(wait, timing.retry))
                continue
            }
            let seen = notifier.wait(wait)
            if seen.changed, leading {
                let now = ContinuousClock.now
                let first = firstChange ?? now
                firstChange = first
                due = min(now + timing.debounce, first + timing.maxDelay)
            }
        }
        status.watching = false
    }

    /// Scans and syncs once; returns how long until the next rescan.
    private func rescan(_ sync: RuleDirectorySync) -> Duration {
        let scan = scanner.scan()
        let readable = scan.resolvedRoot != nil
        if let notifier {
            let before = notifier.watchProblem
            notifier.watch(scan.folders)
            if let problem = notifier.watchProblem, problem != before {
                logger.warning(
                    "rules directory: a folder is not watched; it is rescanned every minute",
                    metadata: ["error": .string(problem)])
            }
        }
        let wasReadable = status.readable
        status.readable = readable
        status.watching = readable
        if readable && !wasReadable && status.hasScanned {
            logger.notice("rules directory readable again", metadata: ["directory": .string(status.directory ?? "")])
        }
        status.hasScanned = true
        do {
            let summary = try sync.sync(scan.listing, read: scanner.read)
            log(summary)
        } catch {
            logger.warning("rules directory: sync failed; retrying", metadata: ["error": .string("\(error)")])
            return timing.retry
        }
        return readable ? timing.periodic : timing.retry
    }

    private func log(_ summary: RuleDirectorySyncSummary) {
        for (name, error) in summary.failed.sorted(by: { $0.key < $1.key }) {
            logger.warning(
                "rules directory: a file or folder could not be synced; its rules stay as they were",
                metadata: ["source": .string(name), "error": .string(error)])
        }
        guard !summary.synced.isEmpty || !summary.removed.isEmpty else { return }
        logger.info(
            "rules directory synced",
            metadata: [
                "synced": .stringConvertible(summary.synced.count), "removed": .stringConvertible(summary.removed.count),
                "unchanged": .stringConvertible(summary.unchanged),
            ])
    }
}

/// What `rule.sources` tells of this instance's rules directory.
final class RuleDirectoryStatus: Sendable {
    /// The `rules_dir` setting; nil when none.
    let directory: String?
    private let flags = Mutex((watching: false, readable: true, scanned: false))

    init(directory: String?) { self.directory = directory }

    /// This instance leads and watches the directory, which it can read.
    var watching: Bool {
        get { flags.withLock { $0.watching } }
        set { flags.withLock { $0.watching = newValue } }
    }

    /// The directory could be read at the last scan.
    var readable: Bool {
        get { flags.withLock { $0.readable } }
        set { flags.withLock { $0.readable = newValue } }
    }

    var hasScanned: Bool {
        get { flags.withLock { $0.scanned } }
        set { flags.withLock { $0.scanned = newValue } }
    }
}
