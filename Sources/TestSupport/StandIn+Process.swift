public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `esco-standin` executable running as a child process.
public final class StandInProcess: @unchecked Sendable {
    public let process: Process
    /// From the child's first stdout line, `listening on http://HOST:PORT`.
    public let url: String
    private let stdout: Pipe

    /// Where the built `esco-standin` is: `$ESCO_STANDIN_BIN`, else next to the running test binary.
    public static func binaryURL() -> URL {
        if let p = ProcessInfo.processInfo.environment["ESCO_STANDIN_BIN"] { return URL(fileURLWithPath: p) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The Linux test runner sits in .build/<triple>/debug; on macOS inside an .xctest bundle.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("esco-standin")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("esco-standin")
    }

    /// Starts `esco-standin <arguments>` and waits (up to `timeout`) for its `listening on` line.
    /// The child's stderr goes to `stderrFile` when given, else is discarded.
    public init(arguments: [String], stderrFile: URL? = nil, timeout: TimeInterval = 20) throws {
        let p = Process()
        p.executableURL = Self.binaryURL()
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        if let stderrFile {
            FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: stderrFile)
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        process = p
        stdout = out
        let fd = out.fileHandleForReading.fileDescriptor
        var line: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            guard remaining > 0, poll(&pfd, 1, remaining) > 0 else {
                p.terminate()
                throw StandInProcessError(
                    message: "esco-standin \(arguments.first ?? "") printed no 'listening on' line within \(timeout)s")
            }
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1 else {
                p.waitUntilExit()
                throw StandInProcessError(
                    message: "esco-standin exited with status \(p.terminationStatus) before listening")
            }
            if byte == 0x0A { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on ") else {
            p.terminate()
            throw StandInProcessError(message: "unexpected first line from esco-standin: \(text)")
        }
        url = String(text.dropFirst("listening on ".count))
    }

    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGTERM for a clean stop, SIGKILL for a crash).
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the child to exit and returns its status.
    @discardableResult
    public func waitForExit(timeout: TimeInterval = 20) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                send(SIGKILL)
                throw StandInProcessError(message: "esco-standin (pid \(pid)) did not exit within \(timeout)s")
            }
            usleep(10_000)
        }
        return process.terminationStatus
    }

    /// Terminates the child if still running (SIGTERM, then SIGKILL after a grace period).
    public func terminate() {
        guard process.isRunning else { return }
        send(SIGTERM)
        if (try? waitForExit(timeout: 5)) == nil { send(SIGKILL) }
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

public struct StandInProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
