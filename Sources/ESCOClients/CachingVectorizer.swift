public import ESCOCore

/// Vectorises through a `VectorCache`: only cache misses reach the vectorizer, each distinct text once.
/// Entries are keyed by `VectorizerClient.cacheKey()` (configured model, tokenize mode, `/meta` digest) and
/// the text, so a model or tokenize change never reads vectors made by the other.
public struct CachingVectorizer: TextVectorizing {
    public let client: VectorizerClient
    public let cache: VectorCache

    public init(client: VectorizerClient, cache: VectorCache) {
        self.client = client
        self.cache = cache
    }

    public func vectorize(_ texts: [String]) async throws -> [[Float]] {
        let model = try await client.cacheKey()
        var results = cache.get(texts, model: model)
        var missing: [String] = []
        var seen = Set<String>()
        for (i, text) in texts.enumerated() where results[i] == nil && seen.insert(text).inserted {
            missing.append(text)
        }
        if !missing.isEmpty {
            let vectors = try await client.vectorize(missing)
            try cache.put(Array(zip(missing, vectors)).map { (text: $0.0, vector: $0.1) }, model: model)
            let fresh = Dictionary(zip(missing, vectors), uniquingKeysWith: { a, _ in a })
            for i in texts.indices where results[i] == nil { results[i] = fresh[texts[i]] }
        }
        return results.map { $0 ?? [] }
    }

    public func identity() async throws -> VectorizerIdentity { try await client.identity() }
}
