public import ESCOCore

/// Fault injection settings of the Weaviate stand-in, settable by CLI flags and at runtime through
/// `POST /_standin/faults` (same field names). They apply to `/v1/*` except `/v1/.well-known/*`.
public struct Faults: Sendable, Equatable {
    /// Added to every request.
    public var latencyMs: Int = 0
    /// Fraction (0...1) of requests answered 500/503 before being applied.
    public var errorRate: Double = 0
    /// Fraction (0...1) of requests whose connection is closed without an answer, at random before
    /// or after the request is applied (real dropped connections happen both ways).
    public var dropRate: Double = 0
    /// The ready endpoint answers 503 for this long after start.
    public var readinessDelayMs: Int = 0
    /// After this many successful write requests the server stops serving (the executable exits 3).
    public var exitAfterWrites: Int? = nil
    /// Sleep between the existence check and the write of `POST /v1/objects`, so concurrent
    /// creates of one id can both succeed, as in Weaviate; and between a schema change's checks and its
    /// Raft apply (`POST /v1/schema`, `POST /v1/schema/{class}/properties`), where Weaviate can race too.
    public var createWindowMs: Int = 0
    /// Seed of the fault dice, for reproducible runs.
    public var seed: UInt64 = 0

    public init(
        latencyMs: Int = 0, errorRate: Double = 0, dropRate: Double = 0, readinessDelayMs: Int = 0,
        exitAfterWrites: Int? = nil, createWindowMs: Int = 0, seed: UInt64 = 0
    ) {
        self.latencyMs = latencyMs
        self.errorRate = errorRate
        self.dropRate = dropRate
        self.readinessDelayMs = readinessDelayMs
        self.exitAfterWrites = exitAfterWrites
        self.createWindowMs = createWindowMs
        self.seed = seed
    }

    public var json: JSONValue {
        [
            "latencyMs": .number(Double(latencyMs)), "errorRate": .number(errorRate), "dropRate": .number(dropRate),
            "readinessDelayMs": .number(Double(readinessDelayMs)),
            "exitAfterWrites": exitAfterWrites.map { .number(Double($0)) } ?? .null,
            "createWindowMs": .number(Double(createWindowMs)), "seed": .number(Double(seed)),
        ]
    }

    /// Overlays the fields present in `json` (a partial update keeps the other fields).
    public func merged(with json: JSONValue) throws -> Faults {
        guard case .object(let o) = json else { throw FaultsError(message: "faults must be a JSON object") }
        var f = self
        for (k, v) in o {
            switch k {
            case "latencyMs": f.latencyMs = try Self.int(v, k)
            case "errorRate": f.errorRate = try Self.rate(v, k)
            case "dropRate": f.dropRate = try Self.rate(v, k)
            case "readinessDelayMs": f.readinessDelayMs = try Self.int(v, k)
            case "exitAfterWrites": f.exitAfterWrites = v.isNull ? nil : try Self.int(v, k)
            case "createWindowMs": f.createWindowMs = try Self.int(v, k)
            case "seed": f.seed = UInt64(try Self.int(v, k))
            default: throw FaultsError(message: "unknown fault field '\(k)'")
            }
        }
        return f
    }

    static func int(_ v: JSONValue, _ k: String) throws -> Int {
        guard let i = v.intValue, i >= 0 else { throw FaultsError(message: "\(k) must be a non-negative integer") }
        return i
    }

    static func rate(_ v: JSONValue, _ k: String) throws -> Double {
        guard let d = v.doubleValue, d >= 0, d <= 1 else { throw FaultsError(message: "\(k) must be between 0 and 1") }
        return d
    }
}

/// A rejected fault setting.
public struct FaultsError: Error, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String { case invalidSetting }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }
        /// A field that does not exist, or a value outside its range.
        public static let invalidSetting = Code(.invalidSetting)
        public var description: String { kind.rawValue }
    }

    public let code: Code = .invalidSetting
    public let message: String
    public var description: String { message }
}
