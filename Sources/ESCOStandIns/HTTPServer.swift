import Dispatch
import ESCOCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Minimal threaded HTTP/1.1 server on POSIX sockets: one thread per connection, keep-alive,
/// Content-Length and chunked bodies, `Expect: 100-continue`, HEAD, `Connection: close`.
/// Handlers run on the connection thread, so they may block (the stand-ins sleep to model cost).
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse?

    private let handler: Handler
    private let listenFD: Int32
    /// The bound port (useful when asked for port 0).
    public let port: Int
    public let host: String
    /// Idle keep-alive connections are closed after this long (nil: never), as Go's `http.Server.IdleTimeout`.
    private let idleTimeoutSeconds: Double?
    private let state = Mutex<State>(State())
    private let group = DispatchGroup()

    private struct State {
        var stopped = false
        var listenerClosed = false
        var connections: Set<Int32> = []
        var listenFDClosed = false
    }

    /// Binds and listens immediately; call `start()` to begin accepting.
    public init(host: String, port: Int, idleTimeoutSeconds: Double? = nil, handler: @escaping Handler) throws {
        self.handler = handler
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.host = host
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket() failed: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let resolved = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, resolved, &addr.sin_addr) == 1 else {
            close(fd)
            throw ServerError("cannot bind to host '\(host)': only IPv4 addresses are supported")
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw ServerError("cannot bind \(host):\(port): \(String(cString: strerror(e)))")
        }
        guard listen(fd, 512) == 0 else {
            close(fd)
            throw ServerError("listen() failed: errno \(errno)")
        }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.listenFD = fd
        self.port = Int(UInt16(bigEndian: bound.sin_port))
    }

    /// Starts the accept loop on its own thread.
    public func start() {
        group.enter()
        let t = Thread { [self] in
            acceptLoop()
            group.leave()
        }
        t.name = "http-accept"
        t.start()
    }

    /// Stops accepting new connections but lets open ones finish (usable from a handler).
    public func closeListener() {
        let close = state.withLock { s -> Bool in
            if s.listenerClosed { return false }
            s.listenerClosed = true
            return true
        }
        if close { shutdown(listenFD, Int32(SHUT_RDWR)) }
    }

    /// Closes the listener and every connection, then waits for all threads. Idempotent.
    public func stop() {
        let fds = state.withLock { s -> [Int32] in
            s.stopped = true
            return Array(s.connections)
        }
        closeListener()
        for fd in fds { shutdown(fd, Int32(SHUT_RDWR)) }
        group.wait()
        let closeFD = state.withLock { s -> Bool in
            defer { s.listenFDClosed = true }
            return !s.listenFDClosed
        }
        if closeFD { close(listenFD) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                if errno == EMFILE || errno == ENFILE { usleep(10_000); continue }
                return
            }
            let accepted = state.withLock { s -> Bool in
                if s.stopped || s.listenerClosed { return false }
                s.connections.insert(fd)
                return true
            }
            if !accepted {
                close(fd)
                return
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            group.enter()
            let t = Thread { [self] in
                serve(fd)
                state.withLock { _ = $0.connections.remove(fd) }
                close(fd)
                group.leave()
            }
            t.stackSize = 1 << 20
            t.start()
        }
    }

    private func serve(_ fd: Int32) {
        var conn = Connection(fd: fd)
        while !state.withLock({ $0.stopped }) {
            // Between requests the connection is idle: close it once the idle timeout passes, as Weaviate does.
            if let idle = idleTimeoutSeconds, !conn.waitReadable(seconds: idle) { return }
            let request: HTTPRequest
            do {
                guard let r = try conn.readRequest() else { return }
                request = r
            } catch let e as ServerError {
                conn.write(
                    HTTPResponse.json(400, ["error": [["message": .string(e.message)]]]), head: false, keepAlive: false)
                return
            } catch {
                return
            }
            guard let response = handler(request) else { return }
            let keepAlive = request.header("connection")?.lowercased() != "close" && conn.http11 && !response.close
            guard conn.write(response, head: request.method == "HEAD", keepAlive: keepAlive), keepAlive else { return }
        }
    }
}

