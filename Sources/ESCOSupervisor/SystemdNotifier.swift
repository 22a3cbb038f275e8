import CSystemd
import Foundation

/// Where the supervisor reports its phase to a service manager.
public protocol SupervisorNotifying: Sendable {
    /// One notification: `STATUS=`, optionally `EXTEND_TIMEOUT_USEC=`, and `READY=1` when `ready`.
    func notify(status: String, ready: Bool, extendTimeoutUsec: UInt64?)
}

/// systemd's notification protocol through libsystemd's `sd_notify` (docs/ARCHITECTURE.md#supervisor).
///
/// Completely silent when `NOTIFY_SOCKET` is unset (compose, a terminal). The variable is read on every
/// call and kept in our environment; children get it scrubbed by `ChildProcess` instead.
public struct SystemdNotifier: SupervisorNotifying {
    public init() {}

    /// The datagram for one notification; `STATUS=` first so a manager shows the reason with READY.
    public static func message(status: String, ready: Bool, extendTimeoutUsec: UInt64?) -> String {
        // STATUS is one line: a newline would start a new assignment.
        var lines = ["STATUS=" + status.replacingOccurrences(of: "\n", with: " ")]
        if let extendTimeoutUsec { lines.append("EXTEND_TIMEOUT_USEC=\(extendTimeoutUsec)") }
        if ready { lines.append("READY=1") }
        return lines.joined(separator: "\n")
    }

    public func notify(status: String, ready: Bool, extendTimeoutUsec: UInt64?) {
        guard let socket = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !socket.isEmpty else { return }
        _ = sd_notify(0, Self.message(status: status, ready: ready, extendTimeoutUsec: extendTimeoutUsec))
    }
}
