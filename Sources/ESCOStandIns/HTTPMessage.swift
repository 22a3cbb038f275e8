public import ESCOCore

/// One parsed HTTP/1.1 request as the stand-ins see it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path without the query string, percent-decoded.
    public var path: String
    public var query: [String: String]
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The request target as sent (path and query, not decoded).
    public var target: String = ""

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Every request in `bytes`, read exactly as the stand-ins' server reads them off a socket (the fuzz
    /// harness and its regression tests call this); `error` is the 400 message that would end the connection.
    public static func parseAll(_ bytes: [UInt8]) -> (requests: [HTTPRequest], error: String?) {
        var connection = Connection(fd: -1)  // no socket: reads stop at the end of `bytes`
        connection.buffer = bytes
        var requests: [HTTPRequest] = []
        do {
            while let r = try connection.readRequest() { requests.append(r) }
            return (requests, nil)
        } catch let e as ServerError {
            return (requests, e.message)
        } catch {
            return (requests, "\(error)")
        }
    }

    /// Path segments without empty parts: `/v1/objects/C/id` → `["v1","objects","C","id"]`.
    public var segments: [String] { path.split(separator: "/").map(String.init) }
}

/// A response; `nil` from a handler means "close the connection without answering".
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Close the connection after this response, whatever the client asked for.
    public var close: Bool

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], close: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.close = close
    }

    public static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: JSONCodec.encode(value))
    }

    public static func jsonBytes(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    public static func empty(_ status: Int) -> HTTPResponse { HTTPResponse(status: status) }

    /// Weaviate's REST error body: `{"error":[{"message":"..."}]}`.
    public static func weaviateError(_ status: Int, _ message: String) -> HTTPResponse {
        .json(status, ["error": [["message": .string(message)]]])
    }
}

func percentDecode(_ s: Substring) -> String {
    guard s.contains("%") || s.contains("+") else { return String(s) }
    var out: [UInt8] = []
    var it = Array(s.utf8)[...]
    while let c = it.popFirst() {
        if c == UInt8(ascii: "%"), it.count >= 2,
            let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
        {
            out.append(v)
            it = it.dropFirst(2)
        } else if c == UInt8(ascii: "+") {
            out.append(UInt8(ascii: " "))
        } else {
            out.append(c)
        }
    }
    return String(decoding: out, as: UTF8.self)
}
