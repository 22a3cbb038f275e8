/// Which model made the vectors: what the configuration says (the model name and the tokenize mode, which
/// t2v-transformers 1.9.7's `/meta` does not show) plus what the server reports (`model_type` and
/// `hidden_size` from `/meta`, the length of a vector it returns).
///
/// The configured part is in the stored dataset fingerprint, so changing it marks the data `outdated`. The
/// whole identity is stored with the state at ingestion; `esco-search`'s `/readyz`, `esco-supervise verify`
/// and `esco status` compare it with the live vectorizer's, which catches a swapped image whose
/// configuration was not updated.
public struct VectorizerIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Configured: the model name, e.g. `sentence-transformers/all-MiniLM-L6-v2`.
    public var model: String
    /// Configured: `T2V_TRANSFORMERS_DIRECT_TOKENIZE` (true: the text is encoded whole).
    public var directTokenize: Bool
    /// Reported by `/meta` (`model.model_type`), nil when absent.
    public var modelType: String?
    /// Reported by `/meta` (`model.hidden_size`), nil when absent.
    public var hiddenSize: Int?
    /// Length of the vectors the server returns.
    public var dimensions: Int?

    public init(
        model: String, directTokenize: Bool, modelType: String? = nil, hiddenSize: Int? = nil, dimensions: Int? = nil
    ) {
        self.model = model
        self.directTokenize = directTokenize
        self.modelType = modelType
        self.hiddenSize = hiddenSize
        self.dimensions = dimensions
    }

    /// The configured part as it appears in the stored fingerprint and the vector cache key:
    /// `model=<name>;tokenize=direct|sentences`.
    public var configuredTag: String { Self.configuredTag(model: model, directTokenize: directTokenize) }

    public static func configuredTag(model: String, directTokenize: Bool) -> String {
        "model=\(model);tokenize=\(directTokenize ? "direct" : "sentences")"
    }

    /// e.g. `sentence-transformers/all-MiniLM-L6-v2 (direct tokenize; model_type bert, hidden_size 384,
    /// 384-dimensional vectors)`.
    public var description: String {
        var reported: [String] = []
        reported.append("model_type \(modelType ?? "unreported")")
        reported.append("hidden_size \(hiddenSize.map(String.init) ?? "unreported")")
        reported.append(dimensions.map { "\($0)-dimensional vectors" } ?? "vector size unknown")
        return "\(model) (\(directTokenize ? "direct tokenize" : "sentence-split tokenize"); "
            + reported.joined(separator: ", ") + ")"
    }

    /// nil when `live` is the same identity; otherwise one sentence naming both, for `/readyz`, verify and
    /// status. `stored` nil means the data predates identities (it is then outdated by fingerprint too).
    public static func mismatch(stored: VectorizerIdentity?, live: VectorizerIdentity) -> String? {
        guard let stored else {
            return "the stored data records no vectorizer identity (ingested by an older esco-stack); the live "
                + "vectorizer is \(live): re-ingest (esco ingest --force-reingest)"
        }
        if stored == live { return nil }
        return "the data was vectorised by \(stored) but the vectorizer now serves \(live): queries cannot match "
            + "the stored vectors. Point vectorizer.url at the model the data was built with, or set vectorizer.model "
            + "and vectorizer.directTokenize to what the vectorizer serves and restart (the data is then rebuilt)"
    }
}