struct ServerError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Buffered reading and writing on one accepted socket.
struct Connection {
    let fd: Int32
    var buffer: [UInt8] = []
    var start = 0
    var http11 = true
    static let maxHeader = 64 * 1024
    static let maxBody = 512 * 1024 * 1024

    init(fd: Int32) { self.fd = fd }

    /// True when a request byte is buffered or arrives within `seconds`; false on timeout, EOF or error.
    func waitReadable(seconds: Double) -> Bool {
        if start < buffer.count { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var remaining = Int32(min(seconds * 1000, Double(Int32.max)).rounded(.up))
        while true {
            let began = DispatchTime.now().uptimeNanoseconds
            let rc = poll(&p, 1, remaining)
            if rc > 0 { return true }
            if rc == 0 || errno != EINTR { return false }
            remaining -= Int32((DispatchTime.now().uptimeNanoseconds - began) / 1_000_000)
            if remaining <= 0 { return false }
        }
    }

    /// Reads more bytes; false at EOF or error.
    mutating func fill() -> Bool {
        if start > 0, start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        if start > 1 << 20 { buffer.removeFirst(start); start = 0 }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    mutating func readLine() throws -> String? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                var end = nl
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = nl + 1
                return line
            }
            if buffer.count - start > Self.maxHeader { throw ServerError("request header too large") }
            if !fill() { return nil }
        }
    }

    mutating func readExactly(_ n: Int) throws -> [UInt8] {
        while buffer.count - start < n {
            if !fill() { throw ServerError("connection closed inside the request body") }
        }
        let out = Array(buffer[start..<start + n])
        start += n
        return out
    }

    mutating func readRequest() throws -> HTTPRequest? {
        var line = ""
        repeat {
            guard let l = try readLine() else { return nil }
            line = l
        } while line.isEmpty
        let parts = line.split(separator: " ")
        guard parts.count == 3 else { throw ServerError("malformed request line") }
        http11 = parts[2] != "HTTP/1.0"
        var headers: [String: String] = [:]
        while true {
            guard let h = try readLine() else { throw ServerError("connection closed inside headers") }
            if h.isEmpty { break }
            guard let colon = h.firstIndex(of: ":") else { throw ServerError("malformed header line") }
            let name = h[..<colon].lowercased()
            let value = h[h.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        let target = parts[1]
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if pathPart.count > 1 {
            for pair in pathPart[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let k = percentDecode(kv[0])
                if query[k] == nil { query[k] = kv.count > 1 ? percentDecode(kv[1]) : "" }
            }
        }
        let chunked = headers["transfer-encoding"]?.lowercased().contains("chunked") ?? false
        let length = Int(headers["content-length"] ?? "") ?? 0
        if length > Self.maxBody { throw ServerError("request body too large") }
        if headers["expect"]?.lowercased() == "100-continue", chunked || length > 0 {
            sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        var body: [UInt8] = []
        if chunked {
            while true {
                guard let sizeLine = try readLine() else { throw ServerError("connection closed inside chunked body") }
                let hex = sizeLine.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                // `Int(radix:)` also takes a sign: "-5" would make readExactly slice backwards.
                guard hex.utf8.allSatisfy({ $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "+") }),
                    let size = Int(hex, radix: 16)
                else { throw ServerError("malformed chunk size") }
                if size == 0 {
                    while let trailer = try readLine(), !trailer.isEmpty {}
                    break
                }
                body += try readExactly(size)
                if body.count > Self.maxBody { throw ServerError("request body too large") }
                _ = try readLine()
            }
        } else if length > 0 {
            body = try readExactly(length)
        }
        return HTTPRequest(
            method: String(parts[0]), path: percentDecode(pathPart[0]), query: query, headers: headers, body: body,
            target: String(target))
    }

    @discardableResult
    func sendAll(_ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    @discardableResult
    func write(_ r: HTTPResponse, head: Bool, keepAlive: Bool) -> Bool {
        var text = "HTTP/1.1 \(r.status) \(HTTPStatus.reasonPhrase(r.status))\r\n"
        for (k, v) in r.headers { text += "\(k): \(v)\r\n" }
        if r.status != 204 && r.status >= 200 { text += "Content-Length: \(r.body.count)\r\n" }
        text += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        var bytes = Array(text.utf8)
        if !head && r.status != 204 { bytes += r.body }
        return sendAll(bytes)
    }
}
