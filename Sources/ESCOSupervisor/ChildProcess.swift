public import ESCOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn` in its own process group, supervised like an init system
/// would (docs/ARCHITECTURE.md#supervisor): clean signal state, scrubbed systemd variables, group-wide termination.
///
/// Not `Foundation.Process`: we need `POSIX_SPAWN_SETPGROUP`, `SETSIGMASK` and `SETSIGDEF`, and statuses that
/// come from the one `ProcessReaper` (a PID-1 supervisor reaps every child).
public final class ChildProcess: Sendable {
    /// Variables removed from the child's environment: the child must not talk to systemd as us.
    public static let scrubbedEnvironment: Set<String> = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]
    /// Signals whose handlers are reset to the default in the child (an ignored signal survives exec).
    static let defaultedSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2]
    /// How often a waiter asks the reaper: an ingestion runs for minutes, so 20 ms is prompt and cheap.
    static let pollInterval = Duration.milliseconds(20)

    /// Process id, also the process group id.
    public let pid: Int32
    let reaper: ProcessReaper

    /// Starts `arguments[0]` (looked up in `PATH` when it has no slash) with `environment`.
    public static func spawn(
        arguments: [String], environment: [String: String], reaper: ProcessReaper = .shared
    ) throws(ChildProcessError) -> ChildProcess {
        guard let executable = arguments.first else { throw ChildProcessError(arguments: arguments, errno: EINVAL) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultedSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let environmentLines = environment.filter { !scrubbedEnvironment.contains($0.key) }
            .map { "\($0.key)=\($0.value)" }.sorted()
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = reaper.spawnRegistered {
            let code = posix_spawnp(&pid, executable, nil, &attributes, argv, envp)
            return (code, pid)
        }
        guard result == 0 else { throw ChildProcessError(arguments: arguments, errno: result) }
        return ChildProcess(pid: pid, reaper: reaper)
    }

    init(pid: pid_t, reaper: ProcessReaper) {
        self.pid = pid
        self.reaper = reaper
    }

    deinit { reaper.forget(pid) }

    /// The exit status once the child has ended, else nil.
    public var exitStatus: ChildExit? { reaper.status(of: pid) }

    /// Waits for the child to end: its exit code or the signal that killed it. Not cancellable: a child that
    /// was started is waited for (teardown decides how long it may take).
    public func wait() async -> ChildExit {
        while true {
            if let exit = reaper.status(of: pid) { return exit }
            do { try await Task.sleep(for: Self.pollInterval) } catch {
                // Cancelled (the supervisor never cancels a pending wait; a caller might): the child must still
                // be waited for, so keep the pace without the task's sleep rather than spin.
                usleep(20_000)
            }
        }
    }

    /// The status if the child ends within `limit`, else nil. The waiter and the timer race in one task group;
    /// the loser is cancelled, so no wait outlives the call.
    public func exit(within limit: Duration) async -> ChildExit? {
        await withTaskGroup(of: ChildExit?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    if let exit = self.reaper.status(of: self.pid) { return exit }
                    try? await Task.sleep(for: Self.pollInterval)
                }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Sends `signal` to the whole process group (ESRCH, a group already gone, is ignored).
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// One step of a teardown (swift-subprocess's `TeardownStep`): a signal to the group and how long the child
    /// may take to exit after it.
    public struct TeardownStep: Sendable, Hashable {
        public var signal: Int32
        public var allowedDuration: Duration

        public static func send(signal: Int32, allowedDuration: Duration) -> TeardownStep {
            TeardownStep(signal: signal, allowedDuration: allowedDuration)
        }
    }

    /// Runs `steps` in order until the child exits; SIGKILL to the group if it outlives them all. Stragglers
    /// left in the group after the leader exits are killed too.
    @discardableResult
    public func teardown(_ steps: [TeardownStep]) async -> ChildExit {
        var outcome: ChildExit?
        for step in steps where outcome == nil {
            signalGroup(step.signal)
            outcome = await exit(within: step.allowedDuration)
        }
        if outcome == nil { signalGroup(SIGKILL) }
        let exit = await wait()
        if kill(-pid, 0) == 0 { signalGroup(SIGKILL) }
        return exit
    }

    /// `signal` to the group, then SIGKILL if the child still runs after `grace`.
    @discardableResult
    public func terminate(signal: Int32 = 15 /* SIGTERM */, grace: Duration = .seconds(8)) async -> ChildExit {
        await teardown([.send(signal: signal, allowedDuration: grace)])
    }
}

/// The ingest child could not be started: `posix_spawn` failed (the program is missing or not executable).
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case spawnFailed }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// `posix_spawn` refused the program (`errno` says why).
        public static let spawnFailed = Code(.spawnFailed)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var arguments: [String]
    public var errno: Int32

    public init(code: Code = .spawnFailed, arguments: [String], errno: Int32) {
        self.code = code
        self.arguments = arguments
        self.errno = errno
    }

    public var description: String {
        "could not start \(arguments.first ?? "(no program)"): \(String(cString: strerror(errno)))"
            + " (errno \(errno)); check the ingest command's path and permissions"
    }
}
