import ESCOStandIns
public import Foundation
import Synchronization

/// A loopback HTTP/1.1 server answering with canned replies, for client tests that need exact status codes,
/// bodies, dropped connections or slow answers. It is the stand-ins' `HTTPServer` (the project's one raw-socket
/// server) with a recording handler; every reply closes the connection.
public final class CannedHTTPServer: Sendable {
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

    private struct Record {
        var requests: [Request] = []
        var inFlight = 0
        var peak = 0
        var stopping = false
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }
    private let server: HTTPServer
    /// Shared by the server's handler and this object (a `Mutex` cannot be captured by an escaping closure).
    private final class Recorder: Sendable {
        let state = Mutex(Record())
        func withLock<T>(_ body: (inout Record) -> T) -> T { state.withLock { body(&$0) } }
    }
    private let record: Recorder

    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        let record = Recorder()
        self.record = record
        server = try HTTPServer(host: "127.0.0.1", port: 0) { raw in
            let request = Request(method: raw.method, target: raw.target, headers: raw.headers, body: raw.body)
            record.withLock {
                $0.requests.append(request)
                $0.inFlight += 1
                $0.peak = max($0.peak, $0.inFlight)
            }
            defer { record.withLock { $0.inFlight -= 1 } }
            switch handler(request) {
            case .drop:
                return nil
            case .respond(let status, let headers, let body, let delay):
                // Sleep in slices, so `stop()` (which waits for every handler) never waits out a long delay.
                let end = Date().addingTimeInterval(delay)
                while Date() < end {
                    if record.withLock({ $0.stopping }) { return nil }
                    Thread.sleep(forTimeInterval: min(0.01, max(0, end.timeIntervalSinceNow)))
                }
                var fields = headers.map { ($0.key, $0.value) }
                if headers["Content-Type"] == nil { fields.append(("Content-Type", "application/json")) }
                // Every reply closes the connection, so each request of a test is a fresh connection.
                return HTTPResponse(status: status, headers: fields, body: Array(body.utf8), close: true)
            }
        }
        port = server.port
        server.start()
    }

    /// Everything received so far, in arrival order.
    public var requests: [Request] { record.withLock { $0.requests } }
    /// The most requests that were being handled at the same moment.
    public var maxConcurrent: Int { record.withLock { $0.peak } }

    /// Closes the listener and every connection. Idempotent.
    public func stop() {
        record.withLock { $0.stopping = true }
        server.stop()
    }

    deinit { stop() }
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
