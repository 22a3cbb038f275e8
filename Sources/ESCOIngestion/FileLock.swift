import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An OS advisory lock (flock) on a shared lock file: on one host (compose's shared volume, systemd's
/// lock directory) it makes "exactly one ingestion" exact, and dies with its process, so a SIGKILLed
/// holder never leaves it behind (docs/ARCHITECTURE.md#state-and-lease).
public final class FileLock: @unchecked Sendable {
    public let path: String
    private var fd: Int32 = -1

    public init(directory: String, name: String = "esco-ingest.lock") {
        self.path = (directory as NSString).appendingPathComponent(name)
    }

    public enum Outcome: Sendable, Equatable {
        case acquired
        /// Another process holds it; `owner` is what that process wrote into the file (host:pid since time).
        case heldByAnother(owner: String)
    }

    /// Non-blocking: never waits, so it may run on any thread.
    public func tryAcquire(owner: String) throws -> Outcome {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw IngestionError(
                .lock, "cannot open lock file \(path): \(String(cString: strerror(errno)))",
                hint: "check that the lock directory exists and is writable (config: lock.directory)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let err = errno
            let current = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            close(fd)
            if err == EWOULDBLOCK {
                return .heldByAnother(owner: current.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            throw IngestionError(.lock, "cannot lock \(path): \(String(cString: strerror(err)))")
        }
        _ = ftruncate(fd, 0)
        let text = owner + "\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        self.fd = fd
        return .acquired
    }

    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
