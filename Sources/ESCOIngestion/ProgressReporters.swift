public import ESCOCore
import Foundation
public import Logging

/// Plain log lines: one per step start/finish, and progress at most every `interval` seconds
/// (containers and journald want lines, not carriage returns).
public final class LogProgress: IngestionProgress, @unchecked Sendable {
    private let logger: Logger
    private let interval: Double
    private var last: Double = 0
    private let lock = NSLock()

    public init(logger: Logger, interval: Double = 5) {
        self.logger = logger
        self.interval = interval
    }

    public func stepStarted(index: Int, count: Int, step: IngestionStep, total: Int, skipped: Bool) {
        logger.info(
            skipped ? "step skipped: finished in an earlier run" : "step started",
            metadata: ["step": "\(index)/\(count) \(step.rawValue)", "items": "\(total)"])
    }

    public func progress(step: IngestionStep, done: Int, total: Int) {
        let now = Date().timeIntervalSince1970
        let due: Bool = lock.withLock {
            guard now - last >= interval else { return false }
            last = now
            return true
        }
        if due { logger.info("progress", metadata: ["step": "\(step.rawValue)", "done": "\(done)/\(total)"]) }
    }

    public func stepFinished(index: Int, count: Int, step: IngestionStep, detail: String) {
        logger.info(
            "step finished",
            metadata: MemoryUsage.current().metadata.merging([
                "step": "\(index)/\(count) \(step.rawValue)", "result": "\(detail)",
            ]) { a, _ in a })
    }
}

/// A live progress bar on a terminal (stderr), redrawn in place.
public final class TerminalProgress: IngestionProgress, @unchecked Sendable {
    private let lock = NSLock()
    private var current = ""

    public init() {}

    private func draw(_ line: String, newline: Bool) {
        lock.withLock {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + (newline ? "\n" : "")).utf8))
            current = newline ? "" : line
        }
    }

    public func stepStarted(index: Int, count: Int, step: IngestionStep, total: Int, skipped: Bool) {
        if skipped {
            draw("[\(index)/\(count)] \(step.rawValue): done in an earlier run, skipped", newline: true)
        } else {
            draw("[\(index)/\(count)] \(step.rawValue) …", newline: false)
        }
    }

    public func progress(step: IngestionStep, done: Int, total: Int) {
        guard total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        draw("\(step.rawValue) \(bar) \(done)/\(total) (\(done * 100 / total)%)", newline: false)
    }

    public func stepFinished(index: Int, count: Int, step: IngestionStep, detail: String) {
        draw("[\(index)/\(count)] \(step.rawValue): \(detail)", newline: true)
    }
}
