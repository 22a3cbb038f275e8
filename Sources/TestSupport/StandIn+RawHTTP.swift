public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny blocking HTTP/1.1 client over raw sockets, for tests that need exact control
/// (dropped connections, chunked bodies, `Expect`, HEAD). One connection per request.
public struct RawHTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public var text: String { String(decoding: body, as: UTF8.self) }
    public func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
}

public struct RawHTTPError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public enum RawHTTP {
    /// Sends one request; throws `RawHTTPError` when the server closes without answering.
    public static func request(
        _ baseURL: String, _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:],
        chunked: Bool = false, expectContinue: Bool = false
    ) throws -> RawHTTPResponse {
        guard let u = URL(string: baseURL), let host = u.host, let port = u.port else {
            throw RawHTTPError(message: "bad base URL \(baseURL)")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else { throw RawHTTPError(message: "connect to \(baseURL) failed: errno \(errno)") }
        var tv = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        // A caller's Content-Type replaces the JSON default; an empty one sends none.
        let ownType = headers.keys.contains { $0.lowercased() == "content-type" }
        for (k, v) in headers where !(k.lowercased() == "content-type" && v.isEmpty) { head += "\(k): \(v)\r\n" }
        let payload = body ?? Data()
        if body != nil || ["POST", "PUT", "PATCH"].contains(method) {
            if chunked {
                head += "Transfer-Encoding: chunked\r\n"
            } else {
                head += "Content-Length: \(payload.count)\r\n"
            }
            if body != nil && !ownType { head += "Content-Type: application/json\r\n" }
        }
        if expectContinue { head += "Expect: 100-continue\r\n" }
        head += "\r\n"
        sendAll(fd, Array(head.utf8))
        var received: [UInt8] = []
        if expectContinue {
            // The interim answer must come before we send the body.
            while !(String(decoding: received, as: UTF8.self).contains("\r\n\r\n")) {
                guard let more = recvSome(fd), !more.isEmpty else { throw RawHTTPError(message: "no 100 Continue") }
                received += more
            }
            let interim = String(decoding: received, as: UTF8.self)
            guard interim.hasPrefix("HTTP/1.1 100") else {
                throw RawHTTPError(message: "expected 100 Continue, got \(interim)")
            }
            received = []
        }
        if chunked {
            let bytes = Array(payload)
            var i = 0
            while i < bytes.count {
                let n = min(1000, bytes.count - i)
                sendAll(fd, Array("\(String(n, radix: 16))\r\n".utf8) + bytes[i..<i + n] + Array("\r\n".utf8))
                i += n
            }
            sendAll(fd, Array("0\r\n\r\n".utf8))
        } else {
            sendAll(fd, Array(payload))
        }
        while let more = recvSome(fd), !more.isEmpty { received += more }
        guard let split = findHeaderEnd(received) else {
            throw RawHTTPError(message: "connection closed without a response (\(received.count) bytes)")
        }
        let headText = String(decoding: received[..<split], as: UTF8.self)
        let lines = headText.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var hs: [String: String] = [:]
        for l in lines.dropFirst() {
            if let c = l.firstIndex(of: ":") {
                hs[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return RawHTTPResponse(status: status, headers: hs, body: Data(received[(split + 4)...]))
    }

    /// JSON convenience: encodes `json` (any JSONSerialization value) as the body.
    public static func json(
        _ baseURL: String, _ method: String, _ path: String, _ json: Any, headers: [String: String] = [:]
    ) throws -> RawHTTPResponse {
        try request(baseURL, method, path, body: try JSONSerialization.data(withJSONObject: json), headers: headers)
    }

    static func findHeaderEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    static func recvSome(_ fd: Int32) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { return nil }
        return Array(buf[0..<n])
    }
}
