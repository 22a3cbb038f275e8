import ESCOCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reaps zombies when we are PID 1 (a container's init) without stealing our own child's status.
///
/// Two modes. Normally each `ChildProcess` has its own thread in `waitpid(pid)`, and nothing else is
/// reaped: in a test process or under systemd other code owns its children. As PID 1 (or after
/// `enableReapingAll()`), one thread reaps every child with `waitpid(-1)` and routes the statuses of
/// registered children to them; everything else is an orphan and is just collected.
public final class ProcessReaper: Sendable {
    /// The process-wide reaper. Reaps everything only when this process is PID 1.
    public static let shared = ProcessReaper(reapAll: getpid() == 1)

    private struct State {
        var registry = ReaperRegistry()
        var reapingAll: Bool
        var threadStarted = false
        var orphansReaped = 0
    }

    private let state: Mutex<State>
    private let wakeUp = NSCondition()

    init(reapAll: Bool) {
        state = Mutex(State(reapingAll: reapAll))
    }

    /// True when one thread reaps every child of this process.
    public var isReapingAll: Bool { state.withLock { $0.reapingAll } }

    /// Number of unknown children (orphans re-parented to us) reaped so far.
    public var orphansReaped: Int { state.withLock { $0.orphansReaped } }

    /// Switches to reaping every child. Only for PID 1 or a subreaper: it takes statuses other code waits for.
    public func enableReapingAll() {
        state.withLock { $0.reapingAll = true }
    }

    /// Runs `spawn` (which returns posix_spawn's result and the pid) and registers the pid atomically.
    func spawnRegistered(box: ChildStatusBox, _ spawn: () -> (Int32, pid_t)) -> Int32 {
        let (code, startThread): (Int32, Bool) = state.withLock { state in
            let (code, pid) = spawn()
            guard code == 0, state.reapingAll else { return (code, false) }
            state.registry.register(pid: pid, box: box)
            defer { state.threadStarted = true }
            return (code, !state.threadStarted)
        }
        if startThread { startReaperThread() }
        wakeUp.lock()
        wakeUp.signal()
        wakeUp.unlock()
        return code
    }

    private func startReaperThread() {
        let thread = Thread { [self] in
            while true {
                var raw: Int32 = 0
                let pid = waitpid(-1, &raw, 0)
                if pid > 0 {
                    let box = state.withLock { state -> ChildStatusBox? in
                        let routed = state.registry.route(pid: pid)
                        if routed == nil { state.orphansReaped += 1 }
                        return routed
                    }
                    box?.complete(ChildExit(waitStatus: raw))
                } else if errno == ECHILD {
                    // No children at all: sleep until a spawn (or a re-parented orphan) may need us.
                    wakeUp.lock()
                    _ = wakeUp.wait(until: Date().addingTimeInterval(1))
                    wakeUp.unlock()
                }
            }
        }
        thread.name = "esco-reaper"
        thread.start()
    }
}

/// Routing table of the reap-everything mode: pure, so it is tested without being PID 1.
struct ReaperRegistry {
    // Registration happens under the same lock as the reaping thread's routing, right after
    // posix_spawn returns, so the reaper never sees one of our pids before it is registered.
    private var children: [pid_t: ChildStatusBox] = [:]

    mutating func register(pid: pid_t, box: ChildStatusBox) {
        children[pid] = box
    }

    /// The box of our child `pid`, or nil for an orphan (collected and forgotten).
    mutating func route(pid: pid_t) -> ChildStatusBox? {
        children.removeValue(forKey: pid)
    }

    var registeredCount: Int { children.count }
}
