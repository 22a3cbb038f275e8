import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGTERM/SIGINT handling for the supervisor without dying of them: a handler writes the signal number
/// to a self-pipe (async-signal-safe), and a dedicated thread reads it and calls back.
///
/// A handler rather than blocking + `sigwait`: threads created before `install` (the runtime's) would
/// keep the signals unblocked and the default action would kill us. Handlers are reset to the default
/// in children by `ChildProcess` (SETSIGDEF), and exec resets caught signals anyway.
public enum TerminationSignals {
    nonisolated(unsafe) private static var writeFD: Int32 = -1

    /// Installs handlers for `signals` (nil: SIGTERM and SIGINT); `onSignal` runs on a dedicated thread.
    /// Call once per process.
    public static func install(_ signals: [Int32]? = nil, onSignal: @escaping @Sendable (Int32) -> Void) {
        let signals = signals ?? [SIGTERM, SIGINT]
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        writeFD = fds[1]
        let readFD = fds[0]
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readFD, &byte, 1)
                if count == 1 { onSignal(Int32(byte)) } else if count < 0 && errno == EINTR { continue } else { return }
            }
        }
        thread.name = "esco-signals"
        thread.start()
        for signal in signals {
            var action = sigaction()
            #if canImport(Glibc)
                action.__sigaction_handler.sa_handler = { number in
                    var byte = UInt8(truncatingIfNeeded: number)
                    _ = write(TerminationSignals.writeFD, &byte, 1)
                }
            #else
                action.__sigaction_u.__sa_handler = { number in
                    var byte = UInt8(truncatingIfNeeded: number)
                    _ = write(TerminationSignals.writeFD, &byte, 1)
                }
            #endif
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }
}
