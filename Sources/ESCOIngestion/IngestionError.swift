/// Errors of the ingestion layer. `description` is what an operator reads: what, where, what to do.
public struct IngestionError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case lock, busy, unavailable, leaseLost = "lease-lost", dataset, weaviate, vectorizer, verification
            case cancelled
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        public static let lock = Code(.lock)
        public static let busy = Code(.busy)
        /// Weaviate was unreachable or overloaded before anything was ingested: try later.
        public static let unavailable = Code(.unavailable)
        public static let leaseLost = Code(.leaseLost)
        public static let dataset = Code(.dataset)
        public static let weaviate = Code(.weaviate)
        public static let vectorizer = Code(.vectorizer)
        public static let verification = Code(.verification)
        public static let cancelled = Code(.cancelled)
        public var description: String { kind.rawValue }
    }

    public let code: Code
    public let message: String
    public let hint: String?
    /// The step the error happened in, when known.
    public var step: String?

    public init(_ code: Code, _ message: String, hint: String? = nil, step: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.step = step
    }

    /// Whether the run should be retried later (exit 1) rather than reported as failed (exit 2): another runner
    /// holds or took the lease, or Weaviate was unavailable before anything was ingested.
    public var meansTryLater: Bool { code == .busy || code == .unavailable || code == .leaseLost }

    public var description: String {
        var s = step.map { "step \($0): " } ?? ""
        s += message
        if let hint { s += " (\(hint))" }
        return s
    }
}
