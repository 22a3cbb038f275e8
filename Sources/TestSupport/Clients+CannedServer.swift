import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny loopback HTTP/1.1 server answering with canned replies, for client tests that need exact status codes,
/// bodies, dropped connections or slow answers. One thread per connection; every reply closes the connection.
public final class CannedHTTPServer: @unchecked Sendable {
    /// A request as received.
    public struct Request: Sendable {
        public var method: String
        /// Path and query, as sent.
        public var target: String
        /// Lower-cased header names.
        public var headers: [String: String]
        public var body: [UInt8]
        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        public var query: String? { target.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) }
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        /// The body parsed as JSON (Foundation objects), nil if not JSON.
        public var bodyJSON: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
    }

    public enum Reply: Sendable {
        /// Answer after `delay` seconds.
        case respond(status: Int, headers: [String: String] = [:], body: String = "", delay: Double = 0)
        /// Close the connection without answering.
        case drop
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }
    private let listenFD: Int32
    private let handler: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var inFlight = 0
    private var peak = 0

    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw NSError(domain: "CannedHTTPServer", code: Int(errno))
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    /// Everything received so far, in arrival order.
    public var requests: [Request] { lock.withLock { recorded } }
    /// The most requests that were being handled at the same moment.
    public var maxConcurrent: Int { lock.withLock { peak } }

    private var stopped = false

    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let c = accept(listenFD, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                return
            }
            let t = Thread { [self] in serve(c) }
            t.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        guard let request = readRequest(fd) else { return }
        lock.withLock {
            recorded.append(request)
            inFlight += 1
            peak = max(peak, inFlight)
        }
        let reply = handler(request)
        switch reply {
        case .drop:
            lock.withLock { inFlight -= 1 }
        case .respond(let status, let headers, let body, let delay):
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            lock.withLock { inFlight -= 1 }
            var head = "HTTP/1.1 \(status) Canned\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
            if headers["Content-Type"] == nil { head += "Content-Type: application/json\r\n" }
            for (k, v) in headers { head += "\(k): \(v)\r\n" }
            let bytes = Array((head + "\r\n").utf8) + (request.method == "HEAD" ? [] : Array(body.utf8))
            var sent = 0
            while sent < bytes.count {
                let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                sent += n
            }
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if let r = buffer.indices.dropLast(3).first(where: { buffer[$0..<$0 + 4].elementsEqual(separator) }) {
                headerEnd = r
            } else if !fill() {
                return nil
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length {
            if !fill() { return nil }
        }
        return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
                       body: Array(buffer[bodyStart..<bodyStart + length]))
    }
}

/// Runs `body` with a canned server and stops it afterwards.
public func withCannedServer<T>(
    _ handler: @escaping @Sendable (CannedHTTPServer.Request) -> CannedHTTPServer.Reply,
    _ body: (CannedHTTPServer) async throws -> T
) async throws -> T {
    let server = try CannedHTTPServer(handler: handler)
    defer { server.stop() }
    return try await body(server)
}
