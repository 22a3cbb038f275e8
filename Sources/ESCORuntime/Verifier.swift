public import ESCOCore

/// Checks what docs/ARCHITECTURE.md#supervisor lists: state completed for the mounted fingerprint, per-class counts,
/// vectors present, reference counts on a sample, and nearest-neighbour self-retrieval.
public struct Verifier: Sendable {
    public struct SampleEntry: Sendable, Codable, Hashable {
        public var className: String
        public var id: String
        public var property: String
        public var count: Int

        /// `Class/uuid/property=count`, as stored in the state's reference sample.
        public var encoded: String { "\(className)/\(id)/\(property)=\(count)" }

        public init(className: String, id: String, property: String, count: Int) {
            self.className = className
            self.id = id
            self.property = property
            self.count = count
        }

        public init?(encoded: String) {
            let parts = encoded.split(separator: "=")
            let path = parts.first?.split(separator: "/") ?? []
            guard parts.count == 2, path.count == 3, let n = Int(parts[1]) else { return nil }
            self.init(className: String(path[0]), id: String(path[1]), property: String(path[2]), count: n)
        }
    }

    /// What the live vectorizer is, for the check that the stored vectors came from it.
    public enum LiveVectorizer: Sendable {
        case identified(VectorizerIdentity)
        /// It could not be asked (the reason): stored vectors cannot be matched against it.
        case unavailable(String)
    }

    /// Verification of stored data without the dataset: expected counts and the reference sample come
    /// from the state written by the ingestion of the same fingerprint.
    public init(
        weaviate: any WeaviateWriting, state: IngestionState, mountedFingerprint: String,
        liveVectorizer: LiveVectorizer? = nil
    ) {
        self.init(
            weaviate: weaviate, expected: state.counts,
            sample: state.referenceSample.compactMap(SampleEntry.init(encoded:)),
            fingerprint: mountedFingerprint)
        self.liveVectorizer = liveVectorizer
    }

    public let weaviate: any WeaviateWriting
    public let expected: [String: Int]
    public let sample: [SampleEntry]
    public let fingerprint: String
    /// nil: no vectorizer check (inside an ingestion, which vectorises with the live one).
    public var liveVectorizer: LiveVectorizer?

    public init(weaviate: any WeaviateWriting, expected: [String: Int], sample: [SampleEntry], fingerprint: String) {
        self.weaviate = weaviate
        self.expected = expected
        self.sample = sample
        self.fingerprint = fingerprint
    }

    /// - Parameter state: the stored state to check (nil inside an ingestion, which is not completed yet).
    public func verify(state: IngestionState?) async throws -> VerificationReport {
        var checks: [VerificationReport.Check] = []
        if let state {
            checks.append(
                .init(name: "status", ok: state.status == .completed, detail: "state is \(state.status.rawValue)"))
            checks.append(
                .init(
                    name: "generation", ok: state.generations.serving != nil,
                    detail: state.generations.description))
            let kept = state.fingerprint != fingerprint && state.generations.keeps(fingerprint)
            checks.append(
                .init(
                    name: "fingerprint", ok: state.fingerprint == fingerprint || kept,
                    detail: state.fingerprint == fingerprint
                        ? "matches the mounted data"
                        : kept
                            ? "serving \(state.generations.serving?.summary ?? "-") after a rollback; the mounted data "
                                + "is a kept previous generation (esco rollback again serves it)"
                            : "stored \(short(state.fingerprint)) but the mounted data is \(short(fingerprint)): "
                                + "re-ingest")
            )
            switch liveVectorizer {
            case .identified(let live)?:
                let mismatch = VectorizerIdentity.mismatch(stored: state.vectorizer, live: live)
                checks.append(
                    .init(
                        name: "vectorizer", ok: mismatch == nil, detail: mismatch ?? "\(live) made the stored vectors"))
            case .unavailable(let reason)?:
                checks.append(
                    .init(
                        name: "vectorizer", ok: false, detail: "cannot identify the live vectorizer: \(reason)"))
            case nil:
                break
            }
        }
        // Every request below is independent of the others: they run at once (a warm start waits for all of
        // them), and the report lists them in the same order as ever.
        let weaviate = self.weaviate
        let classes = expected.keys.sorted()
        let counts = try await Self.concurrently(classes) { try await weaviate.count(className: $0) }
        for className in classes {
            let got = counts[className]!, want = expected[className]!
            checks.append(
                .init(name: "count \(className)", ok: got == want, detail: "\(got) objects, expected \(want)"))
        }
        let firsts = try await Self.concurrently(classes) { className -> (String, FetchedObject?)? in
            guard let id = try await weaviate.listIDs(className: className, limit: 1).first else { return nil }
            return (id, try await weaviate.fetch(className: className, id: id))
        }
        var firstWithVector: (String, String, [Float])?
        for className in classes {
            guard let (id, object) = firsts[className] ?? nil else { continue }
            let dims = object?.vector?.count ?? 0
            checks.append(
                .init(
                    name: "vector \(className)", ok: dims > 0,
                    detail: dims > 0 ? "\(dims) dimensions" : "object \(id) has no vector"))
            if firstWithVector == nil, className != "Label", let v = object?.vector, !v.isEmpty {
                firstWithVector = (className, id, v)
            }
        }
        // One fetch per sampled object, however many of its properties are sampled.
        let sampled = Set(sample.map { "\($0.className)/\($0.id)" }).sorted()
        let objects = try await Self.concurrently(sampled) { key in
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            return try await weaviate.fetch(className: parts[0], id: parts[1])
        }
        var refProblems: [String] = []
        for entry in sample {
            let object = objects["\(entry.className)/\(entry.id)"] ?? nil
            let got = object?.referenceCount(entry.property) ?? -1
            if got != entry.count {
                refProblems.append(
                    object == nil
                        ? "\(entry.className)/\(entry.id) missing"
                        : "\(entry.className)/\(entry.id).\(entry.property) has \(got) references, expected \(entry.count)"
                )
            }
        }
        checks.append(
            .init(
                name: "references", ok: refProblems.isEmpty,
                detail: refProblems.isEmpty
                    ? "\(sample.count) sampled reference lists exact" : refProblems.prefix(3).joined(separator: "; ")))
        if let (className, id, vector) = firstWithVector {
            let nearest = try await weaviate.nearest(className: className, vector: vector, limit: 1).first
            checks.append(
                .init(
                    name: "nearest neighbour", ok: nearest == id,
                    detail: nearest == id
                        ? "\(className)/\(id) finds itself first"
                        : "\(className)/\(id) found \(nearest ?? "nothing") first"))
        }
        return VerificationReport(checks: checks)
    }

    private func short(_ s: String) -> String { String(s.prefix(19)) }

    /// `body` for every key at once; the first error wins (the checks could not run).
    static func concurrently<T: Sendable>(
        _ keys: [String], _ body: @escaping @Sendable (String) async throws -> T
    ) async throws -> [String: T] {
        try await withThrowingTaskGroup(of: (String, T).self) { group in
            for key in keys { group.addTask { (key, try await body(key)) } }
            var out: [String: T] = [:]
            for try await (key, value) in group { out[key] = value }
            return out
        }
    }
}
