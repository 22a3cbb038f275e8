import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real `AF_UNIX` datagram socket standing in for systemd's notification socket.
///
/// `withNotifySocket { socket in … }` binds it in a temp dir and sets `NOTIFY_SOCKET` for the body
/// (suites using it must be `.serialized`: the environment is process-wide).
public final class NotifySocketReceiver: @unchecked Sendable {
    // @unchecked: the fd is only read after the body, from one task.
    public let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long")
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        // Non-blocking: `drain` returns what arrived so far.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Every datagram received so far, in order.
    public func drain() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return messages
    }
}

/// Binds a notify socket in a fresh temp dir, sets `NOTIFY_SOCKET` during `body`, restores it after.
public func withNotifySocket<T>(_ body: (NotifySocketReceiver) async throws -> T) async throws -> T {
    let directory = try makeSupervisorTempDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let receiver = try NotifySocketReceiver(path: directory + "/notify.sock")
    let previous = getenv("NOTIFY_SOCKET").map { String(cString: $0) }
    setenv("NOTIFY_SOCKET", receiver.path, 1)
    defer {
        if let previous { setenv("NOTIFY_SOCKET", previous, 1) } else { unsetenv("NOTIFY_SOCKET") }
    }
    return try await body(receiver)
}

/// A fresh directory under the system temp dir (short path: AF_UNIX paths are limited to 108 bytes).
public func makeSupervisorTempDirectory() throws -> String {
    var template = Array("/tmp/esco-sup-XXXXXX".utf8CString)
    guard let result = mkdtemp(&template) else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    return String(cString: result)
}
