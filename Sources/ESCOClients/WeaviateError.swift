import ESCOCore
import Foundation

/// A failed Weaviate call, with what an operator needs: the URL, method and path, the HTTP status and
/// Weaviate's own message. Never contains request bodies or the API key.
public struct WeaviateError: Error, CustomStringConvertible, @unchecked Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case connection, timeout, tls, http, alreadyExists, notFound, graphQL, schema, decoding, batch
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// Weaviate could not be reached or the connection broke (after retries).
        public static let connection = Code(.connection)
        public static let timeout = Code(.timeout)
        public static let tls = Code(.tls)
        /// An unexpected HTTP status; see `status` and `serverMessage`.
        public static let http = Code(.http)
        /// `POST /v1/objects` for an id that exists, or `POST /v1/aliases` for an alias that exists (422).
        public static let alreadyExists = Code(.alreadyExists)
        /// The alias to replace or delete does not exist (404).
        public static let notFound = Code(.notFound)
        /// HTTP 200 with GraphQL `errors[]`.
        public static let graphQL = Code(.graphQL)
        /// An existing class is incompatible with ours (e.g. a property's dataType differs).
        public static let schema = Code(.schema)
        /// The response was not the JSON we expected.
        public static let decoding = Code(.decoding)
        /// Some batch items still failed after retries.
        public static let batch = Code(.batch)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// Weaviate's base URL, e.g. `http://weaviate:8080`.
    public var baseURL: String
    public var method: String?
    /// Path without query string, e.g. `/v1/batch/objects`.
    public var path: String?
    public var status: Int?
    /// Weaviate's own message(s) (`{"error":[{"message":...}]}`, GraphQL `errors[].message`).
    public var serverMessages: [String]
    /// Extra explanation (e.g. schema differences).
    public var detail: String?
    public var attempts: Int
    public var underlying: (any Error)?

    public init(
        code: Code, baseURL: String, method: String? = nil, path: String? = nil, status: Int? = nil,
        serverMessages: [String] = [], detail: String? = nil, attempts: Int = 1, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.baseURL = baseURL
        self.method = method
        self.path = path
        self.status = status
        self.serverMessages = serverMessages
        self.detail = detail
        self.attempts = attempts
        self.underlying = underlying
    }

    public var serverMessage: String? { serverMessages.isEmpty ? nil : serverMessages.joined(separator: "; ") }

    public var description: String {
        var what = "Weaviate at \(baseURL)"
        if let method, let path { what += ": \(method) \(path)" }
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        var s: String
        switch code {
        case .connection:
            s = "\(what) failed\(tries): cannot connect"
            if let u = underlying as? TransportError { s += " (\(u.message))" }
            s += "; check weaviate.url (or WEAVIATE_URL) and that Weaviate is running"
        case .timeout:
            s = "\(what) timed out\(tries)"
            if let u = underlying as? TransportError { s += " (\(u.message))" }
            s += "; raise weaviate.requestTimeoutSeconds or check Weaviate's load"
        case .tls:
            s = "\(what) failed: TLS error"
            if let u = underlying as? TransportError { s += " (\(u.message))" }
        case .http, .alreadyExists, .notFound:
            s = "\(what) failed with HTTP \(status.map(String.init) ?? "?")\(tries)"
            if status == 401 || status == 403 {
                s += " (check the API key: WEAVIATE_API_KEY / weaviate.apiKeyEnv)"
            }
        case .graphQL: s = "\(what): GraphQL query failed"
        case .schema: s = "\(what): schema incompatible"
        case .decoding: s = "\(what): unexpected response"
        default: s = "\(what) failed"
        }
        if let m = serverMessage { s += ": " + m }
        if let detail { s += ": " + detail }
        return s
    }

    /// Pulls Weaviate's `{"error":[{"message":...}]}` (or GraphQL `errors[]`) out of a body, if any.
    static func messages(in body: [UInt8]) -> [String] {
        guard let json = try? JSONCoding.decode(body) else {
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? [] : [text]
        }
        let list = json["error"]?.arrayValue ?? json["errors"]?.arrayValue ?? []
        let msgs = list.compactMap { $0["message"]?.stringValue ?? $0.stringValue }
        if !msgs.isEmpty { return msgs }
        if let m = json["message"]?.stringValue { return [m] }
        return []
    }
}
