/// A search request that cannot be answered, with the HTTP status the service answers with (400, 404, 503)
/// and a message a caller can act on. Executables map it to exit codes; the HTTP service to a JSON error.
public struct SearchError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case invalidInput, notFound, unavailable, notReady, schemaMismatch }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// The request is malformed (400).
        public static let invalidInput = Code(.invalidInput)
        /// The concept does not exist (404).
        public static let notFound = Code(.notFound)
        /// Weaviate or the vectorizer cannot be reached or failed (503).
        public static let unavailable = Code(.unavailable)
        /// The data is not (completely) ingested (503).
        public static let notReady = Code(.notReady)
        /// A class exists but lacks a property the product queries (503): the schema differs from resources/schemas.
        public static let schemaMismatch = Code(.schemaMismatch)
        public var description: String { kind.rawValue }
    }

    public var code: Code
    /// The HTTP status that answers this error.
    public var status: Int
    /// What failed and what to do; never contains request bodies or API keys.
    public var message: String
    /// The request parameter at fault (`q`, `limit`, ...), when there is one.
    public var parameter: String?

    public init(code: Code, status: Int, message: String, parameter: String? = nil) {
        self.code = code
        self.status = status
        self.message = message
        self.parameter = parameter
    }

    public static func invalid(_ parameter: String, _ message: String) -> SearchError {
        SearchError(code: .invalidInput, status: 400, message: "\(parameter): \(message)", parameter: parameter)
    }

    public static func notFound(_ message: String) -> SearchError {
        SearchError(code: .notFound, status: 404, message: message)
    }

    public static func unavailable(_ message: String) -> SearchError {
        SearchError(code: .unavailable, status: 503, message: message)
    }

    public var description: String { message }
}
