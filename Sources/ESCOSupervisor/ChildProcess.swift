public import ESCOCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn` in its own process group, supervised like an init system
/// would (docs/ARCHITECTURE.md#supervisor): clean signal state, scrubbed systemd variables, group-wide termination.
///
/// Not `Foundation.Process`: we need `POSIX_SPAWN_SETPGROUP`, `SETSIGMASK` and `SETSIGDEF`, and a waiter
/// that cooperates with a PID-1 reaper.
public final class ChildProcess: Sendable {
    /// Variables removed from the child's environment: the child must not talk to systemd as us.
    public static let scrubbedEnvironment: Set<String> = ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"]
    /// Signals whose handlers are reset to the default in the child (an ignored signal survives exec).
    static let defaultedSignals: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2]

    /// Process id, also the process group id.
    public let pid: Int32
    let status: ChildStatusBox

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
        let box = ChildStatusBox()
        // Registration happens under the reaper's lock, so a PID-1 reaper cannot see the exit first.
        let result = reaper.spawnRegistered(box: box) {
            let code = posix_spawnp(&pid, executable, nil, &attributes, argv, envp)
            return (code, pid)
        }
        guard result == 0 else { throw ChildProcessError(arguments: arguments, errno: result) }
        let child = ChildProcess(pid: pid, status: box)
        if !reaper.isReapingAll { child.startWaiterThread() }
        return child
    }

    init(pid: pid_t, status: ChildStatusBox) {
        self.pid = pid
        self.status = status
    }

    /// A dedicated thread blocks in `waitpid` for this pid only: never on the cooperative pool.
    private func startWaiterThread() {
        let pid = self.pid
        let box = self.status
        let thread = Thread {
            var raw: Int32 = 0
            while true {
                let result = waitpid(pid, &raw, 0)
                if result == pid { break }
                if result == -1 && errno == EINTR { continue }
                // ECHILD: someone else reaped it; report what we know rather than hang.
                raw = 0x7f00
                break
            }
            box.complete(ChildExit(waitStatus: raw))
        }
        thread.name = "esco-child-\(pid)"
        thread.start()
    }

    /// The exit status once the child has ended, else nil.
    public var exitStatus: ChildExit? { status.result }

    /// Waits for the child to end: its exit code or the signal that killed it.
    public func wait() async -> ChildExit {
        await status.wait()
    }

    /// Sends `signal` to the whole process group (ESRCH, a group already gone, is ignored).
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// `signal` to the group, then SIGKILL to the group if the child is still running after `grace`.
    /// Stragglers left in the group after the leader exits are killed too.
    @discardableResult
    public func terminate(signal: Int32 = 15 /* SIGTERM */, grace: Duration = .seconds(8)) async -> ChildExit {
        signalGroup(signal)
        let exited = await status.wait(timeout: grace)
        if exited == nil { signalGroup(SIGKILL) }
        let outcome = await wait()
        if kill(-pid, 0) == 0 { signalGroup(SIGKILL) }
        return outcome
    }
}

/// `posix_spawn` failed: the program is missing or not executable.
public struct ChildProcessError: Error, Sendable, CustomStringConvertible {
    public var arguments: [String]
    public var errno: Int32

    public var description: String {
        "could not start \(arguments.first ?? "(no program)"): \(String(cString: strerror(errno)))"
            + " (errno \(errno)); check the ingest command's path and permissions"
    }
}

extension ChildExit {
    /// Decodes a `waitpid` status (the W* macros are not visible to Swift).
    init(waitStatus raw: Int32) {
        let low = raw & 0x7f
        if low == 0 {
            self = .exited((raw >> 8) & 0xff)
        } else if low != 0x7f {
            self = .signaled(low)
        } else {
            self = .exited(127)
        }
    }
}

/// One child's outcome, delivered once to any number of waiters.
final class ChildStatusBox: Sendable {
    private struct State {
        var result: ChildExit?
        var waiters: [UInt64: CheckedContinuation<ChildExit?, Never>] = [:]
        var nextID: UInt64 = 0
        /// Timeouts that fired before their waiter registered.
        var expired: Set<UInt64> = []
    }

    private let state = Mutex(State())

    var result: ChildExit? { state.withLock { $0.result } }

    func complete(_ outcome: ChildExit) {
        let waiters = state.withLock { state -> [CheckedContinuation<ChildExit?, Never>] in
            guard state.result == nil else { return [] }
            state.result = outcome
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    func wait() async -> ChildExit {
        // Without a timeout the only way out is completion.
        await wait(timeout: nil)!
    }

    /// The outcome, or nil if `timeout` passed first.
    func wait(timeout: Duration?) async -> ChildExit? {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        if let timeout {
            Task {
                try? await Task.sleep(for: timeout)
                self.resumeWaiter(id, with: nil)
            }
        }
        return await withCheckedContinuation { continuation in
            let immediate: ChildExit?? = state.withLock { state in
                if let result = state.result { return .some(result) }
                if state.expired.remove(id) != nil { return .some(nil) }
                state.waiters[id] = continuation
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    private func resumeWaiter(_ id: UInt64, with value: ChildExit?) {
        let waiter = state.withLock { state in
            let waiter = state.waiters.removeValue(forKey: id)
            if waiter == nil && state.result == nil { state.expired.insert(id) }
            return waiter
        }
        waiter?.resume(returning: value)
    }
}
