internal import CProcess
public import ESCOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The only caller of `waitpid` in this process: collects the exit statuses of the children `ChildProcess`
/// starts, without threads (a non-blocking `WNOHANG` sweep whenever someone waits).
///
/// Normally only registered children are reaped: in a test process or under systemd other code owns its
/// own children. As PID 1 (a container's init, or after `enableReapingAll()`), every child is reaped with
/// `waitpid(-1)`: statuses of registered children are kept for them, the rest are orphans re-parented to us
/// and are just collected (`collectOrphans(every:)` keeps doing that while the supervisor runs).
public final class ProcessReaper: Sendable {
    /// The process-wide reaper. Reaps everything only when this process is PID 1.
    public static let shared = ProcessReaper(reapAll: getpid() == 1)

    private struct State {
        var registry = ReaperRegistry()
        var reapingAll: Bool
        var orphansReaped = 0
    }

    private let state: Mutex<State>

    init(reapAll: Bool) {
        state = Mutex(State(reapingAll: reapAll))
    }

    /// True when every child of this process is reaped here.
    public var isReapingAll: Bool { state.withLock { $0.reapingAll } }

    /// Number of unknown children (orphans re-parented to us) reaped so far.
    public var orphansReaped: Int { state.withLock { $0.orphansReaped } }

    /// Switches to reaping every child. Only for PID 1 or a subreaper: it takes statuses other code waits for.
    public func enableReapingAll() {
        state.withLock { $0.reapingAll = true }
    }

    /// Runs `spawn` (which returns posix_spawn's result and the pid) and registers the pid under the same lock
    /// as the sweeps, so a reap-everything sweep never takes one of our children for an orphan.
    func spawnRegistered(_ spawn: () -> (Int32, pid_t)) -> Int32 {
        state.withLock { state in
            let (code, pid) = spawn()
            if code == 0 { state.registry.register(pid: pid) }
            return code
        }
    }

    /// The child's status if it has ended, without blocking; nil while it runs.
    func status(of pid: pid_t) -> ChildExit? {
        state.withLock { state in
            if let known = state.registry.status(of: pid) { return known }
            if state.reapingAll {
                sweepAll(&state)
                return state.registry.status(of: pid)
            }
            while true {
                var raw: Int32 = 0
                let result = waitpid(pid, &raw, WNOHANG)
                if result == pid, let exit = ChildExit(waitStatus: raw) {
                    state.registry.record(exit, for: pid)
                    return exit
                }
                if result == -1 && errno == EINTR { continue }
                // ECHILD: another waiter in this process took the status; say so rather than invent one.
                if result == -1 {
                    state.registry.record(.statusLost, for: pid)
                    return .statusLost
                }
                return nil
            }
        }
    }

    /// Forgets a child whose owner is gone.
    func forget(_ pid: pid_t) {
        state.withLock { _ = $0.registry.forget(pid: pid) }
    }

    /// In reap-everything mode, collects orphans every `interval` until cancelled; otherwise returns at once.
    public func collectOrphans(every interval: Duration) async {
        while isReapingAll && !Task.isCancelled {
            state.withLock { sweepAll(&$0) }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    private func sweepAll(_ state: inout State) {
        while true {
            var raw: Int32 = 0
            let pid = waitpid(-1, &raw, WNOHANG)
            if pid == -1 && errno == EINTR { continue }
            guard pid > 0 else { return }
            guard let exit = ChildExit(waitStatus: raw) else { continue }
            if !state.registry.record(exit, for: pid) { state.orphansReaped += 1 }
        }
    }
}

/// Which children are ours and how they ended: pure, so it is tested without being PID 1.
struct ReaperRegistry {
    /// Registered children; nil while running.
    private var children: [pid_t: ChildExit?] = [:]

    mutating func register(pid: pid_t) {
        children[pid] = .some(nil)
    }

    /// Records the status of `pid`; false when it is not one of ours (an orphan).
    @discardableResult
    mutating func record(_ exit: ChildExit, for pid: pid_t) -> Bool {
        guard children[pid] != nil else { return false }
        children[pid] = exit
        return true
    }

    func status(of pid: pid_t) -> ChildExit? {
        children[pid] ?? nil
    }

    mutating func forget(pid: pid_t) -> Bool {
        children.removeValue(forKey: pid) != nil
    }

    var registeredCount: Int { children.count }
}

extension ChildExit {
    /// Decodes a `waitpid` status with the C macros; nil for a stopped or continued child (not an exit).
    init?(waitStatus raw: Int32) {
        if esco_wifexited(raw) != 0 {
            self = .exited(esco_wexitstatus(raw))
        } else if esco_wifsignaled(raw) != 0 {
            self = .signaled(esco_wtermsig(raw))
        } else {
            return nil
        }
    }
}
