public import ESCOCore

/// One HTTP request as the clients build it; `url` is absolute.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header lines sent as given (name, value); `Expect:` is always suppressed by the transport.
    public var headers: [(String, String)]
    public var body: [UInt8]?
    public var connectTimeout: Duration
    /// The whole exchange, connection included.
    public var timeout: Duration

    public init(
        method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        connectTimeout: Duration = Timing.connectTimeout, timeout: Duration = Timing.requestTimeout
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }
}

/// A complete HTTP response. Header names are lower-cased.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends requests; `CurlTransport` in production, anything else in tests.
public protocol HTTPTransport: Sendable {
    /// Performs one attempt. Throws `TransportError` when no HTTP response arrived, `CancellationError` when cancelled.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A request that got no HTTP response: the server was unreachable, the connection broke, or it timed out.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case connectFailed, connectionLost, timeout, tls, other }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// Nothing reached the server (refused, unresolvable host): always safe to retry.
        public static let connectFailed = Code(.connectFailed)
        /// The connection broke after the request may have been sent.
        public static let connectionLost = Code(.connectionLost)
        public static let timeout = Code(.timeout)
        /// TLS handshake or certificate verification failed: retrying does not help.
        public static let tls = Code(.tls)
        public static let other = Code(.other)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    public var method: String
    /// The request URL (never carries credentials: keys travel in headers).
    public var url: String
    /// libcurl's explanation.
    public var message: String
    /// False when the failure happened before any byte of the request was sent.
    public var requestMayHaveBeenSent: Bool

    public init(code: Code, method: String, url: String, message: String, requestMayHaveBeenSent: Bool) {
        self.code = code
        self.method = method
        self.url = url
        self.message = message
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
    }

    public var description: String {
        switch code {
        case .timeout: "\(method) \(url) timed out: \(message)"
        case .tls: "\(method) \(url): TLS failed: \(message)"
        default: "\(method) \(url) failed: \(message)"
        }
    }
}
