import ESCOCore
public import ESCODataset

/// The fingerprint stored with the state: the dataset's content, the embedding recipe, whether label vectors
/// are part of the data (docs/ARCHITECTURE.md#esco-data, #weaviate-model), and the configured model and tokenize
/// mode (`VectorizerIdentity.configuredTag`), so a change of any of them marks the data outdated. `esco ingest`
/// writes it; the supervisor and `esco-search` compare the mounted dataset's with it.
public enum StateFingerprint {
    public static func make(_ fp: DatasetFingerprint, labelVectors: Bool, vectorizer: String) -> String {
        "sha256:\(fp.overall);esco-\(fp.version)-\(fp.language);recipe=\(EmbeddingRecipe.id);labels=\(labelVectors);"
            + vectorizer
    }
}
