public import ESCOCore

/// A real embedding model behind the vectorizer stand-in (`esco-standin vectorizer --model DIR`), in place of
/// the lexical `HashedEmbedding`. The executable adapts ESCOModel to it, so this target needs no BLAS.
public protocol TextEmbeddingModel: Sendable {
    var dimensions: Int { get }
    /// What `/meta` serves under "model": the model's config.json, as t2v-transformers serves its
    /// `AutoConfig` (meta.py `Meta.get`), so the product's model identity check sees a real model config.
    var metaModel: JSONValue { get }
    /// One vector per text; concurrent calls may be batched into one forward pass.
    func embed(_ texts: [String]) -> [[Float]]
}
