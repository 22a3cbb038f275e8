import ESCOCore
import ESCOSystem
public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A notify socket drained continuously on its own thread, like systemd does: Linux queues at most
/// `net.unix.max_dgram_qlen` (10) datagrams per socket and `sd_notify` then blocks the sender.
///
/// Bound without touching this process's environment: pass `path` as `NOTIFY_SOCKET` to one child only,
/// so concurrent tests never see each other's datagrams.
public final class E2ENotifySocket: Sendable {
    public let path: String
    private let box = Box()

    private final class Box: @unchecked Sendable {
        // @unchecked: every access holds `lock`.
        let lock = NSLock()
        var items: [String] = []
        var stopped = false
    }

    public init(in directory: String) throws {
        let receiver = try NotifySocketReceiver(path: directory + "/notify.sock")
        path = receiver.path
        let box = self.box
        Thread {
            while !box.lock.withLock({ box.stopped }) {
                let batch = receiver.drain()
                if !batch.isEmpty { box.lock.withLock { box.items += batch } }
                usleep(2_000)
            }
        }.start()
    }

    deinit { box.lock.withLock { box.stopped = true } }

    /// Every datagram received since the last call, in order.
    public func drain() -> [String] {
        usleep(20_000)  // let the thread pick up anything sent just before
        return box.lock.withLock {
            defer { box.items = [] }
            return box.items
        }
    }
}

/// A real process started for an end-to-end test, with stdout and stderr captured to files.
public final class E2EProcess: @unchecked Sendable {
    // @unchecked: Process is thread-safe for what we use (pid, isRunning, terminationStatus).
    public let process: Process
    let out: URL
    let err: URL
    /// Wall-clock milliseconds when the test first saw the process gone (an upper bound of its exit time).
    public private(set) var exitSeenAtMs: Int64?

    /// Starts `executable arguments`. `environment` is the child's whole environment when `inherit` is
    /// false (as systemd gives a service), else it is merged over this process's (minus `NOTIFY_SOCKET` and the
    /// product's environment overrides, see `DatasetPaths.inheritedEnvironment`).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], inherit: Bool = true,
        workingDirectory: String? = nil
    ) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var env = inherit ? DatasetPaths.inheritedEnvironment : [:]
        env.removeValue(forKey: "NOTIFY_SOCKET")
        if inherit { env["NON_INTERACTIVE"] = "true" }
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let workingDirectory { p.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        out = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString).out")
        err = out.deletingPathExtension().appendingPathExtension("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        process = p
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }

    public var pid: Int32 { process.processIdentifier }
    public var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

    /// Sends a signal to the process.
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits up to `timeout` seconds; kills the process and returns nil when it is still running then.
    @discardableResult
    public func wait(timeout: TimeInterval = 90) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(nanoseconds: 10_000_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        if exitSeenAtMs == nil { exitSeenAtMs = WallClock.nowMs() }
        return process.terminationStatus
    }

    /// True when the process was killed by a signal rather than exiting.
    public var wasSignaled: Bool { process.terminationReason == .uncaughtSignal }

    /// The timestamp (ms since the epoch) of the first supervisor log line on stderr ending with `message`.
    public func logTime(endingWith message: String) -> Int64? {
        for line in stderr.split(separator: "\n") where line.hasSuffix(" " + message) {
            if let first = line.split(separator: " ").first, let t = RFC3339.parse(String(first)) { return t }
        }
        return nil
    }

    /// `esco-supervise run --config C --profile test` (plus extra arguments).
    public static func supervise(
        _ config: String, _ extra: [String] = ["run"], environment: [String: String] = [:]
    ) throws -> E2EProcess {
        try E2EProcess(
            Harness.binary("esco-supervise"),
            extra + ["--config", config, "--profile", "test"], environment: environment)
    }
}

/// Polls `body` every 20 ms for up to `timeout` seconds until it returns a value.
public func e2ePoll<T>(timeout: TimeInterval = 30, _ body: () throws -> T?) async -> T? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if let value = try? body() { return value }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return try? body()
}

/// The parent pid of `pid`, from /proc (Linux).
public func e2eParentPid(_ pid: Int32) -> Int32? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? Int32(fields[1]) : nil
}

/// True while a process with `pid` exists (a zombie counts as gone once reaped).
public func e2eProcessExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}
